from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.addons.lead_management.tests.test_translations import check_catalogs
from odoo.tests import tagged


@tagged("post_install", "-at_install", "lead_management_account", "lead_management_i18n")
class TestAccountTranslations(LeadManagementCase):
    """fa and ka of the invoicing bridge are complete and used."""

    def test_po_files_are_complete(self):
        check_catalogs(self, "lead_management_account", min_terms=50)

    def test_terms_are_used(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["lead_management_account"], ["fa_IR"], overwrite=True)
        description = self.env["crm.lead"].with_context(lang="fa_IR").fields_get(["amount_invoiced"], ["string"])
        self.assertNotEqual(description["amount_invoiced"]["string"], "Amount Invoiced")
