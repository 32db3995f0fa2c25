from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from .lead_engagement import EVENT_TYPES


class LeadScoringRule(models.Model):
    _name = "lead.scoring.rule"
    _description = "Lead Scoring Rule"
    _order = "model_id, sequence, id"

    model_id = fields.Many2one("lead.scoring.model", string="Scoring Model", required=True, ondelete="cascade")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("fit", "Fit"), ("engagement", "Engagement"), ("probability", "Predictive Probability")],
        required=True, default="fit",
        help="Fit: points when the lead matches the domain. Engagement: points per behavioural event, "
             "decayed with age. Predictive Probability: Odoo's predictive probability scaled to the points.")
    domain = fields.Char(default="[]", help="Leads that get the points (fit rules).")
    event_type = fields.Selection(EVENT_TYPES, help="Events that get the points (engagement rules).")
    points = fields.Integer(
        required=True, default=10,
        help="Points per matching lead, per event, or at 100% predictive probability; may be negative.")
    max_points = fields.Integer(
        string="Maximum Points",
        help="Cap of the points an engagement rule gives a lead (0: no cap).")
    error = fields.Text(readonly=True, copy=False, help="Why the last scoring skipped this rule.")

    _sql_constraints = [
        ("max_points_positive", "CHECK (max_points >= 0)", "The maximum points cannot be negative."),
    ]

    @api.constrains("kind", "domain", "event_type")
    def _check_kind_settings(self):
        for rule in self:
            if rule.kind == "fit":
                rule.model_id._validate_lead_domain(rule.domain, rule.display_name)
            elif rule.kind == "engagement" and not rule.event_type:
                raise ValidationError(self.env._(
                    "Scoring rule %(rule)s: an engagement rule needs an event type.", rule=rule.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        rules.model_id._rescore_leads()
        return rules

    def write(self, vals):
        models_before = self.model_id
        result = super().write(vals)
        if set(vals) & self._get_rescoring_fields():
            self.env.registry.clear_cache()
            (models_before | self.model_id)._rescore_leads()
        return result

    def unlink(self):
        scoring_models = self.model_id
        result = super().unlink()
        self.env.registry.clear_cache()
        scoring_models._rescore_leads()
        return result

    @api.model
    def _get_rescoring_fields(self):
        return {"model_id", "active", "kind", "domain", "event_type", "points", "max_points"}

    def _get_lead_domain(self):
        """Domain of the leads that get the points of this fit rule."""
        self.ensure_one()
        return safe_eval(self.domain or "[]")
