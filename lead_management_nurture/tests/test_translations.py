from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.addons.lead_management.tests.test_translations import check_catalogs
from odoo.tests import tagged


@tagged("post_install", "-at_install", "lead_management_nurture", "lead_management_i18n")
class TestNurtureTranslations(LeadManagementCase):
    """fa and ka of the nurturing addon are complete, demo e-mails included."""

    def test_po_files_are_complete(self):
        check_catalogs(self, "lead_management_nurture", min_terms=100)
