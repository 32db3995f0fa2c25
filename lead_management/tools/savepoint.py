"""Work done in savepoints, so that a failure rolls back only its own part
of the transaction."""
import psycopg2


def call_in_savepoint(cr, function, on_error, errors=Exception):
    """``function()`` in a savepoint of ``cr``; when it raises one of
    ``errors``, its work is rolled back and ``on_error(error)`` answers
    instead (called while the exception is handled: ``_logger.exception``
    logs it). A psycopg2.OperationalError (a serialization failure, a lock
    timeout) is raised again: Odoo retries the whole transaction."""
    try:
        with cr.savepoint():
            return function()
    except psycopg2.OperationalError:
        raise
    except errors as error:
        return on_error(error)


def call_batch_in_savepoint(cr, items, batch, each, on_error):
    """``batch(items)`` in one savepoint of ``cr``; when it fails, ``each(item)``
    for every item in a savepoint of its own, so that a bad item fails alone,
    and ``on_error(item, error)`` for those that fail. Returns ``batch``'s
    result (one per item), or the list of ``each``'s and ``on_error``'s."""
    def one_by_one(_error):
        return [call_in_savepoint(cr, lambda item=item: each(item), lambda error, item=item: on_error(item, error))
                for item in items]
    return call_in_savepoint(cr, lambda: batch(items), one_by_one)
