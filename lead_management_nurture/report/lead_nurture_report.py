from odoo import fields, models, tools
from odoo.tools import SQL


class LeadNurtureReport(models.Model):
    """Cadence results per step and variant: one row per enrolment at the
    cadence's first step (enrolled), one per touch at its step (reached,
    sent, opened, clicked, replied, bounced, activities), and one per ended
    enrolment at the step it ended on (unsubscribed, exited at SQL,
    converted, days to SQL).

    An e-mail opened (or clicked) only by machines (lead.engagement
    is_machine: mail privacy proxies, link scanners) counts as a machine
    open (click), not as opened (clicked); one a person opened, replied to,
    or opened before machines were told apart (no event of the e-mail)
    counts as opened."""

    _name = "lead.nurture.report"
    _inherit = "lead.report.jalali.mixin"
    _description = "Nurture Analysis"
    _auto = False
    _order = "date desc"

    cadence_id = fields.Many2one("lead.nurture.cadence", readonly=True)
    step_id = fields.Many2one("lead.nurture.step", readonly=True)
    variant_id = fields.Many2one("lead.nurture.step.variant", readonly=True)
    # which lead and whose: for those who may read leads; marketing users see the figures
    lead_id = fields.Many2one("crm.lead", readonly=True, groups="sales_team.group_sale_salesman")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, groups="sales_team.group_sale_salesman")
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    enrolled = fields.Integer(readonly=True, aggregator="sum")
    reached = fields.Integer(
        readonly=True, aggregator="sum", help="Enrolments that came to the step (done or skipped).")
    sent = fields.Integer(readonly=True, aggregator="sum")
    opened = fields.Integer(
        readonly=True, aggregator="sum", help="E-mails opened by the person, not only by machines.")
    clicked = fields.Integer(
        readonly=True, aggregator="sum", help="E-mails whose links the person clicked, not only machines.")
    machine_open_count = fields.Integer(
        string="Machine Opens", readonly=True, aggregator="sum",
        help="E-mails opened only by machines (mail privacy proxies, scanners), not by the person.")
    machine_click_count = fields.Integer(
        string="Machine Clicks", readonly=True, aggregator="sum",
        help="E-mails whose links only machines (link scanners) clicked, not the person.")
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
              SELECT nurture.*, %(jalali)s FROM (
                SELECT enrollment.id * 3 AS id,
                       enrollment.cadence_id,
                       (SELECT first.id FROM lead_nurture_step first WHERE first.cadence_id = enrollment.cadence_id
                         ORDER BY first.sequence, first.id LIMIT 1) AS step_id,
                       NULL::int AS variant_id, enrollment.lead_id,
                       lead.user_id, lead.team_id, lead.company_id, enrollment.enroll_date AS date,
                       1 AS enrolled, 0 AS reached, 0 AS sent, 0 AS opened, 0 AS clicked, 0 AS replied,
                       0 AS bounced, 0 AS activities, 0 AS machine_open_count, 0 AS machine_click_count,
                       0 AS unsubscribed, 0 AS exited_sql, 0 AS converted,
                       NULL::float AS days_to_sql
                  FROM lead_nurture_enrollment enrollment
                  JOIN crm_lead lead ON lead.id = enrollment.lead_id
                UNION ALL
                SELECT touch.id * 3 + 1,
                       touch.cadence_id, touch.step_id, touch.variant_id, touch.lead_id,
                       lead.user_id, lead.team_id, lead.company_id, touch.date,
                       0, 1,
                       (touch.state = 'done' AND trace.trace_status IN ('sent', 'open', 'reply', 'bounce'))::int,
                       ((trace.trace_status IN ('open', 'reply') OR trace.links_click_datetime IS NOT NULL)
                        AND NOT machine.open_only)::int,
                       (trace.links_click_datetime IS NOT NULL AND NOT machine.click_only)::int,
                       (trace.trace_status = 'reply')::int,
                       (trace.trace_status = 'bounce')::int,
                       (touch.state = 'done' AND step.kind = 'activity')::int,
                       ((trace.trace_status IN ('open', 'reply') OR trace.links_click_datetime IS NOT NULL)
                        AND machine.open_only)::int,
                       (trace.links_click_datetime IS NOT NULL AND machine.click_only)::int,
                       0, 0, 0, NULL
                  FROM lead_nurture_touch touch
                  JOIN crm_lead lead ON lead.id = touch.lead_id
             LEFT JOIN lead_nurture_step step ON step.id = touch.step_id
             LEFT JOIN mailing_trace trace ON trace.id = touch.mailing_trace_id
             LEFT JOIN LATERAL (
                    -- opened (clicked) by machines only: no person's open or click (a click opens), no reply
                    SELECT COUNT(*) FILTER (WHERE event.is_machine) > 0
                           AND COUNT(*) FILTER (WHERE event.is_machine IS NOT TRUE) = 0
                           AND trace.trace_status IS DISTINCT FROM 'reply' AS open_only,
                           COUNT(*) FILTER (WHERE event.event_type = 'email_click' AND event.is_machine) > 0
                           AND COUNT(*) FILTER (
                               WHERE event.event_type = 'email_click' AND event.is_machine IS NOT TRUE) = 0
                               AS click_only
                      FROM lead_engagement event
                     WHERE event.mailing_trace_id = trace.id
                       AND event.event_type IN ('email_open', 'email_click')
                    ) machine ON TRUE
                UNION ALL
                SELECT enrollment.id * 3 + 2,
                       enrollment.cadence_id, enrollment.step_id, enrollment.variant_id, enrollment.lead_id,
                       lead.user_id, lead.team_id, lead.company_id, enrollment.end_date,
                       0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                       (enrollment.exit_reason = 'unsubscribed')::int,
                       (enrollment.exit_reason = 'sql')::int,
                       (enrollment.exit_reason IN ('converted', 'won'))::int,
                       EXTRACT(EPOCH FROM enrollment.sql_date - enrollment.enroll_date) / 86400.0
                  FROM lead_nurture_enrollment enrollment
                  JOIN crm_lead lead ON lead.id = enrollment.lead_id
                 WHERE enrollment.state != 'active'
              ) nurture
            )""", table=SQL.identifier(self._table),
            jalali=SQL(", ").join(self._select_jalali(SQL("nurture.date::date")))))
