"""Solar Hijri (Jalali) dates without the ORM: conversion both ways (with
jdatetime), Persian month names, formatting in Latin or Persian digits and
parsing of typed dates. Errors are :class:`JalaliDateError` (a ValueError)
whose ``reason`` is a key of :data:`REASONS`, English text that callers
translate and format with the error's ``params``."""
import datetime
import re

import jdatetime

MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
          "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)
TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, "0123456789" * 2)
# Gregorian years from here on; a smaller 4-digit year is Jalali
GREGORIAN_MIN_YEAR = 1700
JALALI_MIN_YEAR = 1000
GREGORIAN_MAX_YEAR = 9999
JALALI_MAX_YEAR = 9377  # 31 December 9999

REASONS = {
    "empty": "Enter a date.",
    "format": "“%(value)s” is not a date: type it like 1405/09/11, 11 آذر 1405 or 2026-12-02.",
    "mixed_digits": "“%(value)s” mixes Persian and Latin digits: type it with one kind of digits.",
    "mixed_calendars": "“%(value)s” mixes a Solar Hijri month with a Gregorian year.",
    "month": "“%(value)s”: there is no month %(month)s.",
    "day": "“%(value)s” does not exist: %(month)s %(year)s has %(days)s days.",
    "range": "“%(value)s”: the year must be between 1000 and 1699 (Solar Hijri) or 1700 and 9999 (Gregorian).",
}


class JalaliDateError(ValueError):
    """A date that cannot be read; ``reason`` is a key of REASONS."""

    def __init__(self, reason, **params):
        self.reason = reason
        self.params = params
        super().__init__(REASONS[reason] % params)


def to_jalali(value):
    """The ``jdatetime.date`` of a Gregorian date (or datetime's date)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return jdatetime.date.fromgregorian(date=value)


def to_gregorian(year, month, day):
    """The Gregorian ``datetime.date`` of a Jalali date; JalaliDateError
    when it does not exist."""
    value = f"{year:04d}/{month:02d}/{day:02d}"
    if not 1 <= year <= JALALI_MAX_YEAR:
        raise JalaliDateError("range", value=value)
    if not 1 <= month <= 12:
        raise JalaliDateError("month", value=value, month=month)
    days = month_length(year, month)
    if not 1 <= day <= days:
        raise JalaliDateError("day", value=value, month=MONTHS[month - 1], year=year, days=days)
    return jdatetime.date(year, month, day).togregorian()


def month_length(year, month):
    """The number of days of a Jalali month (Esfand: 30 in a leap year)."""
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def to_digits(text, digits):
    """``text`` with its digits in ``digits``: 'persian' or 'latin'."""
    return text.translate(TO_PERSIAN if digits == "persian" else TO_LATIN)


def format_date(value, digits="latin", long=False):
    """A Gregorian date shown in Jalali: '1405/09/11', or '11 آذر 1405'
    when ``long``, in Latin or Persian digits."""
    jdate = to_jalali(value)
    text = (f"{jdate.day} {MONTHS[jdate.month - 1]} {jdate.year}" if long
            else f"{jdate.year:04d}/{jdate.month:02d}/{jdate.day:02d}")
    return to_digits(text, digits)


def format_datetime(value, digits="latin", long=False, seconds=True):
    """A naive datetime (already in the reader's time zone) shown in
    Jalali: '1405/09/11 14:30:00'."""
    time = value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{format_date(value, digits, long)} {to_digits(time, digits)}"


_NUMERIC = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,4})")
_LONG = re.compile(r"(\d{1,2})\s+(\S+)\s+(\d{1,4})")
_LATIN = re.compile(r"[0-9]")
_NON_LATIN = re.compile(f"[{PERSIAN_DIGITS}{ARABIC_DIGITS}]")
_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "\u200c": "", "ى": "ی"})


def parse_date(text):
    """The Gregorian date typed in ``text``: Jalali ``۱۴۰۵/۰۹/۱۱``,
    ``1405-09-11``, ``11 آذر 1405``, or Gregorian ``2026-12-02`` (a 4-digit
    year >= 1700, year first). JalaliDateError when empty, malformed, mixing
    Persian and Latin digits or a Jalali month with a Gregorian year, out of
    range, or a day that does not exist (``1404/12/30``)."""
    value = (text or "").strip()
    if not value:
        raise JalaliDateError("empty")
    if _LATIN.search(value) and _NON_LATIN.search(value):
        raise JalaliDateError("mixed_digits", value=value)
    latin = to_digits(value, "latin").translate(_LETTERS)
    if match := _NUMERIC.fullmatch(latin):
        year, month, day = (int(part) for part in match.groups())
        if len(match.group(1)) != 4:
            raise JalaliDateError("format", value=value)
    elif match := _LONG.fullmatch(latin):
        day, name, year = int(match.group(1)), match.group(2), int(match.group(3))
        if name not in MONTHS:
            raise JalaliDateError("format", value=value)
        if year >= GREGORIAN_MIN_YEAR:
            raise JalaliDateError("mixed_calendars", value=value)
        month = MONTHS.index(name) + 1
    else:
        raise JalaliDateError("format", value=value)
    if not JALALI_MIN_YEAR <= year <= GREGORIAN_MAX_YEAR:
        raise JalaliDateError("range", value=value)
    if year >= GREGORIAN_MIN_YEAR:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise JalaliDateError("format", value=value) from None
    try:
        return to_gregorian(year, month, day)
    except JalaliDateError as error:
        raise JalaliDateError(error.reason, **{**error.params, "value": value}) from None
