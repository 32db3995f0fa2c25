from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

#: above this many leads, a model or rule change rescores through the cron
IMMEDIATE_RESCORE_LIMIT = 2000


class LeadScoringModel(models.Model):
    _name = "lead.scoring.model"
    _description = "Lead Scoring Model"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company")
    team_ids = fields.Many2many(
        "crm.team", "lead_scoring_model_crm_team_rel", "model_id", "team_id", string="Sales Teams",
        help="Teams whose leads this model scores; empty: every team.")
    domain = fields.Char(
        string="Applies To", default="[]",
        help="Leads this model scores, for instance a product line or a country.")
    warm_threshold = fields.Integer(default=40, help="Leads from this score on are warm.")
    hot_threshold = fields.Integer(default=70, help="Leads from this score on are hot.")
    mql_threshold = fields.Integer(
        string="MQL Threshold", default=50,
        help="Leads from this score on become marketing qualified (0: never).")
    sql_threshold = fields.Integer(
        string="SQL Threshold", default=75,
        help="Leads from this score on become sales qualified (0: never).")
    engagement_half_life_days = fields.Float(
        string="Engagement Half-Life (days)", default=30.0,
        help="An engagement event counts half as much after this many days.")
    rule_ids = fields.One2many("lead.scoring.rule", "model_id", string="Rules", copy=True)
    rule_count = fields.Integer(compute="_compute_rule_count")
    lead_count = fields.Integer(compute="_compute_lead_count")
    rule_error = fields.Text(
        string="Rule Errors", readonly=True, copy=False,
        help="Rules skipped during the last scoring because they failed.")

    _sql_constraints = [
        ("thresholds_order", "CHECK (warm_threshold <= hot_threshold)",
         "The warm threshold cannot be above the hot threshold."),
        ("half_life_positive", "CHECK (engagement_half_life_days > 0)",
         "The engagement half-life must be positive."),
    ]

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        for model in self:
            model.rule_count = len(model.rule_ids)

    def _compute_lead_count(self):
        counts = dict(self.env["crm.lead"]._read_group(
            [("scoring_model_id", "in", self.ids)], ["scoring_model_id"], ["__count"]))
        for model in self:
            model.lead_count = counts.get(model, 0)

    @api.constrains("domain")
    def _check_domain(self):
        for model in self:
            model._validate_lead_domain(model.domain, model.display_name)

    @api.constrains("engagement_half_life_days")
    def _check_engagement_half_life(self):
        for model in self.filtered(lambda model: model.engagement_half_life_days <= 0):
            raise ValidationError(self.env._(
                "Scoring model %(model)s: the engagement half-life must be a positive number of days, got %(days)s.",
                model=model.display_name, days=model.engagement_half_life_days))

    @api.constrains("mql_threshold", "sql_threshold")
    def _check_qualification_thresholds(self):
        for model in self:
            if model.mql_threshold and model.sql_threshold and model.mql_threshold > model.sql_threshold:
                raise ValidationError(self.env._(
                    "Scoring model %(model)s: the MQL threshold (%(mql)s) cannot be above the SQL threshold (%(sql)s).",
                    model=model.display_name, mql=model.mql_threshold, sql=model.sql_threshold))

    def write(self, vals):
        result = super().write(vals)
        if set(vals) & self._get_rescoring_fields():
            self.env.registry.clear_cache()
            self._rescore_leads()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        self.browse()._rescore_leads()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        models_ = super().create(vals_list)
        self.env.registry.clear_cache()
        models_._rescore_leads()
        return models_

    def action_recompute_scores(self):
        """Rescore every open lead now: models compete for the leads, so any
        lead may move to or from this one."""
        self.check_access("write")
        self._rescore_leads(force_now=True)
        return True

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action.update({
            "domain": [("scoring_model_id", "=", self.id)],
            "context": {"active_test": True},
        })
        return action

    @api.model
    def _get_rescoring_fields(self):
        return {"active", "sequence", "team_ids", "domain", "warm_threshold", "hot_threshold",
                "mql_threshold", "sql_threshold", "engagement_half_life_days", "company_id"}

    def _get_lead_domain(self):
        """Domain of the leads this model may score (team and 'applies to')."""
        self.ensure_one()
        domain = safe_eval(self.domain or "[]")
        if self.team_ids:
            domain = ["&", ("team_id", "in", self.team_ids.ids), *domain] if domain else [
                ("team_id", "in", self.team_ids.ids)]
        if self.company_id:
            domain = ["&", ("company_id", "in", [self.company_id.id, False]), *domain] if domain else [
                ("company_id", "in", [self.company_id.id, False])]
        return domain

    @api.model
    def _rescore_leads(self, force_now=False):
        """Rescore every open lead after a change of models or rules (models
        compete for the leads): at once when they are few (or when asked),
        else through the scoring cron."""
        Lead = self.env["crm.lead"]
        domain = Lead._get_scorable_domain()
        if force_now or Lead.search_count(domain, limit=IMMEDIATE_RESCORE_LIMIT + 1) <= IMMEDIATE_RESCORE_LIMIT:
            Lead.search(domain)._recompute_score()
        else:
            Lead._schedule_full_rescore()

    def _score_leads(self, leads, values, now, matches, with_details=False):
        """Add the points of this model's active rules for ``leads`` to
        ``values`` (see lead.scoring.rule._score)."""
        self.ensure_one()
        details = defaultdict(list) if with_details else None
        for lead_id, part, points, label in self.rule_ids.filtered("active")._score(leads, now, matches, with_details):
            values[lead_id][part] += points
            if details is not None:
                details[lead_id].append((label, points))
        if details is not None:
            for lead_id, lines in details.items():
                values[lead_id]["details"] = lines

    def _get_engagement_sums(self, leads, rules, now):
        """Decayed engagement points per lead and rule, in one query:
        [(lead id, rule id, event count, decayed points)]. Machine opens and
        clicks (is_machine) count for nothing."""
        self.env["lead.engagement"].flush_model(["lead_id", "event_type", "date", "points", "is_machine"])
        rows = SQL(", ").join(SQL("(%s, %s, %s)", rule.id, rule.event_type, rule.points) for rule in rules)
        self.env.cr.execute(SQL(
            """SELECT e.lead_id, r.rule_id, COUNT(*),
                      SUM(COALESCE(NULLIF(e.points, 0), r.points)
                          * power(0.5, GREATEST(date_part('epoch', %(now)s - e.date), 0) / 86400.0 / %(half_life)s))
                 FROM lead_engagement e
                 JOIN (VALUES %(rows)s) AS r(rule_id, event_type, points) ON r.event_type = e.event_type
                WHERE e.lead_id = ANY(%(lead_ids)s) AND e.is_machine IS NOT TRUE
             GROUP BY e.lead_id, r.rule_id""",
            now=now, half_life=self.engagement_half_life_days, rows=rows, lead_ids=leads.ids))
        return self.env.cr.fetchall()

    @api.model
    def _report_rule_errors(self, errors):
        """Store on rules and models which rules failed, and clear the errors
        of the rules that worked again. ``errors``: {rule or model: message or False}."""
        rules = self.env["lead.scoring.rule"].concat(*[rec for rec in errors if rec._name == "lead.scoring.rule"])
        models_ = self.concat(*[rec for rec in errors if rec._name == self._name])
        for rule in rules:
            if (rule.error or False) != (errors[rule] or False):
                rule.error = errors[rule]
        for model in rules.model_id | models_:
            lines = [self.env._("%(rule)s: %(error)s", rule=rule.name, error=rule.error)
                     for rule in model.rule_ids if rule.error]
            if errors.get(model):
                lines.insert(0, self.env._("Applies to: %(error)s", error=errors[model]))
            message = "\n".join(lines) or False
            if (model.rule_error or False) != message:
                model.rule_error = message

    def _validate_lead_domain(self, domain, owner_name):
        """Refuse a domain that does not parse, or names a field crm.lead
        lacks, that cannot be searched, or that the user saving it may not
        read: scoring evaluates the domains as superuser."""
        try:
            parsed = safe_eval(domain or "[]")
            self.env["crm.lead"]._check_domain_access(parsed)
            self.env["crm.lead"].with_context(active_test=False)._search(parsed, limit=1)
        except Exception as error:
            raise ValidationError(self.env._(
                "%(owner)s: the domain %(domain)s is not valid for leads (%(error)s). "
                "Expected a domain on lead fields, for instance [(\"country_id.code\", \"=\", \"IR\")].",
                owner=owner_name, domain=domain, error=error)) from error
