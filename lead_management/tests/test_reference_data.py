from odoo.tests import tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_data")
class TestReferenceData(LeadManagementCase):
    """Shipped reference data and demo data."""

    def test_sources_with_mediums(self):
        channels = ("website_form", "landing_page", "google_ads", "meta_ads", "social_media", "email",
                    "live_chat", "incoming_call", "exhibition", "referral", "import", "outbound")
        sources = self.env["utm.source"].browse(
            [self.env.ref(f"lead_management.utm_source_{channel}").id for channel in channels])
        self.assertEqual(len(sources), 12)
        self.assertFalse(sources.filtered(lambda source: not source.medium_id), "every source has a medium")

    def test_funnel_stages(self):
        stages = self.env["crm.stage"].search([("team_id", "=", False)])
        self.assertEqual(
            stages.with_context(lang="en_US").mapped("name"),
            ["New", "Contacted", "Qualified", "Proposal Sent", "Negotiation", "Won"])
        self.assertTrue(stages[-1].is_won)
        self.assertFalse(self.env.ref("crm.stage_lead3", raise_if_not_found=False))

    def test_lost_reasons(self):
        names = set(self.env["crm.lost.reason"].with_context(lang="en_US").search([]).mapped("name"))
        self.assertLessEqual(
            {"No budget", "No need", "Bad timing", "Chose a competitor", "Unreachable", "Junk"}, names)

    def test_provinces(self):
        State = self.env["res.country.state"]
        self.assertEqual(State.search_count([("country_id", "=", self.country_ir.id)]), 31)
        self.assertEqual(State.search_count([("country_id", "=", self.country_ge.id)]), 12)
        tehran = self.env.ref("lead_management.state_ir_tehran")
        self.assertEqual(tehran.code, "23")

    def test_leads_feature_enabled_for_employees(self):
        self.assertIn(self.env.ref("crm.group_use_lead"), self.env.ref("base.group_user").implied_ids)
        self.assertTrue(self.user_employee.has_group("crm.group_use_lead"))

    def test_demo_data(self):
        if not self.env.ref("lead_management.crm_lead_demo_001", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        leads = self.env["crm.lead"].with_context(active_test=False).search(
            [("id", "in", [self.env.ref(f"lead_management.crm_lead_demo_{i:03d}").id for i in range(1, 61)])])
        self.assertEqual(len(leads), 60)
        self.assertGreaterEqual(len(leads.mapped("source_id")), 12)
        self.assertLessEqual({"new", "attempted", "contacted", "qualified", "eager", "not_interested", "junk"},
                             set(leads.mapped("lead_status")))
        cities = set(leads.mapped("city"))
        self.assertLessEqual({"تهران", "اصفهان", "مشهد", "شیراز", "تبریز", "თბილისი", "ბათუმი", "ქუთაისი"}, cities)
        salesmen = leads.mapped("user_id")
        self.assertGreaterEqual(len(salesmen), 4)
        self.assertEqual(len(leads.mapped("team_id")), 2)
        self.assertTrue(leads.filtered("duplicate_lead_count"), "demo data shows duplicates")
