from collections import Counter
from datetime import datetime

import jdatetime
from freezegun import freeze_time

from odoo.tests import tagged

from .common import NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestNurtureReportJalali(NurtureCase):
    """The nurture report groups its rows by the Jalali month, quarter and year of their date."""

    def test_rows_by_jalali_period(self):
        leads = [self._create_nurtured_lead(f"Jalali {index}") for index in range(3)]
        # 30 Esfand 1403 (a leap year) and 1 Farvardin 1404
        with freeze_time(datetime(2025, 3, 20, 8, 0)):
            self._enroll(leads[:2])
        with freeze_time(datetime(2025, 3, 21, 8, 0)):
            self._enroll(leads[2:])
        self.env.flush_all()
        Report = self.env["lead.nurture.report"]
        domain = [("cadence_id", "=", self.cadence.id), ("enrolled", "=", 1)]
        for period, expected in (("jalali_month", {"1403-12": 2, "1404-01": 1}),
                                 ("jalali_quarter", {"1403-Q4": 2, "1404-Q1": 1}),
                                 ("jalali_year", {1403: 2, 1404: 1})):
            self.assertEqual(dict(Report._read_group(domain, [period], ["__count"])), expected)
        rows = Report.search([("cadence_id", "=", self.cadence.id)])
        self.assertEqual(Counter(rows.mapped("jalali_month")), Counter(
            jdatetime.date.fromgregorian(date=row.date.date()).strftime("%Y-%m") for row in rows))
        search = Report.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn('name="group_jalali_month"', search)
