from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_reports")
class TestFunnelRefresh(LeadManagementCase):
    """The Funnel report's steps are stored (``lead_funnel_step``) and refreshed every hour or on
    demand; the lead's salesperson, team and origin are read as they are now."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["lead.funnel.report"]
        cls.lead = cls._create_lead("Funnel refresh", user=cls.user_salesman, team=cls.team_iran)
        cls.env.flush_all()
        cls.env["lead.history"].search([("lead_id", "=", cls.lead.id)]).unlink()
        cls.period = cls.env["lead.history"].create({
            "lead_id": cls.lead.id, "dimension": "lifecycle_stage", "value": "lead",
            "date_from": datetime(2024, 1, 1, 8), "company_id": cls.lead.company_id.id})
        cls.Report._refresh_steps()

    def _rows(self, user=None):
        Report = self.Report.with_user(user) if user else self.Report
        return Report.search([("lead_id", "=", self.lead.id), ("mode", "=", "any")])

    def test_figures_as_of_the_last_refresh(self):
        self.assertRecordValues(self._rows(), [{"value": "lead", "moved_on_count": 0, "current_count": 1}])
        self.assertTrue(self._rows().date_refreshed)
        self.period.date_to = datetime(2024, 1, 3, 8)
        self.env["lead.history"].create({
            "lead_id": self.lead.id, "dimension": "lifecycle_stage", "value": "mql",
            "date_from": datetime(2024, 1, 3, 8), "company_id": self.lead.company_id.id})
        self.env.flush_all()
        self.assertEqual(self._rows().mapped("value"), ["lead"], "stored until the next refresh")
        self.Report._refresh_steps()
        rows = self._rows().sorted("position")
        self.assertRecordValues(rows, [
            {"value": "lead", "moved_on_count": 1, "current_count": 0, "days_in_median": 2.0},
            {"value": "mql", "moved_on_count": 0, "current_count": 1, "days_in_median": 0.0},
        ])

    def test_common_dimensions_and_rules_on_current_values(self):
        """Reassigned after the refresh: the row follows its lead's new salesperson at once."""
        self.lead.user_id = self.user_salesman_other
        self.env.flush_all()
        self.assertEqual(self._rows().user_id, self.user_salesman_other)
        self.assertFalse(self._rows(self.user_salesman))
        self.assertTrue(self._rows(self.user_salesman_other))

    def test_refresh_for_sales_managers_only(self):
        action = self.env.ref("lead_management.action_server_lead_funnel_refresh")
        result = action.with_user(self.user_manager).with_context(active_model="lead.funnel.report").run()
        self.assertEqual(result["tag"], "display_notification")
        with self.assertRaises(AccessError):
            action.with_user(self.user_salesman).run()

    def test_hourly_cron_refreshes(self):
        cron = self.env.ref("lead_management.ir_cron_funnel_refresh")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))
        self.period.value = "mql"
        self.env.flush_all()
        cron.ir_actions_server_id.run()
        self.assertEqual(self._rows().mapped("value"), ["mql"])
