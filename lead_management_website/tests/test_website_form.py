from odoo.addons.lead_management.models.crm_lead_capture import CrmLead as CaptureLead
from odoo.tests import HttpCase, tagged

FORM_PATH = "/website/form/crm.lead"


@tagged("post_install", "-at_install", "lead_management_website")
class TestWebsiteContactForm(HttpCase):
    """Odoo's website contact form, posted as the browser posts it, goes
    through the capture pipeline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ir")
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.team = cls.env["crm.team"].create({"name": "Website Team"})
        cls.other_team = cls.env["crm.team"].create({"name": "Rep's Team"})
        cls.website_source = cls.env.ref("lead_management.utm_source_website_form")
        cls.known_lead = cls.env["crm.lead"].create({
            "name": "Typed by the rep", "contact_name": "Name Typed By Rep", "email_from": "known@example.com",
            "description": "<p>Notes of the rep</p>", "team_id": cls.other_team.id,
        })

    def post_form(self, data, headers=None):
        response = self.url_open(FORM_PATH, data=data, headers=headers)
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.json()

    def captured(self, email):
        return self.env["lead.capture.log"].search([("channel", "=", "website_form"), ("payload", "ilike", email)])

    def test_new_visitor(self):
        answer = self.post_form({
            "contact_name": "New Visitor", "email_from": "New.Visitor@Example.com", "phone": "۰۹۳۵ ۱۱۰ ۲۲۰۷",
            "name": "A quote", "description": "Hello <b>there</b>", "team_id": self.team.id,
            "Budget": "5000 EUR",
        }, headers={"Referer": f"{self.base_url()}/contactus"})
        self.assertEqual(answer, {"id": True})
        lead = self.env["crm.lead"].search([("email_from", "=", "new.visitor@example.com")])
        self.assertEqual(len(lead), 1)
        self.assertEqual((lead.contact_name, lead.name, lead.team_id), ("New Visitor", "A quote", self.team))
        self.assertEqual(lead.source_id, self.website_source)
        self.assertEqual(lead.landing_page, f"{self.base_url()}/contactus")
        self.assertIn("Hello &lt;b&gt;there&lt;/b&gt;", lead.description)
        self.assertIn("5000 EUR", lead.description, "the form's custom fields are kept on the lead")
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["form_submit"])
        log = self.captured("new.visitor@example.com")
        self.assertEqual((log.status, log.lead_id, log.remote_addr), ("created", lead, "127.0.0.1"))

    def test_known_person_is_matched(self):
        leads_before = self.env["crm.lead"].search_count([])
        answer = self.post_form({
            "contact_name": "Other Name", "email_from": "KNOWN@example.com", "phone": "+98 912 000 1122",
            "name": "Again", "description": "Still interested", "team_id": self.team.id, "Budget": "9000",
        })
        self.assertEqual(answer, {"id": True}, "the same answer as for a new visitor")
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)
        lead = self.known_lead
        self.assertEqual((lead.contact_name, lead.name, lead.team_id),
                         ("Name Typed By Rep", "Typed by the rep", self.other_team), "what the rep typed stays")
        self.assertEqual(lead.description, "<p>Notes of the rep</p>")
        self.assertEqual(lead.phone, "+98 912 000 1122", "an empty field is filled in")
        note = lead.message_ids.filtered(lambda message: "submitted again" in (message.body or ""))
        self.assertIn("Still interested", note.body)
        self.assertIn("9000", note.body)
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["form_submit"])
        self.assertEqual(self.captured("KNOWN@example.com").status, "matched")

    def test_website_form_channel_declared_by_the_bridge(self):
        Lead = self.env["crm.lead"]
        self.assertNotIn("website_form", CaptureLead._get_capture_channels(Lead), "not a channel of lead_management")
        channel = Lead._get_capture_channels()["website_form"]
        self.assertEqual((channel["event_type"], channel["source_xmlid"], channel["lenient"]),
                         ("form_submit", "lead_management.utm_source_website_form", False))
        self.assertEqual(self.env["lead.capture.log"]._get_channel_label("website_form"), "Website Contact Form")

    def test_utm_cookies(self):
        self.opener.cookies.set("odoo_utm_source", "Spring Newsletter")
        self.opener.cookies.set("odoo_utm_medium", "Email")
        self.post_form({"contact_name": "Reader", "email_from": "reader@example.com", "name": "From the newsletter"})
        lead = self.env["crm.lead"].search([("email_from", "=", "reader@example.com")])
        self.assertEqual((lead.source_id.name, lead.medium_id.name), ("Spring Newsletter", "Email"))

    def test_refused_submission_is_kept(self):
        answer = self.post_form({"contact_name": "No Contact", "name": "Call me maybe", "description": "?"})
        self.assertEqual(answer, {"id": True})
        lead = self.env["crm.lead"].search([("contact_name", "=", "No Contact")])
        self.assertEqual(len(lead), 1, "saved as Odoo saves it")
        log = self.env["lead.capture.log"].search([("lead_id", "=", lead.id)])
        self.assertEqual((log.channel, log.status), ("website_form", "created"))
        self.assertIn("e-mail address or a phone number", log.error)

    def test_other_models_and_other_creates_are_untouched(self):
        lead = self.env["crm.lead"].create({"name": "Manual", "email_from": "known@example.com"})
        self.assertNotEqual(lead, self.known_lead, "a lead created in the interface is not captured")
        self.assertFalse(self.env["lead.capture.log"].search([("lead_id", "=", lead.id)]))

    def test_a_lead_of_nobody_or_of_the_websites_salesperson(self):
        self.post_form({"contact_name": "Nobody's", "email_from": "nobody@example.com", "name": "A question",
                        "team_id": self.team.id})
        lead = self.env["crm.lead"].search([("email_from", "=", "nobody@example.com")])
        self.assertFalse(self.team.use_leads)
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("opportunity", self.env["res.users"], self.team),
                         "of nobody until routed; an opportunity of a team working without leads, as in Odoo")
        rep = self.env["res.users"].create({
            "name": "Website Rep", "login": "lm_website_rep",
            "groups_id": [(6, 0, self.env.ref("sales_team.group_sale_salesman").ids)]})
        self.env.ref("website.default_website").crm_default_user_id = rep
        self.post_form({"contact_name": "Rep's", "email_from": "reps@example.com", "name": "Another question"})
        lead = self.env["crm.lead"].search([("email_from", "=", "reps@example.com")])
        self.assertEqual((lead.user_id, lead.sla_status), (rep, "pending"),
                         "the website's salesperson, with a response-time target")
        self.assertEqual(lead.type, "lead" if not lead.team_id or lead.team_id.use_leads else "opportunity")
