from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_security")
class TestSecurity(LeadManagementCase):
    """Each sales role sees exactly the leads Odoo's sales groups allow."""

    def _visible_leads(self):
        return self.env["crm.lead"].search([("id", "in", (self.lead_own | self.lead_other | self.lead_unassigned).ids)])

    @users("lm_salesman")
    def test_salesman_sees_own_and_unassigned(self):
        self.assertEqual(self._visible_leads(), (self.lead_own | self.lead_unassigned).with_env(self.env))

    @users("lm_salesman")
    def test_salesman_cannot_read_other_salesman_lead(self):
        lead = self.lead_other.with_env(self.env)
        with self.assertRaises(AccessError):
            lead.read(["name", "lead_status"])

    @users("lm_salesman")
    def test_salesman_updates_own_lead(self):
        lead = self.lead_own.with_env(self.env)
        lead.write({"lead_status": "contacted", "need_level": "high", "national_id": "0013542419"})
        self.assertEqual(lead.lead_status, "contacted")
        with self.assertRaises(AccessError):
            self.lead_other.with_env(self.env).write({"lead_status": "junk"})

    @users("lm_salesman_all")
    def test_salesman_all_leads_sees_everything(self):
        self.assertEqual(len(self._visible_leads()), 3)

    @users("lm_manager")
    def test_manager_sees_and_edits_everything(self):
        self.assertEqual(len(self._visible_leads()), 3)
        self.lead_other.with_env(self.env).lead_status = "qualified"
        self.assertEqual(self.lead_other.lead_status, "qualified")

    @users("lm_manager")
    def test_manager_configures_specialties(self):
        specialty = self.env["lead.specialty"].create({"name": "Robotics"})
        specialty.name = "Robotics and AI"
        self.assertEqual(specialty.sudo().name, "Robotics and AI")
        specialty.unlink()
        self.assertFalse(specialty.exists())

    @users("lm_salesman")
    def test_salesman_reads_but_cannot_configure_specialties(self):
        self.assertTrue(self.env["lead.specialty"].search([]))
        with self.assertRaises(AccessError):
            self.env["lead.specialty"].create({"name": "Forbidden"})
        with self.assertRaises(AccessError):
            self.env.ref("lead_management.lead_specialty_software").write({"name": "Hacked"})

    @users("lm_employee")
    def test_employee_without_sales_rights(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead"].search([])
        partner = self.env["res.partner"].search([], limit=1)
        with self.assertRaises(AccessError):
            partner.read(["lead_count"])
        self.assertTrue(self.env["lead.specialty"].search([]), "specialties show on partners for every employee")

    @users("lm_salesman")
    def test_salesman_reads_prospect_fields(self):
        partner = self.env["res.partner"].create({"name": "Prospect"})
        self.assertEqual(partner.lead_count, 0)
