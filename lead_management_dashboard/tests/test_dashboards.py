import json

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase, tagged, users

DASHBOARDS = ("spreadsheet_dashboard_leads", "spreadsheet_dashboard_marketing_roi")


@tagged("post_install", "-at_install", "lead_management_dashboard")
class TestDashboards(TransactionCase):
    """The dashboards' pivots and charts read fields that exist, as the
    users allowed to open them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = mail_new_test_user(
            cls.env, login="lm_dash_manager", name="Dashboard Manager",
            groups="base.group_user,sales_team.group_sale_manager")
        mail_new_test_user(
            cls.env, login="lm_dash_salesman", name="Dashboard Salesman",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads")
        cls.dashboards = [cls.env.ref(f"lead_management_dashboard.{xmlid}") for xmlid in DASHBOARDS]

    def assertFieldsExist(self, model, names, what):
        Model = self.env[model]
        for name in names:
            self.assertIn(name.split(":")[0], Model._fields, f"{what}: {model} has no field {name}")

    def test_pivots_and_charts_use_existing_fields(self):
        for dashboard in self.dashboards:
            data = json.loads(dashboard.spreadsheet_data)
            filter_ids = {f["id"] for f in data["globalFilters"]}
            self.assertTrue(data["pivots"])
            for pivot in data["pivots"].values():
                what = f"{dashboard.name} pivot {pivot['name']}"
                self.assertFieldsExist(pivot["model"], [m["fieldName"] for m in pivot["measures"]], what)
                self.assertFieldsExist(pivot["model"], [r["fieldName"] for r in pivot["rows"]], what)
                self.assertFieldsExist(pivot["model"], [m["chain"] for m in pivot["fieldMatching"].values()], what)
                self.assertLessEqual(set(pivot["fieldMatching"]), filter_ids)
                self.env[pivot["model"]].read_group(
                    pivot["domain"], [m["fieldName"] for m in pivot["measures"]],
                    [r["fieldName"] for r in pivot["rows"]], lazy=False)
            charts = [f["data"] for sheet in data["sheets"] for f in sheet["figures"]
                      if f["data"]["type"].startswith("odoo_")]
            self.assertTrue(charts)
            for chart in charts:
                meta = chart["metaData"]
                self.assertFieldsExist(meta["resModel"], [meta["measure"], *meta["groupBy"]], dashboard.name)

    def test_cells_read_existing_pivots(self):
        for dashboard in self.dashboards:
            data = json.loads(dashboard.spreadsheet_data)
            contents = [c["content"] for sheet in data["sheets"] for c in sheet["cells"].values()]
            used = {content.split("(", 1)[1].split(",", 1)[0] for content in contents
                    if content.startswith(("=PIVOT.VALUE(", "=PIVOT.HEADER("))}
            self.assertEqual(used, set(data["pivots"]), dashboard.name)

    @users("lm_dash_manager")
    def test_manager_opens_the_dashboards(self):
        self.env["crm.lead"].sudo().create({"name": "A lead to show"})
        for dashboard in self.dashboards:
            data = dashboard.with_user(self.env.user).get_readonly_dashboard()
            self.assertNotIn("is_sample", data)
            self.assertTrue(data["snapshot"]["pivots"])

    def test_sample_without_leads(self):
        self.env["crm.lead"].with_context(active_test=False).search([]).unlink()
        for dashboard in self.dashboards:
            data = dashboard.with_user(self.manager).get_readonly_dashboard()
            self.assertTrue(data["is_sample"])
            self.assertFalse(data["snapshot"]["pivots"])

    @users("lm_dash_salesman")
    def test_only_sales_managers_see_them(self):
        visible = self.env["spreadsheet.dashboard"].search([("id", "in", [d.id for d in self.dashboards])])
        self.assertFalse(visible)
