import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

CALLS_PATH = "/lead_management/api/v1/calls"


@tagged("post_install", "-at_install", "lead_management_capture")
class TestCallsApi(HttpCase):
    """A PBX posts its calls with the API key of a technical user; Reza
    answers extension 204."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ir")
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.pbx = mail_new_test_user(
            cls.env, login="lm_pbx", name="PBX",
            groups="base.group_user,lead_management.group_lead_management_integration")
        cls.key = cls.env["res.users.apikeys"].with_user(cls.pbx)._generate(
            None, "pbx", fields.Datetime.now() + timedelta(days=30))
        cls.reza = mail_new_test_user(
            cls.env, login="lm_reza", name="Reza", lang="en_US",
            groups="base.group_user,sales_team.group_sale_salesman")
        cls.reza.phone_extension = "۲۰۴"
        cls.lead = cls.env["crm.lead"].create({
            "name": "Known caller", "contact_name": "Maryam", "mobile": "+98 912 000 7788", "user_id": cls.reza.id})

    def post_calls(self, data):
        return self.url_open(CALLS_PATH, data=json.dumps(data), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.key}"})

    def test_extension_stored_with_ascii_digits_and_set_in_preferences(self):
        self.assertEqual(self.reza.phone_extension, "204")
        self.reza.with_user(self.reza).write({"phone_extension": "۲۰۵"})
        self.assertEqual(self.reza.phone_extension, "205")
        with self.assertRaises(ValidationError):
            self.reza.with_user(self.reza).write({"phone_extension": "ext. 5"})

    def test_every_spelling_of_a_known_number(self):
        spellings = ["09120007788", "9120007788", "+989120007788", "00989120007788", "۰۹۱۲ ۰۰۰ ۷۷۸۸"]
        for index, spelling in enumerate(spellings):
            response = self.post_calls({"caller": spelling, "status": "answered", "duration": 65,
                                        "call_id": f"c-{index}"})
            self.assertEqual(response.status_code, 200, spelling)
            self.assertEqual(response.json()["lead_id"], self.lead.id, spelling)
        calls = self.lead.engagement_ids.filtered(lambda event: event.event_type == "call")
        self.assertEqual(len(calls), len(spellings))
        self.assertEqual(set(calls.mapped("call_number")), {"+989120007788"})
        self.assertIn("Incoming call, answered (1:05)", self.lead.message_ids[0].body)
        self.assertTrue(self.lead.recent_incoming_call)
        self.assertIn(self.lead, self.env["crm.lead"].search([("recent_incoming_call", "=", True)]))

    def test_missed_call_of_known_lead_gives_urgent_call_back(self):
        response = self.post_calls({"caller": "09120007788", "called": "204", "status": "missed", "call_id": "m-1",
                                    "recording_url": "https://pbx.example.com/rec/m-1.wav"})
        self.assertEqual(response.status_code, 200)
        activity = self.lead.activity_ids.filtered(lambda act: act.summary.startswith("Urgent: call back"))
        self.assertEqual((activity.user_id, activity.activity_type_id),
                         (self.reza, self.env.ref("mail.mail_activity_data_call")))
        event = self.lead.engagement_ids
        self.assertEqual((event.call_status, event.call_user_id, event.call_recording_url),
                         ("missed", self.reza, "https://pbx.example.com/rec/m-1.wav"))
        self.assertIn("m-1.wav", self.lead.message_ids[0].body)
        retry = self.post_calls({"caller": "09120007788", "called": "204", "status": "missed", "call_id": "m-1"})
        self.assertEqual(retry.json()["lead_id"], self.lead.id)
        self.assertEqual(len(self.lead.engagement_ids), 1, "the PBX's retry adds nothing")
        self.assertEqual(len(self.lead.activity_ids.filtered(lambda act: act.summary.startswith("Urgent"))), 1)

    def test_screen_pop_on_the_bus(self):
        self.env["bus.bus"].search([]).unlink()
        self.post_calls({"caller": "09120007788", "extension": "204", "status": "answered", "call_id": "p-1"})
        notifications = self.env["bus.bus"].search([]).filtered(
            lambda bus: json.loads(bus.message)["type"] == "lead_management.incoming_call")
        self.assertEqual(len(notifications), 1)
        self.assertIn(f'"res.partner",{self.reza.partner_id.id}]', notifications.channel)
        payload = json.loads(notifications.message)["payload"]
        self.assertEqual((payload["lead_id"], payload["number"], payload["title"]),
                         (self.lead.id, "+989120007788", "Incoming call"))

    @freeze_time("2026-03-02 09:00:00")
    def test_answered_outbound_call_is_the_first_response(self):
        self.lead.write({"sla_deadline": "2026-03-02 10:00:00", "sla_status": "pending"})
        self.post_calls({"called": "09120007788", "extension": "204", "direction": "outbound", "status": "missed",
                         "start": "2026-03-02T12:00:00+03:30", "call_id": "o-1"})
        self.assertFalse(self.lead.first_response_date, "no answer: no response yet")
        self.assertFalse(self.lead.engagement_ids, "an unanswered outgoing call is no engagement")
        self.post_calls({"called": "09120007788", "extension": "204", "direction": "outbound", "status": "answered",
                         "start": "2026-03-02T12:30:00+03:30", "duration": 120, "call_id": "o-2"})
        self.assertEqual(str(self.lead.first_response_date), "2026-03-02 09:00:00")
        self.assertEqual(self.lead.sla_status, "met")
        response = self.post_calls({"called": "+441632960961", "direction": "outbound", "call_id": "o-3"})
        self.assertEqual(response.status_code, 422, "an outgoing call to no lead is not recorded")
        self.assertIn("called", response.json()["errors"])

    def test_a_call_sent_twice_in_one_request_is_recorded_once(self):
        call = {"caller": "09120007788", "status": "missed", "call_id": "twice-1"}
        response = self.post_calls([call, call, {**call, "call_id": "twice-2"}])
        self.assertEqual([result["lead_id"] for result in response.json()["results"]], [self.lead.id] * 3)
        self.assertEqual(len(self.lead.engagement_ids), 2)
        notes = self.lead.message_ids.filtered(lambda message: "Incoming call, missed" in (message.body or ""))
        self.assertEqual(len(notes), 1, "one note of the request's calls")
        self.assertEqual(notes.body.count("Incoming call, missed"), 2)

    def test_portal_users_have_no_extension(self):
        portal = mail_new_test_user(self.env, login="lm_portal_ext", groups="base.group_portal")
        with self.assertRaises(ValidationError):
            portal.phone_extension = "299"

    @freeze_time("2026-03-02 09:00:00")
    def test_unknown_caller_becomes_a_lead_routed_as_hot_when_missed(self):
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        self.env["lead.territory"].search([]).active = False
        self.env["lead.territory"].create({"name": "Everyone", "user_ids": [(6, 0, self.reza.ids)]})
        response = self.post_calls({"caller": "+98 935 111 2233", "called": "02188776655", "status": "missed",
                                    "call_id": "n-1"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_incoming_call"))
        self.assertEqual((lead.phone, lead.user_id), ("+989351112233", self.reza))
        self.assertEqual(lead.engagement_ids.call_status, "missed")
        self.assertEqual(lead.sla_status, "pending")
        hot_minutes = int(self.env["ir.config_parameter"].get_param("lead_management.sla_hot_minutes", 5))
        self.assertEqual(lead.sla_deadline, fields.Datetime.now() + timedelta(minutes=hot_minutes))
        self.assertNotEqual(lead.temperature, "hot", "hot by the call, not by its score")
        self.assertTrue(lead.activity_ids.filtered(lambda act: act.summary == "Urgent: first contact"))
        log = self.env["lead.capture.log"].search([("lead_id", "=", lead.id)])
        self.assertEqual((log.channel, log.status, log.api_user_id), ("call", "created", self.pbx))

    def test_answered_unknown_caller_is_the_answering_reps_lead(self):
        response = self.post_calls({"caller": "09351112244", "extension": "204", "status": "answered",
                                    "duration": 300, "call_id": "n-2"})
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.user_id, self.reza)
        self.assertTrue(lead.first_response_date)

    def test_malformed_events(self):
        response = self.post_calls([
            {"caller": "no digits", "call_id": "x-1"},
            {"caller": "09120007788", "direction": "sideways", "status": "lost", "duration": "-3",
             "start": "yesterday", "recording_url": "ftp://x", "colour": "red"},
            "a string",
        ])
        self.assertEqual(response.status_code, 422)
        first, second, third = response.json()["results"]
        self.assertIn("caller", first["errors"])
        self.assertEqual(set(second["errors"]),
                         {"direction", "status", "duration", "start", "recording_url", "colour"})
        self.assertIn("__all__", third["errors"])
        self.assertEqual(self.env["lead.capture.log"].search_count(
            [("channel", "=", "call"), ("status", "=", "rejected")]), 3)
        self.assertFalse(self.lead.engagement_ids)
        self.assertEqual(self.url_open(CALLS_PATH, data="{", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.key}"}).status_code, 400)
        self.assertEqual(self.url_open(CALLS_PATH, data="{}", headers={
            "Content-Type": "application/json", "Authorization": "Bearer forged"}).status_code, 401)


@tagged("post_install", "-at_install", "lead_management_capture")
class TestMissedCallOfANewNumber(HttpCase):
    """A company in the United States working in Persian, a territory for
    Iran (Reza), a call centre team of the PBX whose leader is the manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.us")
        cls.pbx = mail_new_test_user(
            cls.env, login="lm_pbx", name="PBX",
            groups="base.group_user,lead_management.group_lead_management_integration")
        cls.key = cls.env["res.users.apikeys"].with_user(cls.pbx)._generate(
            None, "pbx", fields.Datetime.now() + timedelta(days=30))
        cls.reza = mail_new_test_user(cls.env, login="lm_reza", name="Reza", lang="en_US",
                                      groups="base.group_user,sales_team.group_sale_salesman")
        cls.reza.phone_extension = "204"
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.env["ir.module.module"].search([("name", "=", "lead_management")])._update_translations(["fa_IR"])
        cls.env.company.partner_id.lang = "fa_IR"
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        cls.manager = mail_new_test_user(cls.env, login="lm_call_manager", name="Call Manager", lang="en_US",
                                         groups="base.group_user,sales_team.group_sale_manager")
        cls.call_centre = cls.env["crm.team"].create({
            "name": "Call centre", "use_leads": True, "user_id": cls.manager.id,
            "member_ids": [(6, 0, (cls.pbx | cls.reza).ids)]})
        cls.iran_team = cls.env["crm.team"].create({"name": "Iran team", "use_leads": True})
        cls.env["lead.territory"].search([]).active = False
        cls.env["lead.territory"].create({
            "name": "Iran", "team_id": cls.iran_team.id, "user_ids": [(6, 0, cls.reza.ids)],
            "country_ids": [(6, 0, cls.env.ref("base.ir").ids)]})

    @freeze_time("2026-03-02 09:00:00")
    def test_country_of_the_prefix_routes_it(self):
        response = self.post_calls({"caller": "+98 935 777 1029", "status": "missed", "call_id": "new-ir"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.country_id, self.env.ref("base.ir"), "from +98, not the company's country")
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.reza, self.iran_team))
        self.assertEqual(lead.name, "تماس از +989357771029", "in the company's language, not the request's")
        self.assertEqual((lead.sla_status, lead.sla_deadline), ("pending", fields.Datetime.now() + timedelta(
            minutes=int(self.env["ir.config_parameter"].get_param("lead_management.sla_hot_minutes", 5)))))
        self.assertEqual(lead.activity_ids.mapped("summary"), ["Urgent: first contact"])

    @freeze_time("2026-03-02 09:00:00")
    def test_no_salesperson_matches_the_team_leader_calls_back(self):
        response = self.post_calls({"caller": "+995 555 12 34 56", "status": "voicemail", "call_id": "new-ge"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual(lead.country_id, self.env.ref("base.ge"))
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.env["res.users"], self.call_centre),
                         "no territory for Georgia: the calls' team, not the PBX user")
        call_back = lead.activity_ids
        self.assertEqual((call_back.user_id, call_back.summary, call_back.activity_type_id, call_back.date_deadline),
                         (self.manager, "Urgent: call back +995555123456", self.env.ref("mail.mail_activity_data_call"),
                          fields.Date.today()))

    def test_known_lead_of_nobody_the_team_leader_calls_back(self):
        lead = self.env["crm.lead"].create({"name": "Waiting", "phone": "+98 935 777 1031",
                                            "user_id": False, "team_id": self.call_centre.id})
        response = self.post_calls({"caller": "+98 935 777 1031", "status": "missed", "call_id": "known-nobody"})
        self.assertEqual(response.json()["lead_id"], lead.id)
        self.assertEqual((lead.activity_ids.user_id, lead.activity_ids.summary),
                         (self.manager, "Urgent: call back +989357771031"))

    def test_answered_call_stays_the_answering_reps(self):
        response = self.post_calls({"caller": "+98 935 777 1030", "extension": "204", "status": "answered",
                                    "call_id": "new-answered"})
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual((lead.type, lead.user_id, lead.country_id), ("lead", self.reza, self.env.ref("base.ir")))
        self.assertTrue(lead.first_response_date)
        self.assertFalse(lead.activity_ids, "answered: nobody to call back")

    def post_calls(self, data):
        return self.url_open(CALLS_PATH, data=json.dumps(data), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.key}"})
