from datetime import date, datetime, timedelta
from unittest import TestCase

import jdatetime

from ..tools.jalali import (
    MONTHS,
    JalaliDateError,
    format_date,
    format_datetime,
    month_length,
    parse_date,
    to_digits,
    to_gregorian,
    to_jalali,
)


class TestToolsJalali(TestCase):

    def test_round_trips(self):
        """Gregorian -> Jalali -> Gregorian over 1925-2125, every 7th day, and the text form back."""
        day = date(1925, 1, 1)
        while day <= date(2125, 12, 31):
            jdate = to_jalali(day)
            self.assertEqual(to_gregorian(jdate.year, jdate.month, jdate.day), day)
            self.assertEqual(parse_date(format_date(day, "persian")), day)
            self.assertEqual(parse_date(format_date(day, "latin", long=True)), day)
            day += timedelta(days=7)

    def test_known_dates(self):
        self.assertEqual(to_gregorian(1405, 9, 11), date(2026, 12, 2))
        self.assertEqual(to_gregorian(1403, 12, 30), date(2025, 3, 20), "1403 is leap")
        self.assertEqual(to_jalali(datetime(2026, 12, 2, 23, 59)), jdatetime.date(1405, 9, 11))
        self.assertEqual([month_length(1404, m) for m in (1, 6, 7, 11, 12)], [31, 31, 30, 30, 29])
        self.assertEqual(month_length(1403, 12), 30)
        self.assertEqual(len(MONTHS), 12)
        self.assertEqual((MONTHS[0], MONTHS[8], MONTHS[11]), ("فروردین", "آذر", "اسفند"))

    def test_format(self):
        day = date(2026, 12, 2)
        self.assertEqual(format_date(day), "1405/09/11")
        self.assertEqual(format_date(day, "persian"), "۱۴۰۵/۰۹/۱۱")
        self.assertEqual(format_date(day, "persian", long=True), "۱۱ آذر ۱۴۰۵")
        self.assertEqual(format_datetime(datetime(2026, 12, 2, 14, 5, 9), "persian"), "۱۴۰۵/۰۹/۱۱ ۱۴:۰۵:۰۹")
        self.assertEqual(format_datetime(datetime(2026, 12, 2, 14, 5, 9), seconds=False), "1405/09/11 14:05")
        self.assertEqual(to_digits("۱۴٠٥", "latin"), "1405")

    def test_parse(self):
        cases = {
            "۱۴۰۵/۰۹/۱۱": date(2026, 12, 2),
            "1405-09-11": date(2026, 12, 2),
            "1405.9.11": date(2026, 12, 2),
            " ۱۴۰۵ / ۹ / ۱۱ ": date(2026, 12, 2),
            "11 آذر 1405": date(2026, 12, 2),
            "۱۱ آذر ۱۴۰۵": date(2026, 12, 2),
            "٣٠ اسفند ١٤٠٣": date(2025, 3, 20),  # Arabic-Indic digits are Persian-family digits
            "1 ارديبهشت 1405": date(2026, 4, 21),  # Arabic yeh
            "2026-12-02": date(2026, 12, 2),  # Gregorian: a year >= 1700
            "1700/01/01": date(1700, 1, 1),
            "1699/01/01": date(2320, 3, 21),  # the last Jalali year accepted
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_date(text), expected)

    def test_parse_errors(self):
        cases = {
            "": "empty",
            None: "empty",
            "   ": "empty",
            "1404/12/30": "day",  # 1404 is not leap
            "1405/07/31": "day",
            "1405/13/01": "month",
            "1405/00/01": "month",
            "۱۴۰۵/09/11": "mixed_digits",
            "11 آذر 2026": "mixed_calendars",
            "0999/01/01": "range",
            "999/01/01": "format",
            "11/09/1405": "format",
            "2026-02-30": "format",
            "11 Azar 1405": "format",
            "soon": "format",
        }
        for text, reason in cases.items():
            with self.subTest(text=text), self.assertRaises(JalaliDateError) as caught:
                parse_date(text)
            self.assertEqual(caught.exception.reason, reason)
            self.assertIsInstance(caught.exception, ValueError)
        with self.assertRaises(JalaliDateError) as caught:
            parse_date("1404/12/30")
        self.assertEqual(str(caught.exception), "“1404/12/30” does not exist: اسفند 1404 has 29 days.")
