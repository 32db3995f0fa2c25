from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "lead_management_ui")
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

    def test_response_time_report(self):
        admin = self.env.ref("base.user_admin")
        assigned = datetime(2026, 3, 2, 9, 0)
        # the report shows these three leads alone (demo leads have first responses too)
        self.env["crm.lead"].with_context(active_test=False).search([
            "|", ("first_response_date", "!=", False), ("sla_status", "in", ("met", "breached")),
        ]).write({"first_response_date": False, "sla_status": "none"})
        for minutes, status in ((2, "met"), (4, "met"), (30, "breached")):
            lead = self.env["crm.lead"].create({"name": f"Tour Response {minutes}", "type": "lead",
                                                "user_id": admin.id})
            lead.write({"score": 90, "date_open": assigned, "sla_deadline": assigned + timedelta(minutes=5),
                        "first_response_date": assigned + timedelta(minutes=minutes), "sla_status": status})
        self.start_tour("/odoo/action-lead_management.action_lead_response_report",
                        "lead_management_response_report", login="admin")

    def test_import_through_the_screen(self):
        self.env.company.country_id = self.env.ref("base.ir")
        self.start_tour("/odoo/action-lead_management.action_lead_import_wizard", "lead_management_import_leads",
                        login="admin")
        leads = self.env["crm.lead"].search([("contact_name", "like", "Tour Import")])
        self.assertEqual(sorted(leads.mapped("city")), ["Qom", "Rasht"])
        self.assertEqual(leads.source_id, self.env.ref("lead_management.utm_source_import"))

    def test_form_follows_the_activities(self):
        admin = self.env.ref("base.user_admin")
        lead = self.env["crm.lead"].create({"name": "Tour Reload", "type": "lead", "user_id": admin.id})
        lead._start_sla()
        lead.activity_schedule("mail.mail_activity_data_call", summary="Call back about the quote", user_id=admin.id)
        self.assertEqual((lead.sla_status, lead.engagement_count, len(lead.activity_ids)), ("pending", 0, 2))
        self.start_tour(f"/odoo/action-crm.crm_lead_all_leads/{lead.id}", "lead_management_activity_reload",
                        login="admin")
        lead.invalidate_recordset()
        self.assertEqual((lead.sla_status, lead.engagement_count), ("met", 2))
        self.assertFalse(lead.activity_ids)
