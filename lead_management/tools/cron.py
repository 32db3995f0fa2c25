"""Batch sizes of the crons, adapted to the time a batch took."""


def next_batch_size(size, elapsed, target, minimum, maximum):
    """The size of the next batch so that it takes about ``target`` seconds,
    given that ``size`` items took ``elapsed`` seconds: at most twice or half
    the last size (one slow batch does not collapse the size), within
    ``[minimum, maximum]``."""
    wanted = size * target / elapsed if elapsed > 0 else size * 2
    return int(max(minimum, min(maximum, size * 2, max(size / 2, wanted))))
