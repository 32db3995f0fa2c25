from odoo import fields, models
from odoo.tools import SQL


class LeadSalesCycleReport(models.Model):
    """The invoice part of the sales cycle: days to the first posted invoice
    and to the full payment."""

    _inherit = "lead.sales.cycle.report"

    date_first_invoice = fields.Date(
        string="First Invoice Date", readonly=True,
        help="Invoice date of the first posted customer invoice of the opportunity.")
    date_paid = fields.Date(
        string="Paid Date", readonly=True,
        help="Date of the last payment, once every posted customer invoice of the opportunity is paid.")
    days_to_invoice = fields.Float(
        string="Days to Invoice", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to its first posted customer invoice.")
    days_to_paid = fields.Float(
        string="Days to Payment", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to the full payment of its invoices.")

    _depends = {
        "account.move": ["lead_id", "state", "move_type", "invoice_date", "payment_state", "matched_payment_ids"],
        "account.move.line": ["move_id", "account_id"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "max_date"],
        "account.payment": ["date", "move_id", "state"],
    }

    def _days_between_dates(self, date_sql, start_sql):
        """Whole days from the day of ``start_sql`` to the date ``date_sql``: an invoice of the day
        the lead came in counts 0 days, not a negative fraction of a day."""
        return SQL("(%s - (%s)::date)::float", date_sql, start_sql)

    def _with(self):
        # first posted customer invoice of each lead
        invoiced = SQL("""
            invoiced AS (
                SELECT move.lead_id, MIN(move.invoice_date) AS date_first_invoice
                  FROM account_move move
                 WHERE move.lead_id IS NOT NULL
                   AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
              GROUP BY move.lead_id
            )""")
        # Leads whose posted customer invoices are all paid: the latest reconciliation of their
        # receivable lines (payments registered without a journal entry count by their date;
        # an invoice paid with nothing to reconcile, e.g. of zero amount, by its invoice date).
        # Invoices fully reversed by a credit note are cancelled, not paid: they neither count
        # nor block the others.
        paid = SQL("""
            paid_invoice AS (
                SELECT move.lead_id,
                       move.payment_state,
                       move.invoice_date,
                       (SELECT MAX(part.max_date)
                          FROM account_move_line line
                          JOIN account_account account ON account.id = line.account_id
                          JOIN account_partial_reconcile part
                            ON line.id IN (part.debit_move_id, part.credit_move_id)
                         WHERE line.move_id = move.id
                           AND account.account_type = 'asset_receivable') AS date_reconciled,
                       (SELECT MAX(payment.date)
                          FROM account_move__account_payment rel
                          JOIN account_payment payment ON payment.id = rel.payment_id
                         WHERE rel.invoice_id = move.id
                           AND payment.move_id IS NULL
                           AND payment.state IN ('in_process', 'paid')) AS date_payment
                  FROM account_move move
                 WHERE move.lead_id IS NOT NULL
                   AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state != 'reversed'
            ),
            paid AS (
                SELECT lead_id,
                       COALESCE(GREATEST(MAX(date_reconciled), MAX(date_payment)), MAX(invoice_date)) AS date_paid
                  FROM paid_invoice
              GROUP BY lead_id
                HAVING BOOL_AND(payment_state IN ('paid', 'in_payment'))
            )""")
        return [*super()._with(), invoiced, paid]

    def _select(self):
        return [
            *super()._select(),
            SQL("invoiced.date_first_invoice AS date_first_invoice"),
            SQL("paid.date_paid AS date_paid"),
            SQL("%s AS days_to_invoice",
                self._days_between_dates(SQL("invoiced.date_first_invoice"), SQL("lead.create_date"))),
            SQL("%s AS days_to_paid", self._days_between_dates(SQL("paid.date_paid"), SQL("lead.create_date"))),
        ]

    def _from(self):
        return [
            *super()._from(),
            SQL("LEFT JOIN invoiced ON invoiced.lead_id = lead.id"),
            SQL("LEFT JOIN paid ON paid.lead_id = lead.id"),
        ]
