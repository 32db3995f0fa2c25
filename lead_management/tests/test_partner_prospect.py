from odoo.tests import tagged, users, warmup

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_prospect", "is_query_count")
class TestPartnerProspect(LeadManagementCase):
    """The prospect view of a partner, computed from its leads in batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_partner = cls.env["res.partner"].create({"name": "شرکت نمونه", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "مریم", "parent_id": cls.company_partner.id})
        cls.source_web = cls.env.ref("lead_management.utm_source_website_form")
        cls.source_call = cls.env.ref("lead_management.utm_source_incoming_call")
        cls.first = cls._create_lead("First touch", partner_id=cls.contact.id, source_id=cls.source_web.id)
        # scores as a scoring model would give them
        cls.env.flush_all()
        cls.first.score = 30
        cls.second = cls._create_lead(
            "Opportunity", partner_id=cls.company_partner.id, source_id=cls.source_call.id,
            type="opportunity", expected_revenue=1000, probability=50, date_deadline="2030-01-31")
        cls.env.flush_all()
        cls.second.score = 80
        cls.second.lead_status = "eager"

    def test_company_aggregates_its_contacts(self):
        partner = self.company_partner
        self.assertEqual(partner.lead_count, 2)
        self.assertEqual(partner.lead_source_id, self.source_web, "first touch is the oldest lead")
        self.assertEqual(partner.lead_status, "eager", "status of the latest lead")
        self.assertEqual(partner.lead_score, 80)
        self.assertEqual(partner.temperature, "hot")
        self.assertEqual(partner.lifecycle_stage, "prospect")
        self.assertEqual(str(partner.forecast_date), "2030-01-31")
        self.assertAlmostEqual(partner.forecast_revenue, 500)

    def test_contact_sees_only_its_leads(self):
        self.assertEqual(self.contact.lead_count, 1)
        self.assertEqual(self.contact.lead_score, 30)
        self.assertEqual(self.contact.temperature, "cold")

    def test_won_makes_customer(self):
        self.second.action_set_won()
        self.company_partner.invalidate_recordset()
        self.assertEqual(self.company_partner.lifecycle_stage, "customer")
        self.assertFalse(self.company_partner.forecast_revenue)

    def test_partner_without_leads(self):
        partner = self.env["res.partner"].create({"name": "Nobody"})
        self.assertEqual(partner.lead_count, 0)
        self.assertFalse(partner.lifecycle_stage)

    @users("lm_salesman_all")
    @warmup
    def test_queries_do_not_grow_with_partners(self):
        """The prospect summary of 10 or 200 contacts (a page of the list
        view and more) costs the same queries."""
        partners = self.env["res.partner"].sudo().create([{"name": f"P{i}"} for i in range(200)])
        self.env["crm.lead"].sudo().create([
            {"name": f"Lead {partner.name}", "type": "lead", "partner_id": partner.id} for partner in partners])
        partners = partners.with_env(self.env)
        few, many = partners[:10], partners
        for contacts in (few, many):
            self.env.invalidate_all()
            with self.assertQueryCount(lm_salesman_all=5):
                contacts.mapped("lead_count")
            self.assertEqual(set(contacts.mapped("lead_count")), {1})
