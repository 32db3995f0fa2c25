from odoo import fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL


class LeadResponseReport(models.Model):
    """One row per lead with a first response or a decided SLA: minutes from assignment to the
    first response (average and median) and the share of responses within the target."""

    _name = "lead.response.report"
    _inherit = [
        "lead.report.mixin", "lead.report.place.mixin", "lead.report.quality.mixin", "lead.report.jalali.mixin",
    ]
    _description = "Response Time Analysis"
    _auto = False
    _order = "date_assigned desc, id desc"

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
    territory_id = fields.Many2one("lead.territory", readonly=True)
    active = fields.Boolean(readonly=True)
    lead_count = fields.Integer(string="# Leads", readonly=True, aggregator="sum")

    _depends = {
        "crm.lead": [
            "name", "date_open", "create_date", "sla_deadline", "first_response_date", "sla_status",
            "territory_id", "company_id", "active",
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
        return [
            SQL("lead.id AS id"),
            SQL("lead.id AS lead_id"),
            SQL("lead.name AS name"),
            SQL("%s AS date_assigned", date_assigned),
            *self._select_jalali(SQL("(%s)::date", date_assigned)),
            SQL("lead.sla_deadline AS sla_deadline"),
            SQL("lead.first_response_date AS first_response_date"),
            SQL("%s AS response_time", response_time),
            SQL("%s AS response_time_median", response_time),
            SQL("lead.sla_status AS sla_status"),
            SQL("CASE lead.sla_status WHEN 'met' THEN 100.0 WHEN 'breached' THEN 0.0 END::float AS sla_met_rate"),
            *self._select_lead_quality(),
            *self._select_lead_place(),
            *self._select_lead(),
            SQL("lead.territory_id AS territory_id"),
            SQL("lead.company_id AS company_id"),
            SQL("lead.active AS active"),
            SQL("1 AS lead_count"),
        ]

    def _from(self):
        return [SQL("crm_lead lead")]

    def _where(self):
        return [SQL("lead.first_response_date IS NOT NULL OR lead.sla_status IN ('met', 'breached')")]
