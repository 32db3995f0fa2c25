import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged, users

CALLS_PATH = "/lead_management/api/v1/calls"
INTEGRATION = "lead_management.group_lead_management_integration"


@tagged("post_install", "-at_install", "lead_management_security")
class TestCallsKeys(HttpCase):
    """Who may post which calls: Ali and Sara are salespeople limited to
    their own leads (extensions 211 and 212) with their own API keys; the
    PBX is an integration user; the manager leads their team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ir")
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        own_docs = "base.group_user,sales_team.group_sale_salesman"
        cls.ali = mail_new_test_user(cls.env, login="lm_call_ali", name="Ali", lang="en_US", groups=own_docs)
        cls.sara = mail_new_test_user(cls.env, login="lm_call_sara", name="Sara", lang="en_US", groups=own_docs)
        cls.ali.phone_extension, cls.sara.phone_extension = "211", "212"
        cls.manager = mail_new_test_user(cls.env, login="lm_call_manager", name="Manager", lang="en_US",
                                         groups="base.group_user,sales_team.group_sale_manager")
        cls.pbx = mail_new_test_user(cls.env, login="lm_call_pbx", name="PBX", groups=f"base.group_user,{INTEGRATION}")
        cls.team = cls.env["crm.team"].create({
            "name": "Calls team", "use_leads": True, "sequence": -1, "user_id": cls.manager.id,
            "member_ids": [(6, 0, (cls.ali | cls.sara).ids)]})
        cls.keys = {user: cls.env["res.users.apikeys"].with_user(user)._generate(
            None, "calls", fields.Datetime.now() + timedelta(days=30)) for user in (cls.ali, cls.manager, cls.pbx)}
        Lead = cls.env["crm.lead"]
        cls.lead_ali = Lead.create({"name": "Ali's lead", "contact_name": "Bahram", "mobile": "+98 912 000 1111",
                                    "user_id": cls.ali.id, "team_id": cls.team.id})
        cls.lead_sara = Lead.create({"name": "Sara's secret deal", "contact_name": "Shirin",
                                     "mobile": "+98 912 000 2222", "user_id": cls.sara.id, "team_id": cls.team.id})

    def post_calls(self, user, data):
        return self.url_open(CALLS_PATH, data=json.dumps(data), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.keys[user]}"})

    def urgent_activities(self, lead):
        return lead.activity_ids.filtered(lambda activity: activity.summary.startswith("Urgent"))

    def screen_pops(self):
        return [json.loads(bus.message)["payload"] for bus in self.env["bus.bus"].search([])
                if json.loads(bus.message)["type"] == "lead_management.incoming_call"]

    def test_salesperson_key_refuses_a_colleague_extension(self):
        for call in ({"caller": "09120002222", "extension": "212", "status": "missed", "call_id": "f-1"},
                     {"caller": "09120002222", "called": "۲۱۲", "status": "missed", "call_id": "f-2"},
                     [{"caller": "09120001111", "extension": "211", "call_id": "f-3"},
                      {"caller": "09350009999", "extension": "212", "status": "answered", "call_id": "f-4"}]):
            response = self.post_calls(self.ali, call)
            self.assertEqual(response.status_code, 403, call)
            error = response.json()["errors"]["extension"]
            self.assertIn("212 is not the extension of this API key's user (211)", error)
        self.assertFalse(self.urgent_activities(self.lead_sara), "no urgent call back for the colleague")
        self.assertFalse((self.lead_ali | self.lead_sara).engagement_ids, "nothing of a refused request is recorded")
        self.assertFalse(self.env["crm.lead"].search([("phone", "=", "+989350009999")]),
                         "no lead of an unknown caller owned by the colleague")

    @freeze_time("2026-03-02 09:00:00")
    def test_salesperson_key_on_a_colleague_lead(self):
        self.lead_sara.write({"sla_deadline": "2026-03-02 08:00:00", "sla_status": "breached"})
        self.env["bus.bus"].search([]).unlink()
        missed = self.post_calls(self.ali, {"caller": "09120002222", "status": "missed", "call_id": "c-1"})
        answered = self.post_calls(self.ali, {"caller": "09120002222", "extension": "211", "status": "answered",
                                              "start": "2026-03-02T07:30:00Z", "call_id": "c-2"})
        for response in (missed, answered):
            self.assertEqual(response.status_code, 201, response.text)
            self.assertEqual(response.json(), {"status": "created", "lead_id": False, "errors": {}},
                             "answered as a new caller: the colleague's lead is not revealed")
        self.assertNotIn("Sara's secret deal", missed.text + answered.text)
        self.assertEqual(self.lead_sara.engagement_ids.mapped("call_status"), ["missed", "answered"],
                         "the calls are still recorded on the lead")
        self.assertFalse(self.env["crm.lead"].search([("phone", "=", "+989120002222")]), "no duplicate lead")
        self.assertFalse(self.urgent_activities(self.lead_sara), "no urgent call back for the colleague")
        self.assertFalse(self.screen_pops(), "no screen pop of a lead Ali may not read")
        self.assertEqual((self.lead_sara.sla_status, self.lead_sara.first_response_date), ("breached", False))
        retry = self.post_calls(self.ali, {"caller": "09120002222", "status": "missed", "call_id": "c-1"})
        self.assertEqual(retry.json(), {"status": "created", "lead_id": False, "errors": {}}, "a retry neither")

    @freeze_time("2026-03-02 09:00:00")
    def test_salesperson_key_outbound_call_meets_only_his_own_target(self):
        (self.lead_sara | self.lead_ali).write({"sla_deadline": "2026-03-02 08:00:00", "sla_status": "breached"})
        response = self.post_calls(self.ali, {"called": "09120002222", "direction": "outbound", "status": "answered",
                                              "start": "2026-03-02T07:30:00Z", "duration": 60, "call_id": "o-1"})
        self.assertEqual(response.status_code, 422, "a colleague's number: as the number of no open lead")
        self.assertIn("called", response.json()["errors"])
        self.assertEqual((self.lead_sara.sla_status, self.lead_sara.first_response_date), ("breached", False))
        self.assertFalse(self.lead_sara.engagement_ids)
        response = self.post_calls(self.ali, {"called": "09120001111", "direction": "outbound", "status": "answered",
                                              "start": "2026-03-02T07:30:00Z", "duration": 60, "call_id": "o-2"})
        self.assertEqual(response.json()["lead_id"], self.lead_ali.id)
        self.assertEqual(self.lead_ali.sla_status, "met", "his own call on his own lead is his first response")

    def test_salesperson_key_screen_pop_of_his_own_lead(self):
        self.env["bus.bus"].search([]).unlink()
        response = self.post_calls(self.ali, {"caller": "09120001111", "extension": "211", "status": "missed",
                                              "call_id": "p-1"})
        self.assertEqual(response.json()["lead_id"], self.lead_ali.id)
        self.assertEqual([(pop["lead_name"], pop["contact_name"]) for pop in self.screen_pops()],
                         [("Ali's lead", "Bahram")])
        self.assertEqual(self.urgent_activities(self.lead_ali).user_id, self.ali)

    @freeze_time("2026-03-02 09:00:00")
    def test_salesperson_key_unknown_missed_caller_is_not_urgent_for_the_leader(self):
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        self.env["lead.territory"].search([]).active = False
        response = self.post_calls(self.ali, {"caller": "09350001234", "status": "missed", "call_id": "n-1"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].search([("phone", "=", "+989350001234")])
        self.assertEqual(len(lead), 1)
        self.assertFalse(lead.user_id)
        self.assertFalse(lead.activity_ids.filtered(lambda activity: activity.summary.startswith("Urgent")),
                         "the leader gets no urgent call back from a salesperson's key")
        self.assertEqual(response.json(), {"status": "created", "lead_id": False, "errors": {}},
                         "a new caller's lead is not named to a salesperson limited to his own leads: "
                         "the answer reads the same as for a colleague's lead")

    def test_integration_and_manager_keys_post_every_extension(self):
        for user in (self.pbx, self.manager):
            self.env["bus.bus"].search([]).unlink()
            response = self.post_calls(user, {"caller": "09120002222", "extension": "212", "status": "missed",
                                              "call_id": f"i-{user.id}"})
            self.assertEqual(response.status_code, 200, response.text)
            self.assertEqual(response.json()["lead_id"], self.lead_sara.id)
            self.assertEqual([pop["lead_name"] for pop in self.screen_pops()], ["Sara's secret deal"])
        self.assertEqual(self.urgent_activities(self.lead_sara).user_id, self.sara)
        self.assertEqual(len(self.urgent_activities(self.lead_sara)), 2)

    def test_integration_key_pops_only_a_lead_the_extension_may_read(self):
        self.env["bus.bus"].search([]).unlink()
        response = self.post_calls(self.pbx, {"caller": "09120002222", "extension": "211", "status": "answered",
                                              "call_id": "x-1"})
        self.assertEqual(response.json()["lead_id"], self.lead_sara.id)
        self.assertEqual(self.lead_sara.engagement_ids.call_user_id, self.ali)
        self.assertFalse(self.screen_pops(), "Ali may not read Sara's lead: no screen pop")

    def test_replayed_call_of_a_colleague_extension_is_refused(self):
        log = self.env["lead.capture.log"].create({
            "channel": "call", "status": "rejected", "api_user_id": self.ali.id,
            "payload": json.dumps({"caller": "09120002222", "extension": "212", "status": "missed"})})
        log.with_user(self.manager).action_replay()
        self.assertEqual(log.status, "rejected")
        self.assertIn("212 is not the extension of this API key's user", log.error)
        self.assertFalse(self.lead_sara.engagement_ids)
        self.assertFalse(self.urgent_activities(self.lead_sara))
        log.payload = json.dumps({"caller": "09120002222", "extension": "211", "status": "missed"})
        log.with_user(self.manager).action_replay()
        self.assertEqual((log.status, log.lead_id), ("matched", self.lead_sara), "the log tells the manager")
        self.assertEqual(self.lead_sara.engagement_ids.call_user_id, self.ali)
        self.assertFalse(self.urgent_activities(self.lead_sara))

    @users("lm_call_ali", "lm_call_manager", "lm_call_pbx")
    def test_who_posts_the_calls_of_other_extensions(self):
        calls = [{"caller": "0912", "extension": "211"}, {"caller": "0912", "called": "212"},
                 {"called": "213", "direction": "outbound"}, "not a call"]
        foreign = self.env["crm.lead"]._get_foreign_call_extensions(calls, self.env.user)
        self.assertEqual(foreign, ["212"] if self.env.user == self.ali else [])

    @users("lm_call_pbx")
    def test_integration_user_reads_every_lead_and_configures_nothing(self):
        self.assertTrue(self.env.user.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertFalse(self.env.user.has_group("sales_team.group_sale_manager"))
        self.assertEqual(self.env["crm.lead"].search([("id", "in", (self.lead_ali | self.lead_sara).ids)]),
                         self.lead_ali | self.lead_sara)
        self.assertFalse(self.env["lead.scoring.model"].has_access("write"))

    def test_integration_group_in_the_user_form(self):
        """A selection of its own under Sales, beside Sales' own selection."""
        by_app = {app.xml_id: (kind, groups) for app, kind, groups, _category
                  in self.env["res.groups"].get_groups_by_application()}
        kind, groups = by_app["lead_management.module_category_lead_management"]
        self.assertEqual((kind, groups), ("selection", self.env.ref(INTEGRATION)))
        self.assertEqual(by_app["base.module_category_sales_sales"][0], "selection")
        self.assertIn(f"sel_groups_{self.env.ref(INTEGRATION).id}",
                      self.env["res.users"].get_view(self.env.ref("base.view_users_form").id)["arch"])
