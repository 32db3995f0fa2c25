from freezegun import freeze_time

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged, users

from .common import LeadManagementCase

#: what each role may do with each record of the matrix: "rw", "r" or ""
ROLES = ("lm_salesman", "lm_salesman_all", "lm_manager", "lm_employee", "lm_portal", "public")


@tagged("post_install", "-at_install", "lead_management_security")
class TestAccessMatrix(LeadManagementCase):
    """Every model and report of lead_management, read and written by each
    role: a salesperson limited to his own leads, one who sees all of them,
    a sales manager, an employee without sales rights, a portal user and the
    public user (the web forms' visitor)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_portal = mail_new_test_user(cls.env, login="lm_portal", name="Portal", groups="base.group_portal")
        cls.user_public = cls.env.ref("base.public_user")
        Engagement = cls.env["lead.engagement"]
        cls.event_own = Engagement.create({"lead_id": cls.lead_own.id, "event_type": "call"})
        cls.event_other = Engagement.create({"lead_id": cls.lead_other.id, "event_type": "call"})
        cls.scoring_model = cls.env["lead.scoring.model"].create({
            "name": "Matrix model", "rule_ids": [(0, 0, {"name": "Matrix rule", "kind": "fit", "points": 1})]})
        cls.territory = cls.env["lead.territory"].create({"name": "Matrix territory"})
        cls.specialty = cls.env["lead.specialty"].create({"name": "Matrix specialty"})
        cls.lead_other.write({"first_response_date": "2026-03-02 09:00:00", "sla_status": "met"})
        cls.lead_own.write({"first_response_date": "2026-03-02 09:00:00", "sla_status": "met"})
        Form_ = cls.env["lead.capture.form"]
        cls.form_iran = Form_.create({"name": "Iran form", "team_id": cls.team_iran.id})
        cls.form_georgia = Form_.create({"name": "Georgia form", "team_id": cls.team_georgia.id})
        Log = cls.env["lead.capture.log"]
        cls.log_iran = Log.create({"channel": "web_form", "status": "rejected", "form_id": cls.form_iran.id,
                                   "team_id": cls.team_iran.id, "payload": "{}"})
        cls.log_georgia = Log.create({"channel": "web_form", "status": "rejected", "form_id": cls.form_georgia.id,
                                      "team_id": cls.team_georgia.id, "payload": "{}"})
        cls.log_api_other = Log.create({"channel": "api", "status": "created", "lead_id": cls.lead_other.id,
                                        "api_user_id": cls.user_salesman_other.id})
        cls.log_own = Log.create({"channel": "web_form", "status": "created", "form_id": cls.form_iran.id,
                                  "team_id": cls.team_iran.id, "lead_id": cls.lead_own.id, "payload": "{}"})
        cls.log_own_key = Log.create({"channel": "api", "status": "rejected", "api_user_id": cls.user_salesman.id})
        cls.import_wizard = cls.env["lead.import.wizard"].with_user(cls.user_salesman).create({})
        cls.env.flush_all()  # its columns computed (none) before one is added
        cls.import_line = cls.env["lead.import.wizard.line"].with_user(cls.user_salesman).create({
            "wizard_id": cls.import_wizard.id, "column_index": 0, "header": "Mobile"})
        cls.import_job = cls.env["lead.import.job"].create({
            "name": "matrix.csv", "user_id": cls.user_salesman.id, "policy": "skip", "match_keys": "mobile",
            "mapping": {"0": "mobile"}, "header": ["Mobile"], "rows_total": 0})
        cls.env.flush_all()

    def _matrix(self):
        Cycle, Response = self.env["lead.sales.cycle.report"], self.env["lead.response.report"]
        return [
            # record, salesman, salesman all leads, manager, employee, portal, public
            (self.lead_own, "rw", "rw", "rw", "", "", ""),
            (self.lead_other, "", "rw", "rw", "", "", ""),
            (self.event_own, "rw", "rw", "rw", "", "", ""),
            (self.event_other, "", "rw", "rw", "", "", ""),
            (self.scoring_model, "r", "r", "rw", "", "", ""),
            (self.scoring_model.rule_ids, "r", "r", "rw", "", "", ""),
            (self.territory, "r", "r", "rw", "", "", ""),
            (self.specialty, "r", "r", "rw", "r", "", ""),
            (Cycle.search([("lead_id", "=", self.lead_own.id)]), "r", "r", "r", "", "", ""),
            (Cycle.search([("lead_id", "=", self.lead_other.id)]), "", "r", "r", "", "", ""),
            (Response.search([("lead_id", "=", self.lead_own.id)]), "r", "r", "r", "", "", ""),
            (Response.search([("lead_id", "=", self.lead_other.id)]), "", "r", "r", "", "", ""),
            (self.form_iran, "r", "r", "rw", "", "", ""),
            (self.log_own, "r", "r", "rw", "", "", ""),
            (self.log_own_key, "r", "r", "rw", "", "", ""),
            (self.log_iran, "", "r", "rw", "", "", ""),
            (self.log_georgia, "", "r", "rw", "", "", ""),
            (self.log_api_other, "", "r", "rw", "", "", ""),
            (self.import_wizard, "rw", "", "rw", "", "", ""),
            (self.import_line, "rw", "", "rw", "", "", ""),
            (self.import_job, "r", "", "rw", "", "", ""),
        ]

    def test_matrix(self):
        users_ = {login: self.env["res.users"].search([("login", "=", login)]) for login in ROLES}
        users_["public"] = self.user_public
        self.assertAccessMatrix(self._matrix(), users_)

    def test_capture_log_payload_is_for_managers(self):
        for login, readable in (("lm_salesman", False), ("lm_salesman_all", False), ("lm_manager", True)):
            log = self.log_own.with_user(self.env["res.users"].search([("login", "=", login)]))
            with self.subTest(user=login):
                if readable:
                    self.assertEqual(log.read(["payload"])[0]["payload"], "{}")
                else:
                    self.assertRaises(AccessError, log.read, ["payload"])

    @users("lm_salesman", "lm_salesman_all", "lm_manager")
    def test_wizard_is_for_salespeople(self):
        wizard = self.env["lead.convert.wizard"].with_context(
            active_model="crm.lead", active_ids=self.lead_own.ids).create({})
        self.assertEqual(wizard.lead_ids, self.lead_own)

    @users("lm_employee", "lm_portal")
    def test_wizard_is_not_for_others(self):
        with self.assertRaises(AccessError):
            self.env["lead.convert.wizard"].with_context(
                active_model="crm.lead", active_ids=self.lead_own.ids).create({})


@tagged("post_install", "-at_install", "lead_management_security")
class TestAccessDefects(LeadManagementCase):
    """Access and data-loss defects found using the app as each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.territory"].search([]).write({"active": False})
        cls.territory = cls.env["lead.territory"].create({
            "name": "Isfahan", "cities": "Isfahan\nاصفهان", "team_id": cls.team_iran.id,
            "user_ids": [(6, 0, cls.user_salesman_other.ids)], "country_ids": [(6, 0, cls.country_ir.ids)]})

    @users("lm_salesman")
    def test_lead_saved_without_salesperson_is_kept(self):
        """The form saves (web_save: create, then read back as the creator) a
        lead that routing hands to a colleague: saved, not an access error."""
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "True")
        result = self.env["crm.lead"].web_save(
            {"name": "Walk-in customer", "type": "lead", "user_id": False, "country_id": self.country_ir.id,
             "city": "اصفهان"},
            {"name": {}, "user_id": {"fields": {"display_name": {}}}})
        self.assertEqual(result[0]["name"], "Walk-in customer")
        self.assertFalse(result[0]["user_id"], "read back before the routing")
        self.flush_deferred()
        lead = self.env["crm.lead"].sudo().browse(result[0]["id"])
        self.assertEqual(lead.user_id, self.user_salesman_other, "routed when the transaction ends")
        self.assertEqual(lead.territory_id, self.territory)

    @users("lm_salesman")
    def test_event_cannot_move_to_a_colleague_lead(self):
        event = self.env["lead.engagement"].create({"lead_id": self.lead_own.id, "event_type": "meeting"})
        with self.assertRaises(AccessError):
            event.write({"lead_id": self.lead_other.id})

    def test_prospect_fields_show_what_the_reader_may_see(self):
        customer = self.env["res.partner"].create({"name": "Shared customer"})
        self.lead_other.write({"partner_id": customer.id, "lead_status": "qualified", "expected_revenue": 1000})
        self.env.cr.execute("UPDATE crm_lead SET score = 80, temperature = 'hot' WHERE id = %s", [self.lead_other.id])
        self.env.invalidate_all()
        as_other = customer.with_user(self.user_salesman_other)
        self.assertEqual((as_other.lead_count, as_other.lead_score, as_other.lead_status), (1, 80, "qualified"))
        as_salesman = customer.with_user(self.user_salesman)
        self.assertEqual((as_salesman.lead_count, as_salesman.lead_score, as_salesman.lead_status), (0, 0, False))
        self.assertFalse(as_salesman.temperature)
        self.assertFalse(as_salesman.lifecycle_stage)
        self.assertFalse(self.env["res.partner"].with_user(self.user_salesman).search(
            [("lead_score", ">", 0), ("id", "=", customer.id)]))
        self.assertEqual(self.env["res.partner"].with_user(self.user_salesman_other).search(
            [("lead_score", ">", 0), ("id", "=", customer.id)]), customer)
        self.assertEqual(self.env["res.partner"].with_user(self.user_salesman_other).search(
            [("lifecycle_stage", "=", "prospect"), ("id", "=", customer.id)]), customer)

    @users("lm_salesman")
    def test_territory_loads_are_for_managers(self):
        territory = self.territory.with_env(self.env)
        self.assertEqual(territory.open_lead_count, 0)
        with self.assertRaises(AccessError):
            territory.read(["load_summary"])
        self.assertIn("Other Salesman", self.territory.with_user(self.user_salesman_all).load_summary)

    @users("lm_salesman")
    def test_similar_leads_count_only_readable_leads(self):
        self.lead_other.sudo().national_id = "2914177763"
        lead = self.env["crm.lead"].create({"name": "Probe", "type": "lead", "country_id": self.country_ir.id,
                                            "national_id": "2914177763", "user_id": self.user_salesman.id})
        self.assertEqual(lead.duplicate_lead_count, 0, "a colleague's lead is not revealed")
        self.assertEqual(lead.with_user(self.user_manager).duplicate_lead_count, 1)

    def test_similar_leads_count_on_an_unsaved_lead(self):
        for name in ("First", "Second"):
            self._create_lead(name, email_from="twice@example.com")
        with Form(self.env["crm.lead"].with_context(default_type="lead")) as form:
            form.name = "Typed"
            form.email_from = "twice@example.com"
            self.assertEqual(form.duplicate_lead_count, 2)

    @users("lm_salesman")
    def test_own_documents_salesman_cannot_route(self):
        with self.assertRaises(AccessError):
            self.lead_own.with_env(self.env).action_assign_by_territory()

    @users("lm_salesman_all")
    def test_all_leads_salesman_routes(self):
        lead = self.lead_unassigned.with_env(self.env)
        lead.sudo().city = "Isfahan"
        lead.action_assign_by_territory()
        self.assertEqual(lead.user_id, self.user_salesman_other)

    @users("lm_manager")
    def test_rule_domains_name_only_fields_the_manager_may_read(self):
        model = self.env["lead.scoring.model"].create({"name": "Probe"})
        for domain in ("[('create_uid.totp_secret', '!=', False)]", "[('create_uid.signup_type', '=', 'reset')]"):
            with self.subTest(domain=domain), self.assertRaisesRegex(ValidationError, "not valid for leads"):
                self.env["lead.scoring.rule"].create(
                    {"model_id": model.id, "name": "Probe", "kind": "fit", "domain": domain})

    def test_edited_event_rescores_with_its_new_values(self):
        self.env["lead.scoring.model"].search([]).active = False
        self.env["lead.scoring.model"].create({"name": "Meetings", "rule_ids": [
            (0, 0, {"name": "Meeting", "kind": "engagement", "event_type": "meeting", "points": 10})]})
        event = self.env["lead.engagement"].create({"lead_id": self.lead_own.id, "event_type": "meeting"})
        self.assertEqual(self.lead_own.score, 10)
        event.points = 30
        self.assertEqual(self.lead_own.score, 30)
        event.event_type = "call"
        self.assertEqual(self.lead_own.score, 0)

    def test_half_life_zero_is_refused_clearly(self):
        model = self.env["lead.scoring.model"].create({"name": "Half-life"})
        with self.assertRaisesRegex(ValidationError, "half-life must be a positive number of days"):
            model.engagement_half_life_days = 0

    @freeze_time("2026-03-02 09:00:00")
    def test_activities_in_the_recipient_language(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["lead_management"], ["fa_IR"], overwrite=True)
        self.user_salesman_other.lang = "en_US"
        self.user_manager.lang = "fa_IR"
        lead = self._create_lead("Language", city="Isfahan", team=self.team_iran)
        lead.with_user(self.user_manager).with_context(lang="fa_IR").sudo()._assign_by_territory()
        self.assertEqual(lead.activity_ids.summary, "First contact", "in the salesperson's language")
        lead.sla_deadline = "2026-03-02 08:00:00"
        self.env["crm.lead"].with_context(lang="en_US")._cron_sla_escalation()
        leader_activity = lead.activity_ids.filtered(lambda activity: activity.user_id == self.user_manager)
        self.assertNotEqual(leader_activity.summary, "Response time breached", "in the team leader's language")

    @freeze_time("2026-03-02 09:00:00")
    def test_first_contact_is_cancelled_when_won(self):
        lead = self._create_lead("Won fast", city="Isfahan", team=self.team_iran)
        lead._assign_by_territory()
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact")
        self.assertEqual(lead.activity_ids.activity_type_id, first_contact)
        lead.write({"type": "opportunity"})
        lead.action_set_won()
        self.flush_deferred()
        self.assertNotIn(first_contact, lead.activity_ids.activity_type_id)
