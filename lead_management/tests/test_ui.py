from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestLeadManagementUi(HttpCase):
    """Browser tour of the main lead screens in Chromium."""

    def test_status_kanban_and_qualification_form(self):
        lead = self.env["crm.lead"].create({
            "name": "Tour Lead Tabriz",
            "type": "lead",
            "user_id": self.env.ref("base.user_admin").id,
            "country_id": self.env.ref("base.ir").id,
            "city": "تبریز",
        })
        self.start_tour("/odoo/action-crm.crm_lead_all_leads", "lead_management_status_kanban", login="admin")
        lead.invalidate_recordset()
        self.assertEqual(lead.lead_status, "contacted")
        self.assertEqual(lead.need_level, "high")
        self.assertEqual(lead.national_id, "0013542419")
