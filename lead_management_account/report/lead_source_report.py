from odoo import fields, models
from odoo.tools import SQL


class LeadSourceReport(models.Model):
    """The invoiced revenue of the leads by source: posted customer invoices minus credit notes,
    untaxed, weighted by the attribution share."""

    _inherit = "lead.source.report"

    invoiced_revenue = fields.Monetary(
        readonly=True, aggregator="sum",
        help="Untaxed amount of the posted customer invoices minus credit notes of the leads, in the company's "
             "currency, weighted by the attribution share.")

    _depends = {
        "account.move": ["lead_id", "state", "move_type", "amount_untaxed_signed"],
    }

    def _sum_measures(self):
        return [*super()._sum_measures(), "invoiced_revenue"]

    def _select_lead_row(self, share):
        return [
            *super()._select_lead_row(share),
            SQL("(%s * COALESCE(lead_invoiced.amount, 0))::numeric AS invoiced_revenue", share),
        ]

    def _from_lead_row(self):
        # a subquery, not a common table expression: the view stays a plain UNION ALL, whose parts a filter
        # on the attribution model skips
        invoiced = SQL("""
            LEFT JOIN (
                SELECT move.lead_id, SUM(move.amount_untaxed_signed) AS amount
                  FROM account_move move
                 WHERE move.lead_id IS NOT NULL
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
              GROUP BY move.lead_id
            ) lead_invoiced ON lead_invoiced.lead_id = lead.id""")
        return [*super()._from_lead_row(), invoiced]

    def _select_cost_row(self):
        return [*super()._select_cost_row(), SQL("0::numeric AS invoiced_revenue")]
