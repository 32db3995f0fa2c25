from odoo.addons.lead_management.tests.test_translations import check_catalogs
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "lead_management_dashboard", "lead_management_i18n")
class TestDashboardTranslations(TransactionCase):
    """fa and ka of the dashboards (names, cell labels, chart titles, filters) are complete."""

    def test_po_files_are_complete(self):
        check_catalogs(self, "lead_management_dashboard", min_terms=40)

    def test_dashboard_labels_in_persian(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["lead_management_dashboard"], ["fa_IR"], overwrite=True)
        dashboard = self.env.ref("lead_management_dashboard.spreadsheet_dashboard_leads").with_context(lang="fa_IR")
        self.assertNotEqual(dashboard.name, "Leads")
        translations = self.env["ir.http"].get_translations_for_webclient(["lead_management_dashboard"], "fa_IR")[0]
        terms = {m["id"]: m["string"] for m in translations["lead_management_dashboard"]["messages"]}
        self.assertNotIn(terms.get("New leads", "New leads"), ("New leads", ""))
