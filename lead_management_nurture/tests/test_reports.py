from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestReports(NurtureCase):
    """Per cadence, step and variant: enrolled, sent, opened, clicked,
    replied, bounced, unsubscribed, SQL, converted; the SQL rate and the
    median days to SQL."""

    def test_figures(self):
        leads = [self._create_nurtured_lead(f"Report {index}") for index in range(4)]
        maker = self._create_nurtured_lead("Report maker", industry_id=self.industry_manufacturing.id)
        with freeze_time(MONDAY_MORNING):
            enrollments = self._enroll([*leads, maker])
            self._run_due()
            self._trace(leads[0]).set_opened()
            self._trace(leads[1]).set_clicked()
            self._trace(leads[1]).set_opened()
            self._trace(leads[2]).set_bounced()
        with freeze_time(MONDAY_MORNING + timedelta(days=2)):
            enrollments[0]._exit("sql")
            leads[3].action_set_won()
            self.flush_deferred()
        with freeze_time(MONDAY_MORNING + timedelta(days=6)):
            enrollments[4]._exit("sql")
        self.env.flush_all()
        Report = self.env["lead.nurture.report"]
        [row] = Report.read_group(
            [("cadence_id", "=", self.cadence.id)],
            ["enrolled:sum", "sent:sum", "opened:sum", "clicked:sum", "bounced:sum", "exited_sql:sum",
             "converted:sum", "days_to_sql:avg"], ["cadence_id"])
        self.assertEqual(row["enrolled"], 5)
        self.assertEqual(row["opened"], 2)
        self.assertEqual(row["clicked"], 1)
        self.assertEqual(row["bounced"], 1)
        self.assertEqual(row["exited_sql"], 2)
        self.assertEqual(row["converted"], 1)
        self.assertAlmostEqual(row["days_to_sql"], 4.0)
        by_step = {group["step_id"][0]: group for group in Report.read_group(
            [("cadence_id", "=", self.cadence.id)],
            ["enrolled:sum", "reached:sum", "opened:sum", "exited_sql:sum"], ["step_id"])}
        welcome, second = by_step[self.step_welcome.id], by_step[self.step_second.id]
        self.assertEqual((welcome["enrolled"], welcome["reached"], welcome["opened"]), (5, 5, 2))
        # the five moved on to the second step, where two reached SQL, one bounced and one was won
        self.assertEqual((second["enrolled"], second["reached"], second["exited_sql"]), (0, 0, 2))
        Conversion = self.env["lead.nurture.conversion.report"]
        rows = {row.variant_id: row for row in Conversion.search([("cadence_id", "=", self.cadence.id)])}
        default, variant = rows[self.env["lead.nurture.step.variant"]], rows[self.step_welcome.variant_ids]
        self.assertEqual((default.enrolled, default.reached_sql, default.median_days_to_sql), (4, 1, 2.0))
        self.assertEqual((variant.enrolled, variant.reached_sql, variant.median_days_to_sql), (1, 1, 6.0))
        self.assertEqual(default.sql_rate, 25.0)
        self.cadence.invalidate_recordset()
        self.assertEqual(self.cadence.sql_rate, 40.0)
        self.assertEqual(self.cadence.median_days_to_sql, 4.0)

    def test_salesperson_sees_own_leads_only(self):
        own = self._create_nurtured_lead("Mine")
        other = self._create_nurtured_lead("Theirs", user=self.user_salesman_other)
        self._enroll(own | other)
        self.env.flush_all()
        rows = self.env["lead.nurture.report"].with_user(self.user_salesman).search(
            [("cadence_id", "=", self.cadence.id)])
        self.assertEqual(rows.lead_id, own)
