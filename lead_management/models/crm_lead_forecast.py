from odoo import api, fields, models


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
        for lead in self:
            if lead.forecast_category_locked and lead.forecast_category:
                continue
            if not lead.active and not lead.probability:
                lead.forecast_category = "omitted"
            elif lead.stage_id.is_won or lead.probability >= 90:
                lead.forecast_category = "commit"
            elif lead.type == "opportunity" and (
                    lead.probability >= 60 or (lead.probability >= 40 and lead.temperature == "hot")):
                lead.forecast_category = "best_case"
            else:
                lead.forecast_category = "pipeline"

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
