from collections import Counter
from datetime import date, timedelta

import jdatetime

from odoo.tests import tagged, users
from odoo.tools import SQL

from .common import LeadManagementCase

# days on both sides of Jalali month, quarter and year boundaries (1403 is a leap year: 30 Esfand 1403 is
# 2025-03-20), and Gregorian month ends that fall inside Jalali months
DAYS = [
    "2024-11-20", "2024-11-21", "2024-11-30", "2024-12-01", "2024-12-20", "2024-12-21", "2024-12-21",
    "2025-01-31", "2025-02-18", "2025-02-19", "2025-03-20", "2025-03-20", "2025-03-21", "2025-04-20",
]
REPORTS = ["lead.source.report", "lead.funnel.report", "lead.sales.cycle.report", "lead.response.report",
           "lead.rep.report"]


def jalali_month_days(key):
    """The first and last Gregorian days of the Jalali month ``key`` ('1403-10')."""
    year, month = map(int, key.split("-"))
    first = jdatetime.date(year, month, 1)
    following = jdatetime.date(year + month // 12, month % 12 + 1, 1)
    return first.togregorian(), following.togregorian() - timedelta(days=1)


@tagged("post_install", "-at_install", "lead_management_reports")
class TestReportJalali(LeadManagementCase):
    """The reports group by Jalali month, quarter and year: the same counts as the Gregorian day ranges
    of those periods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["utm.source"].create({"name": "LM Jalali Source"})
        cls.leads = cls.env["crm.lead"].concat(*(
            cls._create_lead(f"Jalali {index}", team=cls.team_iran, source_id=cls.source.id)
            for index in range(len(DAYS))))
        cls.env.flush_all()
        for lead, day in zip(cls.leads, DAYS, strict=True):
            cls.env.cr.execute(SQL("UPDATE crm_lead SET create_date = %s WHERE id = %s", f"{day} 10:00:00", lead.id))
        cls.env.invalidate_all()
        cls.jalali_days = [jdatetime.date.fromgregorian(date=date.fromisoformat(day)) for day in DAYS]

    def _source_groups(self, groupby):
        return dict(self.env["lead.source.report"]._read_group(
            [("attribution_model", "=", "first"), ("source_id", "=", self.source.id)], [groupby], ["__count"]))

    @users("lm_manager")
    def test_month_counts_match_the_gregorian_day_ranges(self):
        groups = self._source_groups("jalali_month")
        self.assertEqual(groups, Counter(f"{day.year:04d}-{day.month:02d}" for day in self.jalali_days))
        self.assertIn("1403-12", groups, "30 Esfand of the leap year 1403 is in Esfand")
        Report = self.env["lead.source.report"]
        for key, count in groups.items():
            first, last = jalali_month_days(key)
            with self.subTest(month=key):
                self.assertEqual(count, Report.search_count([
                    ("attribution_model", "=", "first"), ("source_id", "=", self.source.id),
                    ("date", ">=", first), ("date", "<=", last)]))

    @users("lm_manager")
    def test_quarter_and_year(self):
        self.assertEqual(self._source_groups("jalali_quarter"), Counter(
            f"{day.year:04d}-Q{(day.month + 2) // 3}" for day in self.jalali_days))
        self.assertEqual(self._source_groups("jalali_year"), Counter(day.year for day in self.jalali_days))

    @users("lm_manager")
    def test_every_report_groups_by_jalali_periods(self):
        by_month = Counter(f"{day.year:04d}-{day.month:02d}" for day in self.jalali_days)
        for model in REPORTS:
            Report = self.env[model]
            with self.subTest(report=model):
                rows = Report._read_group(
                    [("lead_id", "in", self.leads.ids)], ["jalali_year", "jalali_quarter", "jalali_month"],
                    ["__count"])
                self.assertTrue(all(str(year) == quarter[:4] == month[:4] for year, quarter, month, __ in rows))
                search = Report.get_views([(False, "search")])["views"]["search"]["arch"]
                for period in ("month", "quarter", "year"):
                    self.assertIn(f'name="group_by_jalali_{period}"', search)
        # the reports of one row per lead dated by its creation give the leads' Jalali months
        for model in ("lead.sales.cycle.report", "lead.source.report"):
            domain = [("lead_id", "in", self.leads.ids)]
            if model == "lead.source.report":
                domain.append(("attribution_model", "=", "first"))
            with self.subTest(report=model):
                self.assertEqual(dict(self.env[model]._read_group(domain, ["jalali_month"], ["__count"])), by_month)
