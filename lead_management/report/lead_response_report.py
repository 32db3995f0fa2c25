from odoo import fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from ..models.crm_lead import TEMPERATURES
from .common import create_report_view


class LeadResponseReport(models.Model):
    """One row per lead with a first response or a decided SLA: minutes from assignment to the
    first response (average and median) and the share of responses within the target."""

    _name = "lead.response.report"
    _description = "Response Time Analysis"
    _auto = False
    _rec_name = "name"
    _order = "date_assigned desc, id desc"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    name = fields.Char(string="Lead Name", readonly=True)
    date_assigned = fields.Datetime(
        string="Assignment Date", readonly=True,
        help="When the lead was assigned to its salesperson (its creation date if it never was).")
    sla_deadline = fields.Datetime(string="First Response Due", readonly=True)
    first_response_date = fields.Datetime(string="First Response", readonly=True)
    response_time = fields.Float(
        string="Response Time (minutes)", digits=(16, 1), readonly=True, aggregator="avg",
        help="Minutes from assignment to the first response; empty while nobody has answered.")
    response_time_median = fields.Float(
        string="Median Response Time (minutes)", digits=(16, 1), readonly=True, aggregator="median",
        help="Median of the minutes from assignment to the first response: half of the leads were "
             "answered faster. Unlike the average, a few forgotten leads do not move it.")
    sla_status = fields.Selection(
        [("none", "No SLA"), ("pending", "Pending"), ("met", "Met"), ("breached", "Breached")],
        string="SLA Status", readonly=True)
    sla_met_rate = fields.Float(
        string="SLA Met (%)", digits=(16, 1), readonly=True, aggregator="avg",
        help="Share of leads answered within their target, among those whose target is met or breached.")
    temperature = fields.Selection(TEMPERATURES, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    territory_id = fields.Many2one("lead.territory", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    active = fields.Boolean(readonly=True)
    lead_count = fields.Integer(string="# Leads", readonly=True, aggregator="sum")

    _depends = {
        "crm.lead": [
            "name", "date_open", "create_date", "sla_deadline", "first_response_date", "sla_status",
            "temperature", "user_id", "team_id", "territory_id", "source_id", "medium_id", "campaign_id",
            "company_id", "active",
        ],
    }

    def _read_group_select(self, aggregate_spec, query):
        """Aggregate ``median`` (not offered by ``read_group``) as PostgreSQL's ``percentile_cont``,
        so the pivot and graph views show the median next to the average."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            if func == "median" and not property_name and fname in ("response_time", "response_time_median"):
                return SQL(
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
                    self._field_to_sql(self._table, fname, query),
                )
        return super()._read_group_select(aggregate_spec, query)

    def _select(self):
        date_assigned = SQL("COALESCE(lead.date_open, lead.create_date)")
        response_time = SQL(
            """CASE WHEN lead.first_response_date IS NOT NULL
                    THEN GREATEST(EXTRACT(EPOCH FROM (lead.first_response_date - %s)) / 60.0, 0.0)::float
               END""",
            date_assigned,
        )
        return SQL(
            """
            SELECT
                lead.id AS id,
                lead.id AS lead_id,
                lead.name AS name,
                %(date_assigned)s AS date_assigned,
                lead.sla_deadline AS sla_deadline,
                lead.first_response_date AS first_response_date,
                %(response_time)s AS response_time,
                %(response_time)s AS response_time_median,
                lead.sla_status AS sla_status,
                CASE lead.sla_status WHEN 'met' THEN 100.0 WHEN 'breached' THEN 0.0 END::float AS sla_met_rate,
                lead.temperature AS temperature,
                lead.user_id AS user_id,
                lead.team_id AS team_id,
                lead.territory_id AS territory_id,
                lead.source_id AS source_id,
                lead.medium_id AS medium_id,
                lead.campaign_id AS campaign_id,
                lead.company_id AS company_id,
                lead.active AS active,
                1 AS lead_count
            """,
            date_assigned=date_assigned,
            response_time=response_time,
        )

    def _from(self):
        return SQL("FROM crm_lead lead")

    def _where(self):
        return SQL("WHERE lead.first_response_date IS NOT NULL OR lead.sla_status IN ('met', 'breached')")

    def _query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def init(self):
        create_report_view(self.env.cr, self._table, self._query())
