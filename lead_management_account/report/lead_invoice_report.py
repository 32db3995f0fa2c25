from odoo import fields, models
from odoo.tools import SQL


class LeadInvoiceReport(models.Model):
    """One row per posted customer invoice or credit note of an opportunity, with the
    lead's source, medium, campaign, salesperson and team: revenue by acquisition channel."""

    _name = "lead.invoice.report"
    _inherit = ["lead.report.mixin", "lead.report.jalali.mixin"]
    _description = "Invoiced Revenue by Source"
    _auto = False
    _order = "invoice_date desc, id desc"

    # the number shows the row to sales managers, who may not read invoices
    name = fields.Char(string="Number")
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    lead_id = fields.Many2one(string="Opportunity")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    invoice_date = fields.Date(readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Customer Invoice"), ("out_refund", "Customer Credit Note")],
        string="Type", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount", readonly=True, aggregator="sum", currency_field="currency_id",
        help="Untaxed amount in company currency; negative for credit notes.")
    amount_total = fields.Monetary(
        string="Total", readonly=True, aggregator="sum", currency_field="currency_id",
        help="Total with taxes in company currency; negative for credit notes.")
    amount_paid = fields.Monetary(
        string="Paid", readonly=True, aggregator="sum", currency_field="currency_id",
        help="Part of the total already paid (or offset), in company currency.")
    amount_residual = fields.Monetary(
        string="Amount Due", readonly=True, aggregator="sum", currency_field="currency_id",
        help="Part of the total still due, in company currency.")

    _depends = {
        "account.move": [
            "lead_id", "name", "commercial_partner_id", "invoice_date", "move_type", "state", "company_id",
            "amount_untaxed_signed", "amount_total_signed", "amount_residual_signed",
        ],
        "res.company": ["currency_id"],
    }

    def _select(self):
        return [
            SQL("move.id AS id"),
            SQL("move.id AS move_id"),
            SQL("move.name AS name"),
            SQL("move.lead_id AS lead_id"),
            SQL("move.commercial_partner_id AS partner_id"),
            SQL("move.invoice_date AS invoice_date"),
            *self._select_jalali(SQL("move.invoice_date")),
            SQL("move.move_type AS move_type"),
            *self._select_lead(),
            SQL("move.company_id AS company_id"),
            SQL("company.currency_id AS currency_id"),
            SQL("move.amount_untaxed_signed AS amount_untaxed"),
            SQL("move.amount_total_signed AS amount_total"),
            SQL("move.amount_total_signed - move.amount_residual_signed AS amount_paid"),
            SQL("move.amount_residual_signed AS amount_residual"),
        ]

    def _from(self):
        return [
            SQL("account_move move"),
            SQL("JOIN crm_lead lead ON lead.id = move.lead_id"),
            SQL("JOIN res_company company ON company.id = move.company_id"),
        ]

    def _where(self):
        return [
            SQL("move.lead_id IS NOT NULL"),
            SQL("move.state = 'posted'"),
            SQL("move.move_type IN ('out_invoice', 'out_refund')"),
        ]
