import logging
from datetime import datetime, time

from markupsafe import Markup, escape

from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL, split_every
from odoo.tools.safe_eval import safe_eval

from ..tools import scoring
from ..tools.notification import notification_action, soft_reload_action
from .crm_lead import TEMPERATURES

_logger = logging.getLogger(__name__)

#: default score thresholds until a scoring model says otherwise
DEFAULT_WARM_THRESHOLD = 40
DEFAULT_HOT_THRESHOLD = 70
SCORE_BATCH_SIZE = 1000
SCORE_FIELDS = ["scoring_model_id", "score_fit", "score_engagement", "score", "score_date"]
#: sorts leads from the hottest (selection values sort alphabetically)
TEMPERATURE_RANKS = {"cold": 1, "warm": 2, "hot": 3}


class CrmLead(models.Model):
    """Scoring: fit, engagement and predictive points of the first matching
    scoring model, the temperature they give, and the engagement events."""

    _inherit = "crm.lead"

    score = fields.Integer(
        string="Lead Score", compute="_compute_score", store=True, copy=False, aggregator="avg",
        help="How promising the lead is, from 0 to 100: its Fit Score (who it is, by the rules of its scoring "
             "model) plus its Engagement Score (what it did, fading with time). It sets the temperature. It is "
             "not a chance of winning: that is Odoo's Probability, shown on opportunities.")
    # Odoo's field, explained beside ours
    probability = fields.Float(
        help="Odoo's predictive chance of winning this opportunity, in %, learned from the won and lost "
             "opportunities with similar values (Predictive Lead Scoring) unless the salesperson sets it. "
             "It is not the Lead Score, which rates a lead from 0 to 100.")
    score_fit = fields.Integer(string="Fit Score", compute="_compute_score", store=True, copy=False, aggregator="avg")
    score_engagement = fields.Integer(
        string="Engagement Score", compute="_compute_score", store=True, copy=False, aggregator="avg")
    scoring_model_id = fields.Many2one(
        "lead.scoring.model", compute="_compute_score", store=True, copy=False)
    score_date = fields.Datetime(string="Last Scored", compute="_compute_score", store=True, copy=False)
    score_explanation = fields.Html(compute="_compute_score_explanation", sanitize=False)
    temperature = fields.Selection(TEMPERATURES, compute="_compute_temperature", store=True)
    temperature_rank = fields.Integer(compute="_compute_temperature", store=True, help="Cold 1, warm 2, hot 3.")
    engagement_ids = fields.One2many("lead.engagement", "lead_id", string="Engagement Events")
    engagement_count = fields.Integer(compute="_compute_engagement_count")

    @api.depends("engagement_ids.event_type", "engagement_ids.date", "engagement_ids.points",
                 "engagement_ids.is_machine")
    def _compute_score(self):
        """The lead fields the scoring models use trigger this compute too
        (see _scoring_on_write); the ORM runs it once per batch of leads."""
        saved = self.filtered("id")
        for lead in self - saved:
            origin = lead._origin
            lead.update({fname: origin[fname] for fname in SCORE_FIELDS})
        if not saved:
            return
        now = fields.Datetime.now()
        values = saved._get_score_values(now=now)
        for lead in saved:
            vals = values[lead.id]
            lead.scoring_model_id = vals["model"]
            lead.score_fit = vals["fit"]
            lead.score_engagement = vals["engagement"]
            lead.score = vals["score"]
            lead.score_date = now

    @api.depends_context("lang")
    @api.depends("score", "score_date")
    def _compute_score_explanation(self):
        saved = self.filtered("id")
        # sudo: explain the score as it was computed, with the same rights (see _compute_score)
        details = saved.sudo()._get_score_values(with_details=True) if saved else {}
        for lead in self:
            lead.score_explanation = lead._render_score_explanation(details.get(lead.id))

    @api.depends("score", "scoring_model_id.warm_threshold", "scoring_model_id.hot_threshold")
    def _compute_temperature(self):
        turned_hot = []
        for lead in self:
            before = lead.temperature
            model = lead.scoring_model_id
            lead.temperature = scoring.temperature(
                lead.score,
                model.warm_threshold if model else DEFAULT_WARM_THRESHOLD,
                model.hot_threshold if model else DEFAULT_HOT_THRESHOLD)
            lead.temperature_rank = TEMPERATURE_RANKS.get(lead.temperature, 0)
            if lead.id and lead.temperature == "hot" and before != "hot":
                turned_hot.append(lead.id)
        self.browse(turned_hot)._defer_hook("_on_turned_hot")

    @api.depends("engagement_ids")
    def _compute_engagement_count(self):
        counts = dict(self.env["lead.engagement"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"])) if self.ids else {}
        for lead in self:
            lead.engagement_count = counts.get(lead._origin, 0)

    @api.private
    def message_update(self, msg_dict, update_vals=None):
        """An email from the customer on the lead is an engagement event.
        The mail gateway's entry point, not an API (see message_new)."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        self.env["lead.engagement"].create([{
            "lead_id": lead.id,
            "event_type": "email_reply",
            "date": fields.Datetime.now(),
            "note": (msg_dict.get("subject") or "")[:200],
        } for lead in self])
        return result

    def action_recompute_score(self):
        """Rescore these leads now (server action "Recompute score")."""
        self.check_access("write")
        self._recompute_score()
        return notification_action(self.env._("%(count)s leads rescored.", count=len(self)),
                                   next_action=soft_reload_action())

    def action_view_engagement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_engagement")
        action.update({
            "domain": [("lead_id", "=", self.id)],
            "context": {"default_lead_id": self.id},
        })
        return action

    def _scoring_on_write(self, vals):
        """A field named by a scoring domain changed: rescore at the next
        flush, once for every lead written meanwhile (no query here)."""
        if set(vals) & self._get_scoring_trigger_fields():
            self._invalidate_score()
        if "partner_id" in vals:
            self._defer_hook("_sync_engagement_partners")

    def _sync_engagement_partners(self):
        """Deferred hook: the events of leads whose customer changed follow it
        (in one query for the transaction, not one per lead written)."""
        # sudo: the events follow the lead, whoever may read them
        events = self.env["lead.engagement"].sudo().search([("lead_id", "in", self.ids)])
        self.env.add_to_compute(events._fields["partner_id"], events)

    def _invalidate_score(self):
        """Mark the scores of these leads, and what depends on them, to be
        recomputed by the ORM."""
        leads = self.filtered("id")
        for fname in SCORE_FIELDS:
            self.env.add_to_compute(self._fields[fname], leads)
        leads.modified(SCORE_FIELDS)

    @api.model
    @tools.ormcache()
    def _get_scoring_trigger_fields(self):
        """Lead fields whose change can change a score, for the active
        scoring models: the fields their domains and fit rules name, the team
        and company that choose a model, and what Odoo's predictive
        probability reads when a rule uses it. Without scoring models, none:
        a lead write then costs scoring nothing."""
        fnames = set()
        # sudo: the trigger set is the same for every user
        scoring_models = self.env["lead.scoring.model"].sudo().search([])
        if scoring_models.team_ids:
            fnames.add("team_id")
        if scoring_models.company_id:
            fnames.add("company_id")
        rules = scoring_models.rule_ids.filtered("active")
        if any(rule.kind == "probability" for rule in rules):
            fnames.update(["automated_probability", "probability", "stage_id", "team_id",
                           *self._pls_get_safe_fields()])
        domains = scoring_models.mapped("domain") + rules.filtered(lambda rule: rule.kind == "fit").mapped("domain")
        for domain in domains:
            try:
                leaves = safe_eval(domain or "[]")
            except Exception:
                continue
            fnames.update(leaf[0].split(".")[0] for leaf in leaves
                          if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str))
        return frozenset(fnames)

    @api.model
    def _get_scorable_domain(self):
        """Leads the daily cron keeps scored: open ones."""
        return self._get_open_lead_domain()

    def _recompute_score(self):
        """Score these leads now, in batches whose query count does not depend
        on their size."""
        # sudo: a score is a fact about the lead, the same for every user;
        # rules may name fields or records the current user cannot read
        leads = self.sudo().with_context(active_test=False).filtered("id")
        for ids in split_every(SCORE_BATCH_SIZE, leads.ids):
            batch = leads.browse(ids)
            batch._invalidate_score()
            self.env.flush_all()

    def _get_score_values(self, with_details=False, now=None):
        """Compute without writing: {lead id: {model, fit, engagement, score, details}}.

        Queries: the scoring models, one query matching the leads against every
        model and fit rule (see _match_domains), one per model for the
        engagement events; whatever the number of leads and rules."""
        now = now or fields.Datetime.now()
        values = {lead_id: {"model": False, "fit": 0, "engagement": 0, "score": 0, "details": []}
                  for lead_id in self.ids}
        # sudo: every lead is scored by the same models and rules, whoever saves it
        scoring_models = self.env["lead.scoring.model"].sudo().search([])
        if not scoring_models:
            return values
        rules = scoring_models.rule_ids.filtered("active")
        errors = {}
        domains = {}
        for record in (*scoring_models, *rules.filtered(lambda rule: rule.kind == "fit")):
            try:
                domains[record] = record._get_lead_domain()
            except Exception as error:
                errors[record] = str(error)
        matches, match_errors = self._match_domains(domains) if self else ({}, {})
        errors.update(match_errors)
        remaining = set(self.ids)
        for model in scoring_models.filtered(lambda model: model not in errors):
            matched = self.browse([lead_id for lead_id in self.ids
                                   if lead_id in remaining and lead_id in matches[model]])
            if not matched:
                continue
            remaining -= set(matched.ids)
            for lead_id in matched.ids:
                values[lead_id]["model"] = model
            model._score_leads(matched, values, now, matches, with_details)
        if not with_details:
            # sudo: the managers see on each model which rule failed, whoever triggered the rescore
            self.env["lead.scoring.model"].sudo()._report_rule_errors(
                {record: errors.get(record, False) for record in (*scoring_models, *rules)})
        for vals in values.values():
            vals["score"] = scoring.clamp_score(vals["fit"] + vals["engagement"])
        return values

    def _match_domains(self, domains):
        """Which of these leads match each domain, in one query (archived
        leads included).

        :param dict domains: {key: domain}
        :return: ({key: set of lead ids}, {key: error message}) -- a domain
            that fails is reported and leaves the others be
        """
        Lead = self.with_context(active_test=False)
        lead_ids = list(self.ids)
        conditions, errors = {}, {}
        for key, domain in domains.items():
            try:
                query = Lead._search(expression.AND([[("id", "in", lead_ids)], domain]))
                conditions[key] = SQL("lead.id IN %s", query.subselect())
            except Exception as error:
                errors[key] = str(error)
        if not conditions:
            return {}, errors
        try:
            with self.env.cr.savepoint(flush=False):
                rows = self.env.execute_query(SQL(
                    "SELECT lead.id, %s FROM crm_lead lead WHERE lead.id = ANY(%s)",
                    SQL(", ").join(conditions.values()), lead_ids))
            return {key: {row[0] for row in rows if row[index + 1]}
                    for index, key in enumerate(conditions)}, errors
        except Exception as error:
            # a domain fails in the database (a value of the wrong type): find which, one query each
            _logger.info("lead_management: a scoring domain failed, matching them one by one: %s", error)
        matches = {}
        for key, condition in conditions.items():
            try:
                with self.env.cr.savepoint(flush=False):
                    matches[key] = {row[0] for row in self.env.execute_query(SQL(
                        "SELECT lead.id FROM crm_lead lead WHERE lead.id = ANY(%s) AND %s", lead_ids, condition))}
            except Exception as error:
                errors[key] = str(error)
        return matches, errors

    def _on_sql_reached(self):
        """Deferred hook, once for the leads that became sales qualified (SQL)
        by scoring: a note on each; response-time and nurturing features
        extend it."""
        self._message_log_batch(bodies={
            lead.id: Markup('<div summary="o_mail_notification"><p>%s</p></div>') % self.env._(
                "Sales qualified: the score %(score)s reached the SQL threshold %(threshold)s of %(model)s.",
                score=lead.score, threshold=lead.scoring_model_id.sql_threshold,
                model=lead.scoring_model_id.display_name)
            for lead in self.filtered(lambda lead: lead.lifecycle_stage == "sql")
        })

    @api.model
    def _schedule_full_rescore(self):
        """Have the scoring cron rescore every open lead soon, in batches,
        instead of blocking the current request: the leads lose their scoring
        date, which the cron rescores first."""
        self.flush_model(["score_date"])
        query = self._search(self._get_scorable_domain())
        self.env.cr.execute(SQL("UPDATE crm_lead SET score_date = NULL WHERE id IN %s", query.subselect()))
        self.invalidate_model(["score_date"])
        self.env.ref("lead_management.ir_cron_score_decay")._trigger()

    @api.model
    def _cron_score_decay(self, batch_size=SCORE_BATCH_SIZE):
        """Daily: rescore the open leads not scored since midnight (engagement
        decays, date-based rules move) or marked for a full rescore, in
        batches within the cron's time budget; return ``(done, remaining)``."""
        return self.env["ir.cron"]._lead_management_run_batches(
            "lead_management.ir_cron_score_decay", self._score_decay_batch, batch_size,
            min_size=50, max_size=SCORE_BATCH_SIZE * 5)

    @api.model
    def _score_decay_batch(self, batch_size):
        """One batch of :meth:`_cron_score_decay`."""
        stale_before = datetime.combine(fields.Date.today(), time.min)
        domain = expression.AND([
            self._get_scorable_domain(),
            ["|", ("score_date", "=", False), ("score_date", "<", stale_before)],
        ])
        leads = self.search(domain, order="score_date asc nulls first, id", limit=batch_size)
        leads._recompute_score()
        remaining = self.search_count(domain) if len(leads) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
        return len(leads), remaining

    def _render_score_explanation(self, values):
        """HTML list of the rules that fired, in the user's language."""
        if not values or not values["model"]:
            return Markup("<p class='text-muted'>%s</p>") % self.env._("No scoring model applies to this lead.")
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>") % (label, points)
            for label, points in values["details"])
        return Markup(
            "<p>%(intro)s</p><table class='table table-sm'><tbody>%(rows)s</tbody><tfoot>"
            "<tr><th>%(fit)s</th><th class='text-end'>%(fit_points)s</th></tr>"
            "<tr><th>%(engagement)s</th><th class='text-end'>%(engagement_points)s</th></tr>"
            "<tr><th>%(total)s</th><th class='text-end'>%(score)s</th></tr></tfoot></table>"
        ) % {
            "intro": self.env._("Scored by %(model)s.", model=values["model"].display_name),
            "rows": rows,
            "fit": self.env._("Fit"),
            "fit_points": values["fit"],
            "engagement": self.env._("Engagement"),
            "engagement_points": values["engagement"],
            "total": self.env._("Score (0 to 100)"),
            "score": escape(values["score"]),
        }

    def _get_qualification_stage(self):
        """Stage a lead deserves from its score: lead, mql or sql."""
        model = self.scoring_model_id
        if not model:
            return "lead"
        return scoring.qualification_stage(self.score, model.mql_threshold, model.sql_threshold)
