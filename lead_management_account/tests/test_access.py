from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged, users

from .common import BillingCase


@tagged("post_install", "-at_install", "lead_management_account", "lead_management_security")
class TestInvoiceAccess(BillingCase):
    """Invoices and opportunities for each role: a billing-only accountant, a
    salesperson who also has billing rights, the sales roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.Partner.create({"name": "Access Co", "is_company": True})
        cls.other_customer = cls.Partner.create({"name": "Other Co", "is_company": True})
        cls.deal = cls._create_lead("Billing deal", user=cls.user_salesman_other, team=cls.team_iran,
                                    type="opportunity", partner_id=cls.customer.id, expected_revenue=500)
        cls.deal.action_set_won()
        cls.invoice = cls.env["account.move"].browse(cls.deal.action_create_invoice()["res_id"])
        cls.secret = cls._create_lead("Secret lead", user=cls.user_salesman_other, team=cls.team_iran,
                                      type="opportunity", partner_id=cls.customer.id, email_from="secret@example.com")

    def _draft_invoice(self, partner):
        return self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 10})]})

    def test_matrix(self):
        Report = self.env["lead.invoice.report"]
        self.invoice.action_post()
        self.env.flush_all()
        row = Report.search([("move_id", "=", self.invoice.id)])
        cases = [
            # record, salesman, salesman all leads, manager, accountant, salesman with billing
            (self.deal, "", "rw", "rw", "r", ""),
            (self.secret, "", "rw", "rw", "", ""),
            (self.invoice, "", "", "", "rw", "rw"),
            (row, "", "", "r", "r", "r"),   # invoicing rights read every posted invoice
        ]
        logins = ("lm_salesman", "lm_salesman_all", "lm_manager", "lm_accountant", "lm_salesman_billing")
        self.assertAccessMatrix(cases, {
            login: self.env["res.users"].search([("login", "=", login)]) for login in logins})

    @users("lm_accountant")
    def test_accountant_cannot_read_a_lead_by_linking_it(self):
        invoice = self._draft_invoice(self.customer)
        with self.assertRaises(AccessError):
            invoice.write({"lead_id": self.secret.id})
        with self.assertRaises(AccessError):
            self.secret.with_env(self.env).read(["email_from"])
        with self.assertRaises(AccessError):
            self.env["account.move"].create({"move_type": "out_invoice", "partner_id": self.customer.id,
                                             "lead_id": self.secret.id})

    @users("lm_accountant")
    def test_accountant_links_an_invoiced_deal_of_the_same_customer_only(self):
        self._draft_invoice(self.customer).write({"lead_id": self.deal.id})
        self.assertEqual(self.deal.with_env(self.env).invoice_count, 2)
        with self.assertRaisesRegex(ValidationError, "Opportunity"):
            self._draft_invoice(self.other_customer).write({"lead_id": self.deal.id})

    @users("lm_salesman_billing")
    def test_salesman_with_billing_sees_only_his_leads(self):
        self.assertFalse(self.env["crm.lead"].search([("id", "=", self.deal.id)]),
                         "invoicing rights do not widen the sales rules")
        with self.assertRaises(AccessError):
            self.deal.with_env(self.env).read(["name"])

    @users("lm_accountant")
    def test_accountant_sees_no_sales_button(self):
        arch = self.env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_set_won_rainbowman", arch)
        self.assertNotIn("toggle_active", arch)
        self.assertNotIn(f'name="{self.env.ref("crm.crm_lead_lost_action").id}"', arch)
        self.assertIn("action_create_invoice", arch, "his own button stays")

    def test_invoicing_an_invoiced_deal_again_is_confirmed(self):
        action = self.deal.action_create_invoice()
        self.assertEqual(action["res_model"], "lead.invoice.wizard", "the amount is asked before a second invoice")
        self.assertEqual(self.deal.invoice_count, 1)

    @users("lm_accountant")
    def test_accountant_asks_the_salesperson_on_a_read_only_deal(self):
        deal = self.env["crm.lead"].browse(self.deal.id)
        with self.assertRaises(AccessError):
            deal.write({"name": "Changed by accounting"})
        wizard = self.env["mail.activity.schedule"].with_context(
            active_model="crm.lead", active_ids=deal.ids).create({
                "summary": "Purchase order number?", "activity_user_id": self.user_salesman_other.id})
        wizard.action_schedule_activities()
        activity = deal.activity_ids.filtered(lambda act: act.summary == "Purchase order number?")
        self.assertEqual(activity.user_id, self.user_salesman_other)
        self.assertIn(self.user_salesman_other.partner_id, deal.message_partner_ids)
        deal.message_post(body="Paid by bank transfer.", message_type="comment", subtype_xmlid="mail.mt_note")
        with self.assertRaises(AccessError, msg="never followers who may not read the deal"):
            deal.message_subscribe(partner_ids=self.other_customer.ids)
        with self.assertRaises(AccessError):
            self.env["crm.lead"].browse(self.secret.id).message_post(body="Not readable")
