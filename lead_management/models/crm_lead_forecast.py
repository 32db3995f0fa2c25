from collections import defaultdict

from odoo import api, fields, models

from ..tools.forecast import forecast_category


class CrmLead(models.Model):
    """Forecast category (pipeline, best case, commit, omitted) from the
    probability and the temperature, which the salesperson may override."""

    _inherit = "crm.lead"

    forecast_category = fields.Selection(
        [("pipeline", "Pipeline"), ("best_case", "Best Case"), ("commit", "Commit"), ("omitted", "Omitted")],
        compute="_compute_forecast_category", store=True, readonly=False,
        help="Forecast bucket, from the stage probability and the temperature; the salesperson may override it.")
    forecast_category_locked = fields.Boolean(
        copy=False, help="The salesperson chose the forecast category: it no longer follows the probability.")

    @api.depends("active", "probability", "stage_id.is_won", "type", "temperature")
    def _compute_forecast_category(self):
        # values read and assigned for the whole batch: this runs on every write
        # that moves a lead's stage or team (Odoo recomputes the probability then)
        won_stage_ids = set(self.stage_id.filtered("is_won").ids)
        fnames = ("forecast_category_locked", "forecast_category", "active", "probability", "type", "temperature")
        by_category = defaultdict(list)
        for lead, locked, current, active, probability, lead_type, temperature in zip(
                self, *(self.mapped(fname) for fname in fnames), strict=True):
            category = current if locked and current else forecast_category(
                active, probability, lead.stage_id.id in won_stage_ids, lead_type, temperature)
            by_category[category].append(lead)
        for category, leads in by_category.items():
            self.browse().concat(*leads).forecast_category = category

    def action_reset_forecast_category(self):
        """Let the forecast category follow the probability again."""
        self.write({"forecast_category_locked": False})
        self.env.add_to_compute(self._fields["forecast_category"], self)
        return True

    @api.model
    def _prepare_forecast_values(self, vals):
        """A category written by the salesperson sticks (until reset)."""
        if "forecast_category" not in vals:
            return vals
        return dict(vals, forecast_category_locked=bool(vals["forecast_category"]))
