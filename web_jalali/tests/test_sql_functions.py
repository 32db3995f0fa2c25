import datetime

import jdatetime

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSqlFunctions(TransactionCase):

    def test_every_day_1925_2125(self):
        """jalali_date/month/quarter/year agree with jdatetime on every day."""
        self.env.cr.execute("""
            SELECT d::date, jalali_date(d::date), jalali_month(d::date),
                   jalali_quarter(d::date), jalali_year(d::date)
              FROM generate_series(TIMESTAMP '1925-01-01', TIMESTAMP '2125-12-31', INTERVAL '1 day') AS d
             ORDER BY d
        """)
        rows = self.env.cr.fetchall()
        self.assertEqual(len(rows), (datetime.date(2125, 12, 31) - datetime.date(1925, 1, 1)).days + 1)
        for day, jdate, jmonth, jquarter, jyear in rows:
            j = jdatetime.date.fromgregorian(date=day)
            expected = (
                f"{j.year:04d}-{j.month:02d}-{j.day:02d}",
                f"{j.year:04d}-{j.month:02d}",
                f"{j.year:04d}-Q{(j.month - 1) // 3 + 1}",
                j.year,
            )
            if (jdate, jmonth, jquarter, jyear) != expected:
                self.fail(f"first mismatch on {day}: SQL {(jdate, jmonth, jquarter, jyear)} != jdatetime {expected}")

    def test_known_days(self):
        self.env.cr.execute("""
            SELECT jalali_date('2026-12-02'), jalali_month('2026-12-02'), jalali_quarter('2026-12-02'),
                   jalali_year('2026-12-02'), jalali_date('2025-03-20'), jalali_date('2025-03-21'),
                   jalali_date('2025-03-19'), jalali_quarter('2025-06-21'), jalali_date(NULL)
        """)
        self.assertEqual(self.env.cr.fetchone(), (
            "1405-09-11", "1405-09", "1405-Q3", 1405,
            "1403-12-30",  # 1403 is leap
            "1404-01-01", "1403-12-29", "1404-Q1", None))

    def test_inlined_and_immutable(self):
        """IMMUTABLE (usable in indexes) and inlined by the planner (no call per row)."""
        self.env.cr.execute("""
            SELECT proname, provolatile FROM pg_proc
             WHERE proname IN ('jalali_date', 'jalali_month', 'jalali_quarter', 'jalali_year')
        """)
        self.assertEqual(dict(self.env.cr.fetchall()), dict.fromkeys(
            ("jalali_date", "jalali_month", "jalali_quarter", "jalali_year"), "i"))
        self.env.cr.execute("""
            EXPLAIN VERBOSE SELECT jalali_month(d::date), jalali_quarter(d::date), jalali_year(d::date)
              FROM generate_series(TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02', INTERVAL '1 day') d
        """)
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertNotIn("jalali_", plan)
