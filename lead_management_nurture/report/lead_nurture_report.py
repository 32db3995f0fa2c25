from odoo import fields, models, tools
from odoo.tools import SQL


class LeadNurtureReport(models.Model):
    """Cadence results per step and variant: one row per touch (sent,
    opened, clicked, replied, bounced) and one per enrolment (enrolled, and
    how it ended, at the step it had reached)."""

    _name = "lead.nurture.report"
    _description = "Nurture Analysis"
    _auto = False
    _order = "date desc"

    cadence_id = fields.Many2one("lead.nurture.cadence", readonly=True)
    step_id = fields.Many2one("lead.nurture.step", readonly=True)
    variant_id = fields.Many2one("lead.nurture.step.variant", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    enrolled = fields.Integer(readonly=True, aggregator="sum")
    sent = fields.Integer(readonly=True, aggregator="sum")
    opened = fields.Integer(readonly=True, aggregator="sum")
    clicked = fields.Integer(readonly=True, aggregator="sum")
    replied = fields.Integer(readonly=True, aggregator="sum")
    bounced = fields.Integer(readonly=True, aggregator="sum")
    activities = fields.Integer(string="Activities Created", readonly=True, aggregator="sum")
    unsubscribed = fields.Integer(readonly=True, aggregator="sum")
    exited_sql = fields.Integer(string="Exited at SQL", readonly=True, aggregator="sum")
    converted = fields.Integer(readonly=True, aggregator="sum")
    days_to_sql = fields.Float(string="Days to SQL (average)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("""
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT touch.id * 2 AS id,
                       touch.cadence_id, touch.step_id, touch.variant_id, touch.lead_id,
                       lead.user_id, lead.team_id, lead.company_id, touch.date,
                       0 AS enrolled,
                       (trace.trace_status IN ('sent', 'open', 'reply', 'bounce'))::int AS sent,
                       (trace.trace_status IN ('open', 'reply')
                        OR trace.links_click_datetime IS NOT NULL)::int AS opened,
                       (trace.links_click_datetime IS NOT NULL)::int AS clicked,
                       (trace.trace_status = 'reply')::int AS replied,
                       (trace.trace_status = 'bounce')::int AS bounced,
                       (step.kind = 'activity')::int AS activities,
                       0 AS unsubscribed, 0 AS exited_sql, 0 AS converted,
                       NULL::float AS days_to_sql
                  FROM lead_nurture_touch touch
                  JOIN crm_lead lead ON lead.id = touch.lead_id
             LEFT JOIN lead_nurture_step step ON step.id = touch.step_id
             LEFT JOIN mailing_trace trace ON trace.id = touch.mailing_trace_id
                 WHERE touch.state = 'done'
                UNION ALL
                SELECT enrollment.id * 2 + 1 AS id,
                       enrollment.cadence_id, enrollment.step_id, enrollment.variant_id, enrollment.lead_id,
                       lead.user_id, lead.team_id, lead.company_id, enrollment.enroll_date AS date,
                       1 AS enrolled, 0, 0, 0, 0, 0, 0,
                       (enrollment.exit_reason = 'unsubscribed')::int,
                       (enrollment.exit_reason = 'sql')::int,
                       (enrollment.exit_reason IN ('converted', 'won'))::int,
                       EXTRACT(EPOCH FROM enrollment.sql_date - enrollment.enroll_date) / 86400.0
                  FROM lead_nurture_enrollment enrollment
                  JOIN crm_lead lead ON lead.id = enrollment.lead_id
            )""", table=SQL.identifier(self._table)))
