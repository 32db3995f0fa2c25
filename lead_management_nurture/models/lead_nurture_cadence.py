from odoo import api, fields, models
from odoo.addons.lead_management.tools.notification import notification_action, soft_reload_action
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from ..tools import send_window

WEEKDAY_FIELDS = ["window_monday", "window_tuesday", "window_wednesday", "window_thursday",
                  "window_friday", "window_saturday", "window_sunday"]


class LeadNurtureCadence(models.Model):
    _name = "lead.nurture.cadence"
    _description = "Nurture Cadence"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", help="Only leads of this team enter the cadence; empty for every team.")
    domain = fields.Char(
        string="Audience",
        default="[('temperature', 'in', ['cold', 'warm']), ('lifecycle_stage', 'in', ['lead', 'mql'])]",
        required=True, help="The leads this cadence is for.")
    enrollment_mode = fields.Selection(
        [("auto", "Automatic"), ("manual", "Manual only")], string="Enrolment", default="auto", required=True,
        help="Automatic: leads entering the audience are enrolled by the cadence's scheduled action. "
             "Manual: only through the action Enrol in cadence.")
    reenroll_mode = fields.Selection(
        [("never", "Never"), ("after_end", "After the previous enrolment ended")],
        string="Re-enrolment", default="never", required=True,
        help="Whether a lead that went through this cadence may enter it again.")
    reenroll_delay_days = fields.Integer(
        string="Re-enrol After (days)", default=30,
        help="Days since the end of the previous enrolment before a lead may enter again.")
    step_ids = fields.One2many("lead.nurture.step", "cadence_id", string="Steps", copy=True)
    window_mode = fields.Selection(
        [("country", "The lead's country"), ("custom", "Custom")], string="Send Window",
        default="country", required=True,
        help="The lead's country: Iran Saturday to Wednesday, Georgia and others Monday to Friday. "
             "Custom: the days below, for every lead.")
    iran_thursday = fields.Boolean(
        string="Thursday Is Worked In Iran", help="Send on Thursdays too to leads in Iran.")
    window_monday = fields.Boolean(string="Monday", default=True)
    window_tuesday = fields.Boolean(string="Tuesday", default=True)
    window_wednesday = fields.Boolean(string="Wednesday", default=True)
    window_thursday = fields.Boolean(string="Thursday", default=True)
    window_friday = fields.Boolean(string="Friday", default=True)
    window_saturday = fields.Boolean(string="Saturday")
    window_sunday = fields.Boolean(string="Sunday")
    window_hour_from = fields.Float(string="From", default=9.0, help="Local time of the lead.")
    window_hour_to = fields.Float(string="To", default=17.0, help="Local time of the lead.")
    enrollment_ids = fields.One2many("lead.nurture.enrollment", "cadence_id", string="Enrolments")
    enrollment_count = fields.Integer(compute="_compute_statistics", string="Enrolled")
    active_enrollment_count = fields.Integer(compute="_compute_statistics", string="In Progress")
    sql_count = fields.Integer(compute="_compute_statistics", string="Reached SQL")
    sql_rate = fields.Float(compute="_compute_statistics", string="SQL Rate (%)")
    median_days_to_sql = fields.Float(compute="_compute_statistics", string="Median Days to SQL")

    _sql_constraints = [
        ("window_hours", "CHECK (window_hour_from >= 0 AND window_hour_from < window_hour_to AND window_hour_to <= 24)",
         "The send window must start before it ends, between 00:00 and 24:00."),
        ("reenroll_delay_days_positive", "CHECK (reenroll_delay_days >= 0)",
         "The re-enrolment delay cannot be negative."),
    ]

    @api.depends("enrollment_ids.state", "enrollment_ids.sql_date")
    def _compute_statistics(self):
        stats = {}
        if self.ids:
            self.env["lead.nurture.enrollment"].flush_model(["cadence_id", "state", "sql_date", "enroll_date"])
            self.env.cr.execute(SQL("""
                SELECT cadence_id, COUNT(*), COUNT(*) FILTER (WHERE state = 'active'), COUNT(sql_date),
                       PERCENTILE_CONT(0.5) WITHIN GROUP (
                           ORDER BY EXTRACT(EPOCH FROM sql_date - enroll_date) / 86400.0)
                  FROM lead_nurture_enrollment
                 WHERE cadence_id IN %s
              GROUP BY cadence_id""", tuple(self.ids)))
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for cadence in self:
            enrolled, active, reached, median = stats.get(cadence.id, (0, 0, 0, None))
            cadence.enrollment_count = enrolled
            cadence.active_enrollment_count = active
            cadence.sql_count = reached
            cadence.sql_rate = 100.0 * reached / enrolled if enrolled else 0.0
            cadence.median_days_to_sql = median or 0.0

    @api.constrains("domain")
    def _check_domain(self):
        for cadence in self:
            try:
                # the audience runs as superuser: it may name only fields its author can read
                cadence._check_audience_access()
                # sudo: only whether the filter runs on leads is checked, nothing is returned
                self.env["crm.lead"].sudo().search_count(cadence._get_audience_domain(), limit=1)
            except Exception as error:
                raise ValidationError(self.env._(
                    "The audience of the cadence %(cadence)s is not a valid filter on leads: %(error)s",
                    cadence=cadence.display_name, error=error)) from error

    @api.constrains("window_mode", *WEEKDAY_FIELDS)
    def _check_window_days(self):
        for cadence in self.filtered(lambda c: c.window_mode == "custom"):
            if not any(cadence[fname] for fname in WEEKDAY_FIELDS):
                raise ValidationError(self.env._(
                    "The send window of the cadence %(cadence)s needs at least one day.", cadence=cadence.display_name))

    def action_view_enrollments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management_nurture.action_lead_nurture_enrollment")
        action.update({
            "domain": [("cadence_id", "=", self.id)],
            "context": {"default_cadence_id": self.id, "search_default_filter_active": 1},
        })
        return action

    def action_enroll_audience(self):
        """Enrol now the leads of the audience not enrolled yet (button on the cadence)."""
        self.check_access("write")
        self._check_audience_access()
        enrolled = self.sudo()._enroll_audience()  # sudo: the cadence's audience, whoever its manager reads
        return notification_action(self.env._("%(count)s leads enrolled.", count=len(enrolled)),
                                   next_action=soft_reload_action())

    def _get_audience_filter(self):
        """The cadence's own filter on leads, as its author wrote it."""
        self.ensure_one()
        return list(safe_eval(self.domain or "[]", {"uid": self.env.uid}))

    def _check_audience_access(self):
        """Raise when the current user may not read a field the audiences
        filter on: what they select is enrolled as superuser."""
        for cadence in self:
            self.env["crm.lead"]._check_domain_access(cadence._get_audience_filter())

    def _get_audience_domain(self):
        """The audience as a domain on crm.lead: the cadence's filter, its
        team, and the open leads not already sales qualified."""
        self.ensure_one()
        domain = self._get_audience_filter()
        domain += [("active", "=", True), ("probability", "<", 100),
                   ("lifecycle_stage", "in", ["lead", "mql"])]
        if self.team_id:
            domain.append(("team_id", "=", self.team_id.id))
        if self.company_id:
            domain.append(("company_id", "in", [self.company_id.id, False]))
        return domain

    def _get_eligible_domain(self, now):
        """Leads the cadence may enrol now under its re-enrolment rule."""
        self.ensure_one()
        if self.reenroll_mode == "never":
            return [("nurture_enrollment_ids", "not any", [("cadence_id", "=", self.id)])]
        return [("nurture_enrollment_ids", "not any", [
            ("cadence_id", "=", self.id), "|", ("state", "=", "active"),
            ("end_date", ">", fields.Datetime.subtract(now, days=self.reenroll_delay_days))])]

    def _enroll_audience(self, limit=None, lead_ids=None):
        """Enrol the leads of each cadence's audience that its re-enrolment
        rule lets in (at most ``limit`` per cadence; among ``lead_ids`` when
        given). Returns the new enrolments."""
        now = fields.Datetime.now()
        vals_list = []
        for cadence in self.filtered("step_ids"):
            domain = cadence._get_audience_domain() + cadence._get_eligible_domain(now)
            if lead_ids is not None:
                domain.append(("id", "in", list(lead_ids)))
            leads = self.env["crm.lead"].search(domain, limit=limit, order="id")
            vals_list += [{"cadence_id": cadence.id, "lead_id": lead.id} for lead in leads]
        return self.env["lead.nurture.enrollment"].create(vals_list)

    def _get_working_days(self, country_code):
        """Python weekdays the cadence sends on, to a lead of this country."""
        self.ensure_one()
        if self.window_mode == "custom":
            return frozenset(day for day, fname in enumerate(WEEKDAY_FIELDS) if self[fname])
        return send_window.country_working_days(country_code, self.iran_thursday)
