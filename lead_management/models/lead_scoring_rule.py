from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from ..tools import scoring
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

    def _score(self, leads, now, matches, with_details=False):
        """Points of these rules of one scoring model for ``leads``, kind by
        kind in the order of the selection. Each kind is scored by its method
        ``_score_<kind>`` (as server actions run ``_run_action_<state>``): an
        addon adds a kind with ``selection_add`` and that one method. It gets
        the rules of its kind and all the leads, runs no query per lead, and
        yields ``(lead id, part, points, label)``: part ``"fit"`` or
        ``"engagement"``, label the line of the score explanation (None
        without ``with_details``).

        :param dict matches: {fit rule: ids of the leads matching its domain}
            (see crm.lead._match_domains); a rule missing failed
        """
        rules_by_kind = self.grouped("kind")
        for kind in self._fields["kind"].get_values(self.env):
            if kind in rules_by_kind:
                yield from getattr(rules_by_kind[kind], f"_score_{kind}")(leads, now, matches, with_details)

    def _score_fit(self, leads, now, matches, with_details):
        """Each rule's points for the leads matching its domain."""
        for rule in self.filtered(lambda rule: rule in matches):
            for lead_id in leads.ids:
                if lead_id in matches[rule]:
                    yield lead_id, "fit", rule.points, rule.name

    def _score_engagement(self, leads, now, matches, with_details):
        """Each rule's points per event of its type, decayed with the event's
        age by the model's half-life and capped, in one query."""
        rules = self.filtered("event_type")
        if not rules:
            return
        for lead_id, rule_id, count, decayed in rules.model_id._get_engagement_sums(leads, rules, now):
            rule = rules.browse(rule_id)
            points = round(scoring.capped(decayed, rule.max_points))
            label = self.env._(
                "%(rule)s: %(count)s events, %(decayed)s points after decay", rule=rule.name,
                count=count, decayed=round(decayed, 1)) if with_details else None
            yield lead_id, "engagement", points, label

    def _score_probability(self, leads, now, matches, with_details):
        """Odoo's predictive probability of each lead, scaled to each rule's points."""
        for rule in self:
            for lead in leads:
                probability = lead.automated_probability or 0.0
                label = self.env._(
                    "%(rule)s (predictive probability %(probability)s%%)",
                    rule=rule.name, probability=round(probability)) if with_details else None
                yield lead.id, "fit", round(rule.points * probability / 100.0), label
