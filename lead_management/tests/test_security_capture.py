import json
from datetime import timedelta

from odoo import fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged, users

API_PATH = "/lead_management/api/v1/leads"


@tagged("post_install", "-at_install", "lead_management_capture")
class TestSecurityCapture(HttpCase):
    """What a capture's caller gets back and may change: a salesperson's
    API key on a colleague's lead, an anonymous web form on a known lead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ir")
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.team = cls.env["crm.team"].create({"name": "Security team", "use_leads": True})
        cls.salesman = mail_new_test_user(
            cls.env, login="lm_sec_salesman", name="Own Documents Salesperson",
            groups="base.group_user,sales_team.group_sale_salesman")
        cls.colleague = mail_new_test_user(
            cls.env, login="lm_sec_colleague", name="Colleague",
            groups="base.group_user,sales_team.group_sale_salesman")
        cls.team.member_ids = cls.salesman | cls.colleague
        cls.api_key = cls.env["res.users.apikeys"].with_user(cls.salesman)._generate(
            None, "landing pages", fields.Datetime.now() + timedelta(days=30))
        cls.lead = cls.env["crm.lead"].create({
            "name": "Colleague's lead", "type": "lead", "user_id": cls.colleague.id, "team_id": cls.team.id,
            "contact_name": "Reza Ahmadi", "email_from": "reza@example.com", "mobile": "+98 912 555 0101",
        })
        cls.form = cls.env["lead.capture.form"].create({
            "name": "Contact us", "team_id": cls.team.id, "allowed_origins": "https://www.example.com",
            "min_fill_seconds": 0,
        })
        cls.google = cls.env["lead.capture.form"].create({
            "name": "Search lead form", "channel": "google_ads", "team_id": cls.team.id})

    def post_api(self, data):
        return self.url_open(API_PATH, data=json.dumps(data), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"})

    def post_form(self, data):
        return self.url_open(f"/lead_management/form/{self.form.token}", data=data,
                             headers={"Origin": "https://www.example.com"}, allow_redirects=False)

    def lead_events(self, lead):
        return self.env["lead.engagement"].search([("lead_id", "=", lead.id)])

    def test_api_key_gets_no_colleague_lead(self):
        """A salesperson limited to his own documents, submitting a
        colleague's lead's e-mail or mobile, gets the answer of a new
        person; the lead gets the event and the note, not his values."""
        for match in ({"email_from": "Reza@Example.com"}, {"mobile": "09125550101"}):
            with self.subTest(match=match):
                events = self.lead_events(self.lead)
                messages = self.lead.message_ids
                response = self.post_api({**match, "city": "Tabriz", "partner_name": "Attacker Co",
                                          "description": "hello"})
                self.assertEqual(response.status_code, 201, response.text)
                self.assertEqual(response.json(), {"status": "created", "lead_id": False, "errors": {}})
                self.lead.invalidate_recordset()
                self.assertFalse(self.lead.city or self.lead.partner_name or self.lead.description)
                self.assertEqual(self.lead.user_id, self.colleague)
                new_events = self.lead_events(self.lead) - events
                self.assertEqual(new_events.event_type, "form_submit")
                self.assertLessEqual({"city": "Tabriz", "partner_name": "Attacker Co",
                                      "description": "<p>hello</p>"}.items(), new_events.submitted_values.items())
                note = self.lead.message_ids - messages
                self.assertIn("Tabriz", note.body)
        self.assertEqual(self.env["crm.lead"].search_count([("email_from", "=ilike", "reza@example.com")]), 1)
        # a new person: the same answer, and the log keeps the truth
        response = self.post_api({"email_from": "new.person@example.com"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json(), {"status": "created", "lead_id": False, "errors": {}})
        logs = self.env["lead.capture.log"].search([("api_user_id", "=", self.salesman.id)], order="id")
        self.assertEqual(logs.mapped("status"), ["matched", "matched", "created"])
        self.assertEqual(logs[0].lead_id, self.lead)
        # the colleague applies the values with one click
        self.lead_events(self.lead)[0].with_user(self.colleague).action_apply_submitted_values()
        self.assertEqual((self.lead.city, self.lead.partner_name), ("Tabriz", "Attacker Co"))

    def test_api_key_idempotent_replay_reveals_nothing(self):
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}",
                   "Idempotency-Key": "replayed-1"}
        for _attempt in range(2):
            response = self.url_open(API_PATH, data=json.dumps({"email_from": "reza@example.com"}), headers=headers)
            self.assertEqual(response.json(), {"status": "created", "lead_id": False, "errors": {}})

    def test_api_key_still_matches_own_lead(self):
        own = self.env["crm.lead"].create({"name": "Mine", "type": "lead", "user_id": self.salesman.id,
                                           "email_from": "mine@example.com"})
        response = self.post_api({"email_from": "mine@example.com", "city": "Rasht"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"status": "matched", "lead_id": own.id, "errors": {}})
        self.assertEqual(own.city, "Rasht")

    def test_web_form_does_not_take_over_contact_fields(self):
        """An anonymous form post with a known lead's mobile does not write
        its e-mail; the salesperson applies the submitted values."""
        lead = self.env["crm.lead"].create({"name": "No e-mail yet", "type": "lead", "user_id": self.colleague.id,
                                            "mobile": "+98 912 555 0202"})
        response = self.post_form({"mobile": "09125550202", "email_from": "attacker@evil.example",
                                   "contact_name": "Mallory", "description": "Call me"})
        self.assertEqual(response.status_code, 200, response.text)
        lead.invalidate_recordset()
        self.assertFalse(lead.email_from)
        self.assertFalse(lead.contact_name)
        self.assertEqual(lead.description, "<p>Call me</p>", "the other empty fields are still filled in")
        self.assertIn("attacker@evil.example", lead.message_ids[0].body)
        event = self.lead_events(lead).filtered("submitted_values")
        self.assertEqual(event.submitted_values, {"email_from": "attacker@evil.example", "contact_name": "Mallory"})
        with self.assertRaises(AccessError):
            event.with_user(self.salesman).action_apply_submitted_values()
        event.with_user(self.colleague).action_apply_submitted_values()
        self.assertEqual((lead.email_from, lead.contact_name), ("attacker@evil.example", "Mallory"))
        self.assertFalse(event.submitted_values)

    @users("lm_sec_salesman")
    def test_public_channels_leads_not_owned_by_public_user(self):
        public = self.env.ref("base.public_user")
        response = self.post_form({"email_from": "visitor@example.com", "contact_name": "Visitor"})
        self.assertEqual(response.status_code, 200, response.text)
        response = self.url_open(
            f"/lead_management/webhook/google_ads/{self.google.token}", headers={"Content-Type": "application/json"},
            data=json.dumps({"lead_id": "G-SEC-1", "form_id": 1, "campaign_id": 2, "google_key": self.google.sudo(
            ).webhook_key, "user_column_data": [
                {"column_id": "EMAIL", "column_name": "User Email", "string_value": "searcher@example.com"}]}))
        self.assertEqual(response.status_code, 200, response.text)
        leads = self.env["crm.lead"].search([("email_from", "in", ("visitor@example.com", "searcher@example.com"))])
        self.assertEqual(len(leads), 2, "the team's salesperson reads both leads")
        self.assertEqual(leads.env.user, self.salesman)
        self.assertNotIn(public, leads.user_id)
        self.assertEqual(leads.mapped("team_id"), self.team)
