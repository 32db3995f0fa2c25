import pytz
from markupsafe import Markup

from odoo import api, fields, models

# writes of these fields may take a lead out of its cadences
NURTURE_EXIT_FIELDS = {"lead_status", "active", "stage_id", "type", "probability", "email_from"}
SALES_GROUPS = "sales_team.group_sale_salesman"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # for salespeople: others who may read a lead (accountants) do not see its cadences
    nurture_enrollment_ids = fields.One2many(
        "lead.nurture.enrollment", "lead_id", string="Nurture Enrolments", groups=SALES_GROUPS)
    nurture_enrollment_count = fields.Integer(
        compute="_compute_nurture_enrollment_count", string="Cadences", groups=SALES_GROUPS)
    nurture_touch_ids = fields.One2many("lead.nurture.touch", "lead_id", string="Nurture Touches", groups=SALES_GROUPS)
    nurture_recent_touch_count = fields.Integer(
        compute="_compute_nurture_recent_touch_count", string="Contact Pressure", groups=SALES_GROUPS,
        help="Automated touches (cadence e-mails and activities) of this lead during the over-contact period.")
    nurture_max_touches = fields.Integer(
        compute="_compute_nurture_recent_touch_count", string="Contact Limit", groups=SALES_GROUPS)
    nurture_touch_period_days = fields.Integer(
        compute="_compute_nurture_recent_touch_count", string="Contact Period", groups=SALES_GROUPS)

    @api.depends("nurture_enrollment_ids")
    def _compute_nurture_enrollment_count(self):
        counts = dict(self.env["lead.nurture.enrollment"]._read_group(
            [("lead_id", "in", self._origin.ids)], ["lead_id"], ["__count"])) if self._origin.ids else {}
        for lead in self:
            lead.nurture_enrollment_count = counts.get(lead._origin, 0)

    @api.depends("nurture_touch_ids.date", "nurture_touch_ids.state")
    def _compute_nurture_recent_touch_count(self):
        max_touches, period_days = self.env["lead.nurture.enrollment"]._get_guard_settings()
        since = fields.Datetime.subtract(fields.Datetime.now(), days=period_days)
        counts = dict(self.env["lead.nurture.touch"]._read_group(
            [("lead_id", "in", self._origin.ids), ("state", "=", "done"), ("date", ">", since)],
            ["lead_id"], ["__count"])) if self._origin.ids else {}
        for lead in self:
            lead.nurture_recent_touch_count = counts.get(lead._origin, 0)
            lead.nurture_max_touches = max_touches
            lead.nurture_touch_period_days = period_days

    def write(self, vals):
        result = super().write(vals)
        if NURTURE_EXIT_FIELDS & set(vals):
            self._defer_hook("_nurture_check_exits")
        return result

    def action_view_nurture_enrollments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lead_management_nurture.action_lead_nurture_enrollment")
        action.update({
            "domain": [("lead_id", "=", self.id)],
            "context": {"default_lead_id": self.id},
        })
        return action

    @api.model
    def _get_deferred_hooks(self):
        return [*super()._get_deferred_hooks(), "_nurture_check_exits"]

    def _on_sql_reached(self):
        """Sales qualified leads leave their cadences at once, and their
        salesperson gets an urgent task to call them."""
        super()._on_sql_reached()
        leads = self.filtered(lambda lead: lead.lifecycle_stage == "sql")
        # sudo: the scoring of a lead may be triggered by a user who cannot manage cadences
        enrollments = self.env["lead.nurture.enrollment"].sudo().search(
            [("state", "=", "active"), ("lead_id", "in", leads.ids)])
        if not enrollments:
            return
        enrollments._exit("sql")
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        today = fields.Date.context_today(self)
        # a salesperson who already has something due on the lead gets no second task
        busy = {(activity.res_id, activity.user_id.id) for activity in self.env["mail.activity"].sudo().search([
            ("res_model", "=", "crm.lead"), ("res_id", "in", enrollments.lead_id.ids), ("date_deadline", "<=", today)])}
        vals_list = []
        for lead, lead_enrollments in enrollments.grouped("lead_id").items():
            user = lead.user_id or lead.team_id.user_id
            if user and (lead.id, user.id) not in busy:
                vals = lead._prepare_activity_values(
                    todo, user, self.env._("Urgent: sales qualified lead from nurturing, contact now"),
                    fields.Date.context_today(lead))
                vals["note"] = Markup("<p>%s</p>") % self.env._(
                    "%(lead)s reached SQL in the cadence %(cadences)s and left it.",
                    lead=lead.name, cadences=", ".join(lead_enrollments.cadence_id.mapped("name")))
                vals_list.append(vals)
        # sudo: the task is the salesperson's, whoever triggered the scoring
        self.env["mail.activity"].sudo().create(vals_list)

    def _nurture_check_exits(self):
        """Deferred hook: leads whose status, stage or type changed leave the
        cadences they no longer belong in."""
        # sudo: a salesperson's write ends enrolments they may not see all of
        self.env["lead.nurture.enrollment"].sudo().search(
            [("state", "=", "active"), ("lead_id", "in", self.ids)])._exit_out_of_scope()

    def _nurture_exit_reason(self):
        """Why this lead may no longer be nurtured (an exit reason of
        lead.nurture.enrollment), or False."""
        self.ensure_one()
        if self.is_blacklisted:
            return "unsubscribed"
        if self.stage_id.is_won or self.probability >= 100:
            return "won"
        if not self.active:
            return "lost"
        if self.lead_status in ("not_interested", "junk"):
            return self.lead_status
        if self.lead_status == "converted" or self.type == "opportunity" or \
                self.lifecycle_stage in ("opportunity", "customer"):
            return "converted"
        if self.lifecycle_stage == "disqualified":
            return "disqualified"
        if self.lifecycle_stage == "sql":
            return "sql"
        return False

    def _nurture_timezone(self, default_tz):
        """The lead's timezone: its country's when the country has one, else
        its salesperson's, else ``default_tz``."""
        self.ensure_one()
        zones = pytz.country_timezones.get(self.country_id.code or "", [])
        if len(zones) == 1:
            return zones[0]
        return self.user_id.tz or default_tz
