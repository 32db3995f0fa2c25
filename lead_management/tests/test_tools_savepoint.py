from contextlib import contextmanager
from unittest import TestCase

import psycopg2

from ..tools.savepoint import call_batch_in_savepoint, call_in_savepoint


class Journal:
    """A transaction in a list: a savepoint left by an exception drops
    what was appended since it began."""

    def __init__(self):
        self.rows = []

    @contextmanager
    def savepoint(self):
        size = len(self.rows)
        try:
            yield
        except Exception:
            del self.rows[size:]
            raise


class TestSavepointTools(TestCase):
    """Batches tried in a savepoint, then item by item, without the ORM."""

    def setUp(self):
        super().setUp()
        self.cr = Journal()

    def save(self, value):
        self.cr.rows.append(value)
        if value < 0:
            raise ValueError(f"negative: {value}")
        return value * 10

    def save_all(self, values):
        return [self.save(value) for value in values]

    def test_call_kept(self):
        self.assertEqual(call_in_savepoint(self.cr, lambda: self.save(1), str), 10)
        self.assertEqual(self.cr.rows, [1])

    def test_call_rolled_back(self):
        self.assertEqual(call_in_savepoint(self.cr, lambda: self.save(-1), str), "negative: -1")
        self.assertEqual(self.cr.rows, [])

    def test_call_errors_not_caught_propagate(self):
        with self.assertRaises(ValueError):
            call_in_savepoint(self.cr, lambda: self.save(-1), str, errors=KeyError)
        self.assertEqual(self.cr.rows, [])

    def test_operational_error_raised_again(self):
        def locked():
            raise psycopg2.errors.LockNotAvailable()
        with self.assertRaises(psycopg2.OperationalError):
            call_in_savepoint(self.cr, locked, str)
        with self.assertRaises(psycopg2.OperationalError):
            call_batch_in_savepoint(self.cr, [1], lambda items: locked(), lambda item: locked(), lambda i, e: None)

    def test_batch_in_one_go(self):
        failed = []
        results = call_batch_in_savepoint(self.cr, [1, 2], self.save_all, self.save,
                                          lambda item, error: failed.append(item))
        self.assertEqual(results, [10, 20])
        self.assertEqual(self.cr.rows, [1, 2])
        self.assertEqual(failed, [])

    def test_bad_item_fails_alone(self):
        saved_one_by_one = []

        def save_one(value):
            saved_one_by_one.append(value)
            return self.save(value)

        results = call_batch_in_savepoint(self.cr, [1, -2, 3], self.save_all, save_one,
                                          lambda item, error: f"{item}: {error}")
        self.assertEqual(results, [10, "-2: negative: -2", 30])
        self.assertEqual(self.cr.rows, [1, 3], "the failed batch and the bad item are rolled back")
        self.assertEqual(saved_one_by_one, [1, -2, 3])
