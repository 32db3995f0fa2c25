from odoo import fields, models
from odoo.tools import SQL

from .common import create_report_view


class LeadSalesCycleReport(models.Model):
    """One row per lead (active or archived): how long it took from creation to
    conversion, win, first invoice and full payment."""

    _name = "lead.sales.cycle.report"
    _description = "Sales Cycle Analysis"
    _auto = False
    _rec_name = "name"
    _order = "create_date desc, id desc"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    name = fields.Char(string="Lead Name", readonly=True)
    create_date = fields.Datetime(string="Creation Date", readonly=True)
    date_conversion = fields.Datetime(string="Conversion Date", readonly=True)
    date_won = fields.Datetime(string="Won Date", readonly=True)
    date_first_invoice = fields.Date(
        string="First Invoice Date", readonly=True,
        help="Invoice date of the first posted customer invoice of the opportunity.")
    date_paid = fields.Date(
        string="Paid Date", readonly=True,
        help="Date of the last payment, once every posted customer invoice of the opportunity is paid.")
    days_to_convert = fields.Float(
        string="Days to Convert", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to its conversion into an opportunity.")
    days_to_won = fields.Float(
        string="Days to Win", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to the day it was won.")
    days_to_invoice = fields.Float(
        string="Days to Invoice", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to its first posted customer invoice.")
    days_to_paid = fields.Float(
        string="Days to Payment", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to the full payment of its invoices.")
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], readonly=True)
    active = fields.Boolean(readonly=True)
    lead_count = fields.Integer(string="# Leads", readonly=True, aggregator="sum")

    _depends = {
        "crm.lead": [
            "name", "create_date", "date_conversion", "date_closed", "stage_id", "source_id", "medium_id",
            "campaign_id", "user_id", "team_id", "company_id", "type", "active",
        ],
        "crm.stage": ["is_won"],
        "account.move": ["lead_id", "state", "move_type", "invoice_date", "payment_state", "matched_payment_ids"],
        "account.move.line": ["move_id", "account_id"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "max_date"],
        "account.payment": ["date", "move_id", "state"],
    }

    def _days_between(self, date_sql, start_sql):
        """Days (float) between two datetimes; NULL when ``date_sql`` is NULL."""
        return SQL("(EXTRACT(EPOCH FROM (%s - %s)) / 86400.0)::float", date_sql, start_sql)

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
        return SQL("WITH %s, %s", invoiced, paid)

    def _select(self):
        date_won = SQL("CASE WHEN stage.is_won THEN lead.date_closed END")
        return SQL(
            """
            SELECT
                lead.id AS id,
                lead.id AS lead_id,
                lead.name AS name,
                lead.create_date AS create_date,
                lead.date_conversion AS date_conversion,
                %(date_won)s AS date_won,
                invoiced.date_first_invoice AS date_first_invoice,
                paid.date_paid AS date_paid,
                %(days_to_convert)s AS days_to_convert,
                %(days_to_won)s AS days_to_won,
                %(days_to_invoice)s AS days_to_invoice,
                %(days_to_paid)s AS days_to_paid,
                lead.source_id AS source_id,
                lead.medium_id AS medium_id,
                lead.campaign_id AS campaign_id,
                lead.user_id AS user_id,
                lead.team_id AS team_id,
                lead.company_id AS company_id,
                lead.stage_id AS stage_id,
                lead.type AS type,
                lead.active AS active,
                1 AS lead_count
            """,
            date_won=date_won,
            days_to_convert=self._days_between(SQL("lead.date_conversion"), SQL("lead.create_date")),
            days_to_won=self._days_between(date_won, SQL("lead.create_date")),
            days_to_invoice=self._days_between_dates(SQL("invoiced.date_first_invoice"), SQL("lead.create_date")),
            days_to_paid=self._days_between_dates(SQL("paid.date_paid"), SQL("lead.create_date")),
        )

    def _from(self):
        return SQL("""
            FROM crm_lead lead
       LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
       LEFT JOIN invoiced ON invoiced.lead_id = lead.id
       LEFT JOIN paid ON paid.lead_id = lead.id
        """)

    def _query(self):
        return SQL("%s %s %s", self._with(), self._select(), self._from())

    def init(self):
        create_report_view(self.env.cr, self._table, self._query())
