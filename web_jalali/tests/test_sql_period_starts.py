import datetime

import jdatetime

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSqlPeriodStarts(TransactionCase):
    """jalali_month_start/quarter_start/year_start: the Gregorian first day of
    the Jalali period of a date, as jdatetime says, inlined and IMMUTABLE."""

    def test_every_day_1925_2125(self):
        self.env.cr.execute("""
            SELECT d::date, jalali_month_start(d::date), jalali_quarter_start(d::date), jalali_year_start(d::date)
              FROM generate_series(TIMESTAMP '1925-01-01', TIMESTAMP '2125-12-31', INTERVAL '1 day') AS d
             ORDER BY d
        """)
        rows = self.env.cr.fetchall()
        self.assertEqual(len(rows), (datetime.date(2125, 12, 31) - datetime.date(1925, 1, 1)).days + 1)
        for day, *starts in rows:
            j = jdatetime.date.fromgregorian(date=day)
            expected = [jdatetime.date(j.year, month, 1).togregorian()
                        for month in (j.month, (j.month - 1) // 3 * 3 + 1, 1)]
            if starts != expected:
                self.fail(f"first mismatch on {day}: SQL {starts} != jdatetime {expected}")

    def test_known_days(self):
        self.env.cr.execute("""
            SELECT jalali_month_start('2026-12-02'), jalali_quarter_start('2026-12-02'),
                   jalali_year_start('2026-12-02'), jalali_month_start('2025-03-20'),
                   jalali_month_start('2026-11-21'), jalali_month_start(NULL)
        """)
        self.assertEqual(self.env.cr.fetchone(), (
            datetime.date(2026, 11, 22),  # 1 Azar 1405
            datetime.date(2026, 9, 23),  # 1 Mehr 1405
            datetime.date(2026, 3, 21),  # 1 Farvardin 1405
            datetime.date(2025, 2, 19),  # 1 Esfand 1403 (30 Esfand, leap)
            datetime.date(2026, 10, 23),  # 1 Aban 1405
            None))

    def test_inlined_and_immutable(self):
        names = ("jalali_month_start", "jalali_quarter_start", "jalali_year_start")
        self.env.cr.execute("SELECT proname, provolatile FROM pg_proc WHERE proname IN %s", [names])
        self.assertEqual(dict(self.env.cr.fetchall()), dict.fromkeys(names, "i"))
        self.env.cr.execute("""
            EXPLAIN VERBOSE SELECT jalali_month_start(d::date), jalali_quarter_start(d::date),
                   jalali_year_start(d::date)
              FROM generate_series(TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02', INTERVAL '1 day') d
        """)
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertNotIn("jalali_", plan)

    def test_date_computed_twice(self):
        """The date, often a time zone conversion, is computed twice per row
        (not once per use of the day of the year), like date_trunc's once."""
        self.env.cr.execute("""
            EXPLAIN VERBOSE SELECT jalali_month_start(timezone('Asia/Tehran', timezone('UTC', d))::date)
              FROM generate_series(TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02', INTERVAL '1 day') d
        """)
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertEqual(plan.count("Asia/Tehran"), 2, plan)
