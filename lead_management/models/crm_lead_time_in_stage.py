from datetime import timedelta

from babel.dates import format_timedelta

from odoo import api, fields, models
from odoo.addons.web_jalali.models.jalali_render import format_datetime
from odoo.tools.misc import get_lang


class CrmLead(models.Model):
    """Time in stage (HubSpot's date entered / date exited / cumulative time
    in each stage), computed from lead.history, never stored per stage."""

    _inherit = "crm.lead"

    time_in_stage_days = fields.Float(
        string="Days in Stage", compute="_compute_time_in_stage", digits=(16, 1),
        help="Days since the lead entered its current stage, from its history.")
    time_in_stage_html = fields.Html(
        string="Time in Stage", compute="_compute_time_in_stage", sanitize=False,
        help="Per stage: when the lead entered and last left it, and the time it spent in it in all.")

    @api.depends("stage_id")
    @api.depends_context("uid", "lang", "tz")
    def _compute_time_in_stage(self):
        summaries = self.env["lead.history"]._time_in_values(self._origin, "stage")
        now = fields.Datetime.now()
        for lead in self:
            rows = summaries.get(lead._origin.id, [])
            since = next((row["current_since"] for row in rows
                          if row["current_since"] and row["value"] == lead.stage_id), False)
            lead.time_in_stage_days = (now - since).total_seconds() / 86400 if since else 0.0
            lead.time_in_stage_html = self.env["ir.qweb"]._render("lead_management.lead_time_in_stage_panel", {
                "rows": [{
                    "name": row["value"].display_name,
                    "entered": format_datetime(self.env, row["date_entered"], dt_format="short"),
                    "exited": format_datetime(self.env, row["date_exited"], dt_format="short")
                    if row["date_exited"] else False,
                    "duration": self._format_time_in(row["seconds"]),
                    "current": bool(row["current_since"]),
                } for row in rows if row["value"]],
            # a backend panel: never the website's frontend rendering of the request
            }, minimal_qcontext=True) if rows else False

    @api.model
    def _format_time_in(self, seconds):
        """A duration in the user's language, in its two largest units
        ("2 days 4 hours", "3 hours 5 minutes", "12 minutes")."""
        locale = get_lang(self.env).code
        delta = timedelta(seconds=int(seconds))
        units = [("day", delta.days * 86400), ("hour", delta.seconds // 3600 * 3600),
                 ("minute", delta.seconds % 3600 // 60 * 60)]
        parts = [format_timedelta(timedelta(seconds=value), granularity=unit, threshold=1000, locale=locale)
                 for unit, value in units if value]
        if not parts:
            return format_timedelta(timedelta(0), granularity="minute", threshold=1000, locale=locale)
        return " ".join(parts[:2])

    def action_view_history(self):
        """The lead's history periods, its stages first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_history")
        action.update({
            "domain": [("lead_id", "=", self.id)],
            "context": {"search_default_filter_stage": 1},
        })
        return action
