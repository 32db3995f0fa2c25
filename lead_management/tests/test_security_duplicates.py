from odoo.tests import tagged, users

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_identifiers")
class TestDuplicateCountReadable(LeadManagementCase):
    """Odoo counts duplicates (same phone, e-mail domain, commercial entity)
    as superuser; the count and the list keep the leads the user may read:
    whether a colleague has this person is not for everyone to probe."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague_lead = cls._create_lead(
            "Colleague's lead", user=cls.user_salesman_other, team=cls.team_iran,
            phone="+98 912 111 2233", email_from="a@dup-corp.example")
        cls.mine = cls._create_lead(
            "My lead", user=cls.user_salesman, team=cls.team_iran,
            phone="0912 111 2233", email_from="b@dup-corp.example")
        cls.my_other = cls._create_lead("My other lead", user=cls.user_salesman, team=cls.team_iran)

    @users("lm_salesman")
    def test_own_documents_only(self):
        lead = self.env["crm.lead"].browse(self.mine.id)
        self.assertEqual(lead.duplicate_lead_count, 0)
        self.assertNotIn(self.colleague_lead, lead.duplicate_lead_ids)
        self.my_other.with_user(self.env.user).phone = "+989121112233"
        lead.invalidate_recordset(["duplicate_lead_ids", "duplicate_lead_count"])
        self.assertEqual(lead.duplicate_lead_count, 1)
        self.assertEqual(lead.duplicate_lead_ids._origin - lead, self.my_other)

    @users("lm_salesman_all")
    def test_all_leads(self):
        lead = self.env["crm.lead"].browse(self.mine.id)
        self.assertEqual(lead.duplicate_lead_count, 1)
        self.assertIn(self.colleague_lead, lead.duplicate_lead_ids)
