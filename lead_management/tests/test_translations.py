import os
import re
from datetime import timedelta

import polib
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import LeadManagementCase

LANGS = {"fa_IR": "fa.po", "ka_GE": "ka.po"}
# msgids that read the same in every language
UNTRANSLATED_OK = {"BANT", "MQL", "SQL", "Google Ads", "Meta Ads",
                   "https://www.example.com", "https://www.example.com/thank-you"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def check_catalogs(case, module, min_terms=1):
    """Assert that the fa and ka catalogs of ``module`` translate every term
    of its .pot, without fuzzy entries nor English left."""
    i18n = os.path.join(get_module_path(module), "i18n")
    msgids = {entry.msgid for entry in polib.pofile(os.path.join(i18n, f"{module}.pot"))}
    case.assertGreaterEqual(len(msgids), min_terms)
    for name in LANGS.values():
        catalog = polib.pofile(os.path.join(i18n, name))
        with case.subTest(module=module, catalog=name):
            case.assertFalse([e.msgid for e in catalog if e.fuzzy], "no fuzzy entries")
            translated = {e.msgid: e.msgstr for e in catalog if e.msgstr and not e.obsolete}
            case.assertFalse(sorted(msgids - set(translated)), "every term is translated")
            english = [msgid for msgid, msgstr in translated.items()
                       if msgstr == msgid and msgid not in UNTRANSLATED_OK
                       and any(c.isalpha() for c in PLACEHOLDER.sub("", msgid))]
            case.assertFalse(english, "no English left")


@tagged("post_install", "-at_install", "lead_management_i18n")
class TestTranslations(LeadManagementCase):
    """fa and ka are complete and used by the interface."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.i18n = os.path.join(get_module_path("lead_management"), "i18n")
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["lead_management"], list(LANGS), overwrite=True)
        cls.po = {code: {entry.msgid: entry.msgstr for entry in polib.pofile(os.path.join(cls.i18n, name))}
                  for code, name in LANGS.items()}

    def test_po_files_are_complete(self):
        check_catalogs(self, "lead_management", min_terms=100)

    def test_web_jalali_po_files_are_complete(self):
        check_catalogs(self, "web_jalali", min_terms=20)

    def test_field_labels_and_selection_values(self):
        for code in LANGS:
            with self.subTest(lang=code):
                Lead = self.env["crm.lead"].with_context(lang=code)
                description = Lead.fields_get(["lead_status", "national_id"], ["string", "selection"])
                self.assertEqual(description["lead_status"]["string"], self.po[code]["Lead Status"])
                self.assertEqual(description["national_id"]["string"], self.po[code]["National ID"])
                labels = dict(description["lead_status"]["selection"])
                self.assertEqual(labels["junk"], self.po[code]["Junk"])
                self.assertNotEqual(labels["attempted"], "Attempted to Contact")

    def test_data_is_translated(self):
        tehran = self.env.ref("lead_management.state_ir_tehran")
        tbilisi = self.env.ref("lead_management.state_ge_tbilisi")
        self.assertEqual(tehran.with_context(lang="fa_IR").name, "تهران")
        self.assertEqual(tbilisi.with_context(lang="ka_GE").name, "თბილისი")
        self.assertEqual(tehran.with_context(lang="en_US").name, "Tehran")
        stage = self.env.ref("lead_management.crm_stage_contacted")
        self.assertEqual(stage.with_context(lang="fa_IR").name, self.po["fa_IR"]["Contacted"])
        menu = self.env.ref("lead_management.menu_lead_specialty")
        self.assertEqual(menu.with_context(lang="ka_GE").name, self.po["ka_GE"]["Specialties"])

    def test_error_message_is_translated(self):
        with self.assertRaises(ValidationError) as error:
            self.env["crm.lead"].with_context(lang="fa_IR").create({
                "name": "Wrong", "country_id": self.country_ir.id, "national_id": "0013542418"})
        self.assertIn(self.po["fa_IR"]["10 digits with a valid check digit"], str(error.exception))

    def test_activity_plan_is_translated(self):
        """The follow-up plan is read, and launched, in the user's language."""
        plan = self.env.ref("lead_management.mail_activity_plan_new_customer")
        call = self.env.ref("lead_management.mail_activity_plan_template_welcome_call")
        for code in LANGS:
            self.assertEqual(plan.with_context(lang=code).name, self.po[code]["New customer follow-up"])
            self.assertEqual(call.with_context(lang=code).summary, self.po[code]["Welcome call"])
        lead = self._create_lead("Plan", user=self.user_salesman)
        self.user_salesman.lang = "fa_IR"
        lead = lead.with_user(self.user_salesman).with_context(lang="fa_IR")
        self.env["mail.activity.schedule"].with_user(self.user_salesman).with_context(
            lang="fa_IR", active_model="crm.lead", active_ids=lead.ids,
        ).create({"plan_id": plan.id, "plan_on_demand_user_id": self.user_salesman.id}).action_schedule_plan()
        self.assertEqual(sorted(lead.activity_ids.mapped("summary")), sorted(
            self.po["fa_IR"][term] for term in ("Welcome call", "Needs review meeting", "Send the proposal")))

    @freeze_time("2026-03-02 09:00:00")
    def test_system_changes_are_logged_in_the_salesperson_language(self):
        """The escalation cron runs in English: what it logs on a Persian
        salesperson's lead (SLA status change, note) is in Persian."""
        self.user_salesman.lang = "fa_IR"
        lead = self.env["crm.lead"].with_context(tracking_disable=False, lang="en_US").create({
            "name": "Late", "type": "lead", "user_id": self.user_salesman.id, "sla_status": "pending",
            "sla_deadline": fields.Datetime.now() - timedelta(minutes=1)})
        self.env.cr.precommit.run()  # the creation ends: later changes are tracked
        lead.env["crm.lead"].with_context(lang="en_US")._cron_sla_escalation()
        self.env.cr.precommit.run()  # tracking is logged before commit
        lead.invalidate_recordset(["message_ids"])
        tracking = lead.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "sla_status")
        self.assertEqual(tracking.old_value_char, self.po["fa_IR"]["Pending"])
        self.assertEqual(tracking.new_value_char, self.po["fa_IR"]["Breached"])
        overdue = self.po["fa_IR"]["First response overdue: the deadline was %(deadline)s."].split("%(")[0]
        self.assertTrue(lead.message_ids.filtered(lambda m: overdue in (m.body or "")))
