from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_fields")
@freeze_time("2026-03-02 09:00:00")
class TestLeadFields(LeadManagementCase):
    """Placeholders for scoring, SLA and forecast, sources and filters."""

    def test_temperature_from_score(self):
        lead = self._create_lead("Temperature")
        for score, temperature in ((0, "cold"), (39, "cold"), (40, "warm"), (69, "warm"), (70, "hot"), (100, "hot")):
            lead.score = score
            self.assertEqual(lead.temperature, temperature, score)

    def test_forecast_category(self):
        lead = self._create_lead("Forecast", type="opportunity")
        lead.probability = 10
        self.assertEqual(lead.forecast_category, "pipeline")
        lead.probability = 60
        self.assertEqual(lead.forecast_category, "best_case")
        lead.action_set_won()
        self.assertEqual(lead.forecast_category, "commit")
        lost = self._create_lead("Lost", type="opportunity")
        lost.action_set_lost()
        self.assertEqual(lost.forecast_category, "omitted")
        lost.forecast_category = "best_case"
        self.assertEqual(lost.forecast_category, "best_case", "the rep may override it")

    def test_response_time(self):
        lead = self._create_lead("Response", user=self.user_salesman)
        self.assertEqual(lead.response_time_minutes, 0)
        lead.first_response_date = lead.date_open + timedelta(minutes=42)
        self.assertAlmostEqual(lead.response_time_minutes, 42, places=3)

    def test_source_brings_its_medium(self):
        source = self.env.ref("lead_management.utm_source_google_ads")
        lead = self._create_lead("Medium", source_id=source.id)
        self.assertEqual(lead.medium_id, self.env.ref("lead_management.utm_medium_paid_search"))
        explicit = self._create_lead("Explicit", source_id=source.id, medium_id=self.env.ref("utm.utm_medium_email").id)
        self.assertEqual(explicit.medium_id, self.env.ref("utm.utm_medium_email"))

    def test_incoming_calls_filter(self):
        call = self.env.ref("lead_management.utm_source_incoming_call")
        recent = self._create_lead("Recent call", source_id=call.id)
        old = self._create_lead("Old call", source_id=call.id)
        web = self._create_lead("Web", source_id=self.env.ref("lead_management.utm_source_website_form").id)
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=30), old.id))
        self.env.invalidate_all()
        found = self.env["crm.lead"].search([("recent_incoming_call", "=", True)])
        self.assertIn(recent, found)
        self.assertNotIn(old, found)
        self.assertNotIn(web, found)
        self.assertTrue(recent.recent_incoming_call)
        self.assertFalse(old.recent_incoming_call)
        others = self.env["crm.lead"].search(
            [("recent_incoming_call", "=", False), ("id", "in", (recent | old | web).ids)])
        self.assertEqual(others, old | web)

    def test_qualification_fields(self):
        specialty = self.env.ref("lead_management.lead_specialty_software")
        lead = self._create_lead(
            "BANT", budget=5000, is_decision_maker=True, need_level="high", decision_timeframe="quarter",
            company_size="51_200", industry_id=self.env.ref("base.res_partner_industry_J").id,
            specialty_ids=[(6, 0, specialty.ids)], vat="۴۱۱-۱۱۱ ۱۱۱ ۱۱۱")
        self.assertEqual(lead.budget, 5000)
        self.assertEqual(lead.specialty_ids, specialty)
        self.assertEqual(lead.vat, "411111111111", "the economic code is stored with ASCII digits")

    def test_probability_on_opportunities_only_and_explained(self):
        Lead = self.env["crm.lead"].with_user(self.user_salesman)
        for view, xpath in (("crm.crm_lead_view_form", "//label[@for='probability']/parent::div"),
                            ("crm.crm_case_tree_view_leads", "//field[@name='probability']")):
            arch = etree.fromstring(Lead.get_view(self.env.ref(view).id)["arch"])
            [node] = arch.xpath(xpath)
            for lead_type, shown in (("lead", False), ("opportunity", True)):
                with self.subTest(view=view, type=lead_type):
                    self.assertEqual(not safe_eval(node.get("invisible", "False"), {"type": lead_type}), shown)
        for lang in ("fa_IR", "ka_GE"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["lead_management"], ["fa_IR", "ka_GE"], overwrite=True)
        for lang, score, in_score_help, in_probability_help in (
                ("en_US", "Lead Score", "Probability", "Lead Score"),
                ("fa_IR", "امتیاز سرنخ", "احتمال", "امتیاز سرنخ"),
                ("ka_GE", "ლიდის ქულა", "ალბათობა", "ლიდის ქულა")):
            with self.subTest(lang=lang):
                description = Lead.with_context(lang=lang).fields_get(["score", "probability"], ["string", "help"])
                self.assertEqual(description["score"]["string"], score)
                self.assertIn("100", description["score"]["help"])
                self.assertIn(in_score_help, description["score"]["help"])
                self.assertIn(in_probability_help, description["probability"]["help"])
