from odoo import fields, models
from odoo.tools import SQL


class LeadSalesCycleReport(models.Model):
    """One row per lead (active or archived): how long it took from creation to
    conversion and win (lead_management_account adds the first invoice and
    the payment)."""

    _name = "lead.sales.cycle.report"
    _inherit = [
        "lead.report.mixin", "lead.report.place.mixin", "lead.report.quality.mixin", "lead.report.jalali.mixin",
    ]
    _description = "Sales Cycle Analysis"
    _auto = False
    _order = "create_date desc, id desc"

    create_date = fields.Datetime(string="Creation Date", readonly=True)
    date_conversion = fields.Datetime(string="Conversion Date", readonly=True)
    date_won = fields.Datetime(string="Won Date", readonly=True)
    days_to_convert = fields.Float(
        string="Days to Convert", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to its conversion into an opportunity.")
    days_to_won = fields.Float(
        string="Days to Win", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of the lead to the day it was won.")
    stage_id = fields.Many2one("crm.stage", readonly=True)
    type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], readonly=True)
    active = fields.Boolean(readonly=True)
    lead_count = fields.Integer(string="# Leads", readonly=True, aggregator="sum")

    _depends = {
        "crm.lead": [
            "name", "create_date", "date_conversion", "date_closed", "stage_id", "company_id", "type", "active",
        ],
        "crm.stage": ["is_won"],
    }

    def _days_between(self, date_sql, start_sql):
        """Days (float) between two datetimes; NULL when ``date_sql`` is NULL."""
        return SQL("(EXTRACT(EPOCH FROM (%s - %s)) / 86400.0)::float", date_sql, start_sql)

    def _select(self):
        date_won = SQL("CASE WHEN stage.is_won THEN lead.date_closed END")
        return [
            SQL("lead.id AS id"),
            SQL("lead.id AS lead_id"),
            SQL("lead.name AS name"),
            SQL("lead.create_date AS create_date"),
            *self._select_jalali(SQL("lead.create_date::date")),
            SQL("lead.date_conversion AS date_conversion"),
            SQL("%s AS date_won", date_won),
            SQL("%s AS days_to_convert", self._days_between(SQL("lead.date_conversion"), SQL("lead.create_date"))),
            SQL("%s AS days_to_won", self._days_between(date_won, SQL("lead.create_date"))),
            *self._select_lead(),
            *self._select_lead_quality(),
            *self._select_lead_place(),
            SQL("lead.company_id AS company_id"),
            SQL("lead.stage_id AS stage_id"),
            SQL("lead.type AS type"),
            SQL("lead.active AS active"),
            SQL("1 AS lead_count"),
        ]

    def _from(self):
        return [
            SQL("crm_lead lead"),
            SQL("LEFT JOIN crm_stage stage ON stage.id = lead.stage_id"),
        ]
