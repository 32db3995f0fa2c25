"""Answers in constant time: how long to hold an answer."""
import math


def padded_duration(elapsed, floor):
    """The duration after which to send an answer ready after ``elapsed``
    seconds: ``floor``, else (work longer than the floor) its next multiple,
    so that what the work did shows only in steps of ``floor``."""
    if floor <= 0:
        return elapsed
    return floor * max(1, math.ceil(elapsed / floor))
