from odoo import fields, models
from odoo.addons.lead_management.report.common import create_report_view
from odoo.tools import SQL


class LeadInvoiceReport(models.Model):
    """One row per posted customer invoice or credit note of an opportunity, with the
    lead's source, medium, campaign, salesperson and team: revenue by acquisition channel."""

    _name = "lead.invoice.report"
    _description = "Invoiced Revenue by Source"
    _auto = False
    _rec_name = "name"
    _order = "invoice_date desc, id desc"

    # the number shows the row to sales managers, who may not read invoices
    name = fields.Char(string="Number", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    invoice_date = fields.Date(readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Customer Invoice"), ("out_refund", "Customer Credit Note")],
        string="Type", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
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
        "crm.lead": ["source_id", "medium_id", "campaign_id", "user_id", "team_id"],
        "res.company": ["currency_id"],
    }

    def _select(self):
        return SQL("""
            SELECT
                move.id AS id,
                move.id AS move_id,
                move.name AS name,
                move.lead_id AS lead_id,
                move.commercial_partner_id AS partner_id,
                move.invoice_date AS invoice_date,
                move.move_type AS move_type,
                lead.source_id AS source_id,
                lead.medium_id AS medium_id,
                lead.campaign_id AS campaign_id,
                lead.user_id AS user_id,
                lead.team_id AS team_id,
                move.company_id AS company_id,
                company.currency_id AS currency_id,
                move.amount_untaxed_signed AS amount_untaxed,
                move.amount_total_signed AS amount_total,
                move.amount_total_signed - move.amount_residual_signed AS amount_paid,
                move.amount_residual_signed AS amount_residual
        """)

    def _from(self):
        return SQL("""
            FROM account_move move
            JOIN crm_lead lead ON lead.id = move.lead_id
            JOIN res_company company ON company.id = move.company_id
        """)

    def _where(self):
        return SQL("""
            WHERE move.lead_id IS NOT NULL
              AND move.state = 'posted'
              AND move.move_type IN ('out_invoice', 'out_refund')
        """)

    def _query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def init(self):
        create_report_view(self.env.cr, self._table, self._query())
