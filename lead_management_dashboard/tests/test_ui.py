from odoo.tests import HttpCase, tagged

from .test_dashboards import DASHBOARDS


@tagged("post_install", "-at_install", "lead_management_dashboard")
class TestDashboardsInBrowser(HttpCase):
    """Each dashboard opens in Chromium, in English and in Persian, and its KPI
    cells show the report's figures for the dashboard's filters."""

    def test_dashboards_show_the_reports_figures(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        admin = self.env.ref("base.user_admin")
        for lang in ("en_US", "fa_IR"):
            admin.lang = lang
            for xmlid in DASHBOARDS:
                dashboard = self.env.ref(f"lead_management_dashboard.{xmlid}")
                with self.subTest(lang=lang, dashboard=xmlid):
                    self.start_tour(f"/odoo/dashboards?dashboard_id={dashboard.id}",
                                    "lead_management_dashboard", login="admin")
