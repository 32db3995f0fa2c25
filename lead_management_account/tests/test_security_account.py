from odoo import Command, api
from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import BillingCase


@tagged("post_install", "-at_install", "lead_management_account", "lead_management_security")
class TestInvoiceLeadLink(BillingCase):
    """An invoice is linked to an opportunity its author may read before the
    link, whichever way the link comes: the values, a default of the context,
    a copy. Calls go through api.call_kw as JSON-RPC does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.Partner.create({"name": "Link Co", "is_company": True})
        cls.secret = cls._create_lead("Secret deal", user=cls.user_salesman_other, team=cls.team_iran,
                                      type="opportunity", partner_id=cls.customer.id, email_from="secret@link.example")
        cls.won = cls._create_lead("Won deal", user=cls.user_salesman_other, team=cls.team_iran,
                                   type="opportunity", partner_id=cls.customer.id)
        cls.won.action_set_won()
        cls.own = cls._create_lead("Own deal", user=cls.user_salesman_billing, team=cls.team_iran,
                                   type="opportunity", partner_id=cls.customer.id)

    def _call(self, method, args, context=None, ids=None):
        model = self.env["account.move"] if ids is None else self.env["account.move"].browse(ids)
        kwargs = {"context": context} if context else {}
        return api.call_kw(model, method, args if ids is None else [ids, *args], kwargs)

    def _invoice_values(self, **values):
        return {"move_type": "out_invoice", "partner_id": self.customer.id,
                "invoice_line_ids": [Command.create({"name": "Service", "quantity": 1, "price_unit": 10})],
                **values}

    def _assert_unreadable(self, lead):
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            lead.with_env(self.env).read(["email_from"])
        self.assertFalse(self.env["account.move"].search([("lead_id", "=", lead.id)]))

    @users("lm_accountant")
    def test_accountant_cannot_link_through_a_default_of_the_context(self):
        with self.assertRaisesRegex(AccessError, "Opportunity: an invoice can only be linked"):
            self._call("create", [[self._invoice_values()]], context={"default_lead_id": self.secret.id})
        self._assert_unreadable(self.secret)

    @users("lm_accountant")
    def test_accountant_cannot_link_explicitly(self):
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("create", [[self._invoice_values(lead_id=self.secret.id)]])
        invoice_id = self._call("create", [[self._invoice_values()]])
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("write", [{"lead_id": self.secret.id}], ids=invoice_id)
        self._assert_unreadable(self.secret)

    @users("lm_accountant")
    def test_accountant_cannot_link_through_a_copy(self):
        invoice_id = self._call("create", [[self._invoice_values()]])
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("copy", [{"lead_id": self.secret.id}], ids=invoice_id)
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("copy", [], context={"default_lead_id": self.secret.id}, ids=invoice_id)
        self._assert_unreadable(self.secret)

    @users("lm_accountant")
    def test_accountant_links_a_won_deal_he_reads(self):
        """As the Invoices button of the deal does, with its default."""
        invoice_ids = self._call("create", [[self._invoice_values(), self._invoice_values(), {
            **self._invoice_values(), "lead_id": False}]], context={"default_lead_id": self.won.id})
        invoices = self.env["account.move"].browse(invoice_ids)
        self.assertEqual(invoices.mapped("lead_id"), self.won)
        self.assertEqual(len(invoices.filtered("lead_id")), 2, "an explicit empty opportunity is kept")

    @users("lm_salesman_billing")
    def test_salesman_with_billing_links_his_own_deal_only(self):
        by_default = self._call("create", [[self._invoice_values()]], context={"default_lead_id": self.own.id})
        explicit = self._call("create", [[self._invoice_values(lead_id=self.own.id)]])
        self.assertEqual(self.env["account.move"].browse(by_default + explicit).lead_id, self.own)
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("create", [[self._invoice_values()]], context={"default_lead_id": self.secret.id})

    @users("lm_accountant")
    def test_accountant_cannot_read_a_lead_name_through_a_new_invoice_form(self):
        spec = {"lead_id": {"fields": {"display_name": {}}}, "partner_id": {}, "move_type": {}}
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("onchange", [{}, [], spec], ids=[], context={"default_lead_id": self.secret.id})
        # the Invoices button of a deal he reads opens a new invoice of the deal
        result = self._call("onchange", [{}, [], spec], ids=[], context={
            "default_lead_id": self.won.id, "default_partner_id": self.customer.id,
            "default_move_type": "out_invoice"})
        self.assertEqual(result["value"]["lead_id"], {"id": self.won.id, "display_name": "Won deal"})

    @users("lm_accountant")
    def test_accountant_cannot_link_through_his_own_default(self):
        """Any employee may set his own defaults (Debug > Set Defaults)."""
        api.call_kw(self.env["ir.default"], "set", ["account.move", "lead_id", self.secret.id], {"user_id": True})
        with self.assertRaisesRegex(AccessError, "Opportunity"):
            self._call("create", [[self._invoice_values()]])
        self._assert_unreadable(self.secret)
