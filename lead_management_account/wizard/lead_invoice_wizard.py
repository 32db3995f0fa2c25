from odoo import api, fields, models
from odoo.exceptions import UserError


class LeadInvoiceWizard(models.TransientModel):
    """Invoice a won opportunity that has no customer yet, or invoice it
    again: the customer, and what remains to invoice."""

    _name = "lead.invoice.wizard"
    _description = "Invoice an Opportunity"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, readonly=True)
    company_currency = fields.Many2one(related="lead_id.company_currency")
    expected_revenue = fields.Monetary(related="lead_id.expected_revenue", currency_field="company_currency")
    amount_to_invoice = fields.Monetary(
        related="lead_id.amount_to_invoice", string="Not Invoiced Yet", currency_field="company_currency")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_partner_id", store=True, readonly=False, required=True,
        help="The customer invoiced; an opportunity without a customer gets this one.")
    amount = fields.Monetary(
        compute="_compute_amount", store=True, readonly=False, currency_field="company_currency",
        help="Untaxed price of the invoice line; the expected revenue not invoiced yet, by default.")

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.lead_id.partner_id.commercial_partner_id

    @api.depends("lead_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.lead_id.amount_to_invoice

    def action_create_invoice(self):
        self.ensure_one()
        lead = self.lead_id
        if not lead.stage_id.is_won:
            raise UserError(self.env._("Only a won opportunity can be invoiced: mark %(name)s as won first.",
                                       name=lead.name))
        if self.amount <= 0:
            raise UserError(self.env._(
                "Amount: %(name)s has nothing left to invoice; enter the amount of this invoice.", name=lead.name))
        if not lead.partner_id:
            # sudo: an invoice comes from an opportunity of its customer (account.move._check_lead_id);
            # the accountant, who may not edit the deal, gives it the customer it lacks, nothing else
            lead.sudo().partner_id = self.partner_id
        invoice = lead._create_invoice(self.partner_id.commercial_partner_id, self.amount)
        return lead._get_invoice_form_action(invoice)
