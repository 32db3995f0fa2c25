import ast

from odoo import Command
from odoo.addons.lead_management.tests.common import ConversionCase
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged, users


@tagged("post_install", "-at_install", "lead_management_account")
class TestOpportunityInvoices(ConversionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_accountant = mail_new_test_user(
            cls.env, login="lm_accountant", name="Accountant Without Sales Rights",
            groups="base.group_user,account.group_account_invoice")
        cls.customer = cls.Partner.create({"name": "Invoiced Co", "is_company": True})
        cls.contact = cls.Partner.create({"name": "Invoiced Person", "parent_id": cls.customer.id})
        cls.deal = cls._create_lead(
            "Invoiced deal", user=cls.user_salesman, team=cls.team_iran, type="opportunity",
            partner_id=cls.contact.id, expected_revenue=1000, source_id=cls.env.ref("utm.utm_source_newsletter").id)
        cls.deal.action_set_won()

    def _post(self, move):
        move.action_post()
        return move

    def _credit_note(self, invoice, amount):
        return self._post(self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": invoice.partner_id.id, "lead_id": invoice.lead_id.id,
            "invoice_line_ids": [Command.create({"name": "Discount", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.clear()]})],
        }))

    def test_create_invoice_from_won_opportunity(self):
        action = self.deal.action_create_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.customer, "invoiced to the commercial partner")
        self.assertEqual(invoice.lead_id, self.deal)
        self.assertEqual(invoice.invoice_user_id, self.user_salesman)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 1000)
        self.assertEqual(invoice.invoice_line_ids.name, "Invoiced deal")
        self.assertEqual(invoice.lead_source_id, self.deal.source_id)
        self.assertEqual(self.deal.invoice_count, 1)
        self.assertEqual(self.deal.amount_invoiced, 0, "a draft invoice is not invoiced yet")

    def test_invoice_product_from_settings(self):
        product = self.env["product.product"].create({"name": "LM Installation", "list_price": 300})
        self.env["res.config.settings"].create({"lead_management_invoice_product_id": product.id}).execute()
        self.assertEqual(self.env["res.config.settings"].create({}).lead_management_invoice_product_id, product)
        invoice = self.env["account.move"].browse(self.deal.action_create_invoice()["res_id"])
        self.assertEqual(invoice.invoice_line_ids.product_id, product)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 1000, "the expected revenue is the price")
        # cleared: a line with the opportunity's name and expected revenue again
        self.env["res.config.settings"].create({"lead_management_invoice_product_id": False}).execute()
        self.assertFalse(self.env["res.config.settings"].create({}).lead_management_invoice_product_id)
        invoice.button_cancel()
        invoice = self.env["account.move"].browse(self.deal.action_create_invoice()["res_id"])
        self.assertFalse(invoice.invoice_line_ids.product_id)
        self.assertEqual(invoice.invoice_line_ids.name, self.deal.name)

    def test_only_won_opportunities_are_invoiced(self):
        open_deal = self._create_lead("Open deal", type="opportunity", partner_id=self.contact.id)
        with self.assertRaisesRegex(UserError, "won"):
            open_deal.action_create_invoice()

    def test_amounts_with_credit_note_and_payment(self):
        invoice = self.env["account.move"].browse(self.deal.action_create_invoice()["res_id"])
        invoice.invoice_line_ids.tax_ids = [Command.clear()]
        self._post(invoice)
        self._credit_note(invoice, 200)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"amount": 300})._create_payments()
        self.deal.invalidate_recordset(["invoice_count", "amount_invoiced", "amount_paid"])
        self.assertEqual(self.deal.invoice_count, 2)
        self.assertAlmostEqual(self.deal.amount_invoiced, 800)
        self.assertAlmostEqual(self.deal.amount_paid, 300, msg="money received; the credit note lowers what is due")
        cancelled = self.env["account.move"].browse(
            self.deal.with_context(lead_management_invoice_again=True).action_create_invoice()["res_id"])
        cancelled.button_cancel()
        self.deal.invalidate_recordset(["invoice_count"])
        self.assertEqual(self.deal.invoice_count, 2, "cancelled invoices do not count")

    def test_link_invoices_created_elsewhere(self):
        elsewhere = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id,
            "invoice_line_ids": [Command.create({"name": "Made in Invoicing", "quantity": 1, "price_unit": 50})],
        })
        stranger = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.Partner.create({"name": "Stranger"}).id,
            "invoice_line_ids": [Command.create({"name": "Other customer", "quantity": 1, "price_unit": 70})],
        })
        action = self.deal.action_open_invoice_link_wizard()
        wizard = self.env["lead.invoice.link.wizard"].with_context(**action["context"]).create({
            "move_ids": [Command.set((elsewhere | stranger).ids)]})
        self.assertEqual(wizard.commercial_partner_id, self.customer)
        wizard.action_link()
        self.assertEqual(elsewhere.lead_id, self.deal)
        self.assertFalse(stranger.lead_id, "an invoice of another customer is never linked")
        self.assertIn(elsewhere, self.deal.invoice_ids)

    @users("lm_accountant")
    def test_accountant_reads_invoiced_opportunity_but_cannot_edit(self):
        invoice = self.env["account.move"].sudo().browse(self.deal.sudo().action_create_invoice()["res_id"])
        invoice = invoice.with_env(self.env)
        self.assertEqual(invoice.lead_id.name, "Invoiced deal")
        self.assertEqual(invoice.lead_user_id, self.user_salesman)
        self.assertEqual(invoice.lead_source_id, self.deal.source_id)
        deal = self.env["crm.lead"].browse(self.deal.id)
        form_fields = self.env["crm.lead"].get_views([(False, "form")])["models"]["crm.lead"]["fields"]
        values = deal.web_read({fname: {} for fname in form_fields})[0]
        self.assertEqual(values["name"], "Invoiced deal")
        self.assertIn(deal, self.env["crm.lead"].search([]))
        self.assertFalse(self.env["crm.lead"].search([("stage_id.is_won", "=", False), ("invoice_ids", "=", False)]),
                         "only the won deals and the opportunities of invoices")
        with self.assertRaises(AccessError):
            deal.write({"name": "Changed by accounting"})
        with self.assertRaises(AccessError):
            self.lead_own.with_env(self.env).read(["name"])
        groups = self.env["account.move"].read_group(
            [("lead_id", "!=", False)], ["amount_total_signed:sum"], ["lead_source_id"])
        self.assertEqual(groups[0]["lead_source_id"][0], self.deal.source_id.id)

    @users("lm_salesman")
    def test_salesman_sees_amounts_without_invoicing_rights(self):
        self.env["account.move"].sudo().browse(self.deal.sudo().action_create_invoice()["res_id"]).action_post()
        deal = self.env["crm.lead"].browse(self.deal.id)
        self.assertEqual(deal.amount_invoiced, deal.sudo().invoice_ids.amount_total_signed)
        with self.assertRaises(AccessError):
            deal.action_create_invoice()

    def _wizard(self, lead):
        action = lead.action_create_invoice()
        self.assertEqual(action["res_model"], "lead.invoice.wizard")
        return Form(self.env["lead.invoice.wizard"].with_context(**action["context"]))

    def test_invoice_again_offers_what_remains(self):
        first = self.env["account.move"].browse(self.deal.action_create_invoice()["res_id"])
        first.invoice_line_ids.price_unit = 400
        self.assertEqual(self.deal.amount_to_invoice, 600)
        with self._wizard(self.deal) as wizard:
            self.assertEqual(wizard.amount, 600, "the expected revenue not invoiced yet")
            self.assertEqual(wizard.partner_id, self.customer)
        second = self.env["account.move"].browse(wizard.record.action_create_invoice()["res_id"])
        self.assertEqual(second.invoice_line_ids.price_unit, 600)
        self.assertEqual(second.lead_id, self.deal)
        self.assertEqual(self.deal.amount_to_invoice, 0)
        second.button_cancel()
        self.assertEqual(self.deal.amount_to_invoice, 600, "a cancelled invoice does not count")
        self._credit_note(self._post(first), 100)
        self.assertEqual(self.deal.amount_to_invoice, 700, "credit notes give back")
        second.button_draft()
        second.invoice_line_ids.price_unit = 700
        wizard = self._wizard(self.deal).save()
        self.assertEqual(wizard.amount, 0)
        with self.assertRaisesRegex(UserError, "Amount: .* nothing left to invoice"):
            wizard.action_create_invoice()

    @users("lm_accountant")
    def test_accountant_invoices_a_deal_won_without_customer(self):
        deal = self.env["crm.lead"].sudo().create({"name": "Won without customer", "type": "opportunity",
                                                   "expected_revenue": 250, "user_id": self.user_salesman.id})
        deal.action_set_won()
        deal = deal.with_env(self.env)
        wizard_form = self._wizard(deal)
        self.assertFalse(wizard_form.partner_id)
        self.assertEqual(wizard_form.amount, 250)
        with self.assertRaises(AssertionError, msg="the customer is required"):
            wizard_form.save()
        wizard_form.partner_id = self.contact
        invoice = self.env["account.move"].browse(wizard_form.save().action_create_invoice()["res_id"])
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 250)
        self.assertEqual(deal.partner_id, self.contact, "the deal gets the customer it is invoiced to")
        with self.assertRaises(AccessError):
            deal.partner_id = self.customer

    def test_salesperson_gives_the_customer_when_invoicing(self):
        deal = self._create_lead("Won without customer", type="opportunity", expected_revenue=80)
        deal.action_set_won()
        with self._wizard(deal) as wizard:
            wizard.partner_id = self.customer
        wizard.record.action_create_invoice()
        self.assertEqual(deal.partner_id, self.customer, "the deal gets the customer it was invoiced to")
        self.assertEqual(deal.invoice_ids.partner_id, self.customer)

    @users("lm_accountant")
    def test_won_deals_to_invoice(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management_account.action_crm_lead_to_invoice")
        open_deal = self._create_lead("Still open", type="opportunity", partner_id=self.contact.id,
                                      expected_revenue=90)
        Lead = self.env["crm.lead"]
        domain = ast.literal_eval(action["domain"])
        to_invoice = Lead.search(domain)
        self.assertIn(self.deal.id, to_invoice.ids)
        self.assertNotIn(open_deal.id, to_invoice.ids)
        deal = Lead.browse(self.deal.id)
        self.assertEqual(deal.amount_to_invoice, 1000)
        self.env["account.move"].browse(deal.action_create_invoice()["res_id"])
        self.assertNotIn(self.deal.id, Lead.search(domain).ids, "invoiced in full: off the list")
        menu = self.env.ref("lead_management_account.menu_crm_lead_to_invoice")
        self.assertIn(menu.id, self.env["ir.ui.menu"]._visible_menu_ids())
