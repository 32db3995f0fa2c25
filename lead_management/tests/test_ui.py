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

    def test_convert_lead_through_the_wizard(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Known Customer", "email": "tour.known@lm-test.example"})
        lead = self.env["crm.lead"].create({
            "name": "Tour Conversion",
            "type": "lead",
            "user_id": self.env.ref("base.user_admin").id,
            "contact_name": "Tour Contact",
            "email_from": "tour.known@lm-test.example",
        })
        self.start_tour(f"/odoo/action-crm.crm_lead_all_leads/{lead.id}", "lead_management_convert_lead",
                        login="admin")
        lead.invalidate_recordset()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, customer)
        self.assertEqual(lead.lead_status, "converted")
