from datetime import date
from unittest import TestCase

from ..tools.spreadsheet import parse_date


class TestSpreadsheetJalali(TestCase):

    def test_impossible_jalali_dates(self):
        """jdatetime's calendar: 30 Esfand exists in leap years only (the hand-written converter took it always)."""
        self.assertEqual(parse_date("1403/12/30"), date(2025, 3, 20))
        self.assertIsNone(parse_date("1404/12/30"))
        self.assertIsNone(parse_date("۱۴۰۵/۰۷/۳۱"))
        self.assertEqual(parse_date("30/12/1403"), date(2025, 3, 20))
