from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged, users

from ..models import lead_scoring_model
from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_scoring", "is_query_count")
@freeze_time("2026-03-02 09:00:00")
class TestScoring(LeadManagementCase):
    """Scoring models: fit, engagement with decay and caps, thresholds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # start from a clean slate: demo models must not interfere
        cls.env["lead.scoring.model"].search([]).write({"active": False})
        cls.model = cls.env["lead.scoring.model"].create({
            "name": "B2B",
            "sequence": 1,
            "team_ids": [(6, 0, cls.team_iran.ids)],
            "warm_threshold": 30,
            "hot_threshold": 60,
            "mql_threshold": 40,
            "sql_threshold": 70,
            "engagement_half_life_days": 10,
            "rule_ids": [
                (0, 0, {"name": "Large company", "kind": "fit", "points": 30,
                        "domain": "[('company_size', 'in', ['201_1000', '1000_plus'])]"}),
                (0, 0, {"name": "Decision maker", "kind": "fit", "points": 20,
                        "domain": "[('is_decision_maker', '=', True)]"}),
                (0, 0, {"name": "Student", "kind": "fit", "points": -15,
                        "domain": "[('need_level', '=', 'none')]"}),
                (0, 0, {"name": "Email opens", "kind": "engagement", "event_type": "email_open",
                        "points": 5, "max_points": 12}),
                (0, 0, {"name": "Meetings", "kind": "engagement", "event_type": "meeting", "points": 20}),
            ],
        })
        cls.model_georgia = cls.env["lead.scoring.model"].create({
            "name": "Georgia",
            "sequence": 2,
            "team_ids": [(6, 0, cls.team_georgia.ids)],
            "rule_ids": [(0, 0, {"name": "Any lead", "kind": "fit", "points": 7, "domain": "[]"})],
        })

    def _event(self, lead, event_type, days_ago=0, points=0):
        return self.env["lead.engagement"].create({
            "lead_id": lead.id, "event_type": event_type, "points": points,
            "date": fields.Datetime.now() - timedelta(days=days_ago)})

    def test_fit_rules(self):
        lead = self._create_lead("Fit", team=self.team_iran, company_size="1000_plus", is_decision_maker=True)
        self.assertEqual(lead.scoring_model_id, self.model)
        self.assertEqual(lead.score_fit, 50)
        self.assertEqual(lead.score, 50)
        self.assertEqual(lead.temperature, "warm")
        self.assertEqual(lead.lifecycle_stage, "mql")

    def test_negative_points_and_clamp(self):
        lead = self._create_lead("Student", team=self.team_iran, need_level="none")
        self.assertEqual(lead.score_fit, -15)
        self.assertEqual(lead.score, 0, "the total is clamped at 0")

    def test_rescored_when_a_field_changes(self):
        lead = self._create_lead("Changes", team=self.team_iran)
        self.assertEqual(lead.score, 0)
        lead.company_size = "201_1000"
        self.assertEqual(lead.score, 30)
        lead.is_decision_maker = True
        self.assertEqual(lead.score, 50)

    def test_engagement_decay(self):
        lead = self._create_lead("Decay", team=self.team_iran)
        self._event(lead, "meeting", days_ago=0)
        self.assertEqual(lead.score_engagement, 20)
        self._event(lead, "meeting", days_ago=10)   # one half-life: 10 points
        self.assertEqual(lead.score_engagement, 30)
        self._event(lead, "meeting", days_ago=20)   # two half-lives: 5 points
        self.assertEqual(lead.score_engagement, 35)

    def test_engagement_decay_in_sql(self):
        """The decay the scoring runs in SQL: points * 0.5 ** (age / half-life),
        future events counting fully, an event's own points before the rule's."""
        lead = self._create_lead("SQL decay", team=self.team_iran)
        self._event(lead, "meeting", days_ago=5)            # 20 * 0.5 ** 0.5
        self._event(lead, "meeting", days_ago=-3)           # in the future: 20
        self._event(lead, "meeting", days_ago=25, points=8)  # 8 * 0.5 ** 2.5
        meetings = self.model.rule_ids.filtered(lambda rule: rule.event_type == "meeting")
        [(lead_id, rule_id, count, decayed)] = self.model._get_engagement_sums(lead, meetings, fields.Datetime.now())
        self.assertEqual((lead_id, rule_id, count), (lead.id, meetings.id, 3))
        self.assertAlmostEqual(decayed, 20 * 0.5 ** 0.5 + 20 + 8 * 0.5 ** 2.5, places=6)

    def test_engagement_cap(self):
        lead = self._create_lead("Cap", team=self.team_iran)
        for _i in range(5):
            self._event(lead, "email_open")
        self.assertEqual(lead.score_engagement, 12, "5 opens x 5 points capped at 12")

    def test_event_points_override_rule(self):
        lead = self._create_lead("Override", team=self.team_iran)
        self._event(lead, "meeting", points=3)
        self.assertEqual(lead.score_engagement, 3)

    def test_event_without_rule_scores_nothing(self):
        lead = self._create_lead("Chat", team=self.team_iran)
        self._event(lead, "chat")
        self.assertEqual(lead.score_engagement, 0)
        self.assertEqual(lead.engagement_count, 1)

    def test_deleting_an_event_rescores(self):
        lead = self._create_lead("Delete", team=self.team_iran)
        event = self._event(lead, "meeting")
        self.assertEqual(lead.score, 20)
        event.unlink()
        self.assertEqual(lead.score, 0)

    def test_sql_threshold_hook_and_note(self):
        lead = self._create_lead("Hot", team=self.team_iran, company_size="1000_plus", is_decision_maker=True)
        self.assertEqual(lead.lifecycle_stage, "mql")
        self._event(lead, "meeting")
        self.assertEqual(lead.score, 70)
        self.assertEqual(lead.temperature, "hot")
        self.assertEqual(lead.lifecycle_stage, "sql")
        self.flush_deferred()
        notes = lead.message_ids.filtered(lambda message: "Sales qualified" in (message.body or ""))
        self.assertEqual(len(notes), 1)
        self._event(lead, "email_open")
        self.flush_deferred()
        notes = lead.message_ids.filtered(lambda message: "Sales qualified" in (message.body or ""))
        self.assertEqual(len(notes), 1, "the hook runs once, when the threshold is crossed")

    def test_no_downgrade(self):
        lead = self._create_lead("Stays", team=self.team_iran, company_size="1000_plus", is_decision_maker=True)
        event = self._event(lead, "meeting")
        self.assertEqual(lead.lifecycle_stage, "sql")
        event.unlink()
        self.assertEqual(lead.score, 50)
        self.assertEqual(lead.temperature, "warm", "temperature follows the score down")
        self.assertEqual(lead.lifecycle_stage, "sql", "scoring never lowers the lifecycle stage")
        lead.lifecycle_stage = "lead"   # a manager may, by hand
        self.assertEqual(lead.lifecycle_stage, "lead")

    def test_disqualified_wins(self):
        lead = self._create_lead("Junk", team=self.team_iran, company_size="1000_plus", is_decision_maker=True)
        lead.lead_status = "junk"
        self.assertEqual(lead.lifecycle_stage, "disqualified")

    def test_model_by_team_and_sequence(self):
        georgian = self._create_lead("Georgian", team=self.team_georgia)
        self.assertEqual(georgian.scoring_model_id, self.model_georgia)
        self.assertEqual(georgian.score, 7)
        nobody = self._create_lead("No team")
        self.assertFalse(nobody.scoring_model_id)
        georgian.team_id = self.team_iran
        self.assertEqual(georgian.scoring_model_id, self.model)
        self.assertEqual(georgian.score, 0)

    def test_model_domain(self):
        self.model_georgia.write({"team_ids": [(5,)], "domain": "[('country_id.code', '=', 'GE')]"})
        lead = self._create_lead("Batumi", country_id=self.country_ge.id)
        self.assertEqual(lead.scoring_model_id, self.model_georgia)

    def test_threshold_change_rescores(self):
        lead = self._create_lead("Thresholds", team=self.team_iran, company_size="1000_plus")
        self.assertEqual(lead.temperature, "warm")
        self.model.hot_threshold = 30
        self.assertEqual(lead.temperature, "hot")

    def test_rule_change_rescores(self):
        lead = self._create_lead("Rule change", team=self.team_iran, company_size="1000_plus")
        self.assertEqual(lead.score, 30)
        self.model.rule_ids.filtered(lambda rule: rule.name == "Large company").points = 45
        self.assertEqual(lead.score, 45)

    def test_probability_rule(self):
        self.env["lead.scoring.rule"].create({
            "model_id": self.model.id, "name": "Predictive", "kind": "probability", "points": 20})
        lead = self._create_lead("Predicted", team=self.team_iran)
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET automated_probability = 50 WHERE id = %s", [lead.id])
        lead.invalidate_recordset(["automated_probability"])
        lead.action_recompute_score()
        self.assertEqual(lead.score_fit, 10)

    def test_every_kind_has_its_scoring_method(self):
        """Rules are scored by the method named after their kind, _score_<kind>:
        a kind added (selection_add) without its method fails here."""
        Rule = self.env["lead.scoring.rule"]
        for kind in Rule._fields["kind"].get_values(self.env):
            with self.subTest(kind=kind):
                self.assertTrue(callable(getattr(Rule, f"_score_{kind}", None)),
                                f"the scoring rule kind {kind!r} has no method _score_{kind}")

    def test_rules_scored_kind_by_kind(self):
        """Each kind's method gets the rules of its kind and the leads, and
        yields (lead id, part, points, label), kinds in the selection's order."""
        lead = self._create_lead("Kinds", team=self.team_iran, company_size="1000_plus")
        self._event(lead, "meeting")
        rules = self.model.rule_ids
        fit_rules = rules.filtered(lambda rule: rule.kind == "fit")
        matches, errors = lead._match_domains({rule: rule._get_lead_domain() for rule in fit_rules})
        self.assertFalse(errors)
        self.assertEqual(list(rules._score(lead, fields.Datetime.now(), matches)), [
            (lead.id, "fit", 30, "Large company"),
            (lead.id, "engagement", 20, None),
        ])

    def test_explanation(self):
        lead = self._create_lead("Explain", team=self.team_iran, company_size="1000_plus")
        self._event(lead, "email_open")
        explanation = str(lead.score_explanation)
        self.assertIn("Large company", explanation)
        self.assertIn("Email opens", explanation)
        self.assertIn("B2B", explanation)
        self.assertNotIn("Decision maker", explanation)
        nobody = self._create_lead("Unscored")
        self.assertIn("No scoring model", str(nobody.score_explanation))

    def test_explanation_in_persian(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["lead_management"], ["fa_IR"], overwrite=True)
        lead = self._create_lead("Explain fa", team=self.team_iran, company_size="1000_plus")
        english = str(lead.score_explanation)
        persian = str(lead.with_context(lang="fa_IR").score_explanation)
        self.assertNotEqual(english, persian)
        self.assertNotIn("Scored by", persian)

    def test_invalid_domain_refused(self):
        with self.assertRaisesRegex(ValidationError, "not valid for leads"):
            self.env["lead.scoring.rule"].create({
                "model_id": self.model.id, "name": "Broken", "kind": "fit", "domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaises(ValidationError):
            self.model.domain = "[('oops'"
        with self.assertRaisesRegex(ValidationError, "event type"):
            self.env["lead.scoring.rule"].create({"model_id": self.model.id, "name": "No type", "kind": "engagement"})

    def test_runtime_error_never_blocks_saving(self):
        rule = self.model.rule_ids.filtered(lambda r: r.name == "Decision maker")
        # a domain that became invalid after it was saved (e.g. a field removed)
        self.env.cr.execute("UPDATE lead_scoring_rule SET domain = %s WHERE id = %s",
                            ["[('field_removed_since', '=', True)]", rule.id])
        rule.invalidate_recordset(["domain"])
        self.env.registry.clear_cache()
        lead = self._create_lead("Still saved", team=self.team_iran, company_size="1000_plus", is_decision_maker=True)
        self.assertEqual(lead.score, 30, "the broken rule is skipped")
        self.assertIn("field_removed_since", rule.error)
        self.assertIn("Decision maker", self.model.rule_error)

    def test_cron_rescores_in_batches_with_decay(self):
        leads = self.env["crm.lead"].create([
            {"name": f"Cron {i}", "type": "lead", "team_id": self.team_iran.id} for i in range(5)])
        for lead in leads:
            self._event(lead, "meeting")
        self.assertEqual(set(leads.mapped("score")), {20})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE lead_engagement SET date = date - interval '10 days' WHERE lead_id = ANY(%s)", [leads.ids])
        self.env.cr.execute("UPDATE crm_lead SET score_date = score_date - interval '2 days' WHERE id = ANY(%s)",
                            [leads.ids])
        self.env.invalidate_all()
        Lead = self.env["crm.lead"]
        done, remaining = Lead._cron_score_decay(batch_size=2)
        self.assertEqual(done, 2)
        self.assertGreaterEqual(remaining, 3)
        while Lead._cron_score_decay(batch_size=2)[0]:
            pass
        self.assertEqual(set(leads.mapped("score")), {10}, "one half-life later")

    def test_large_change_goes_through_the_cron(self):
        self._create_lead("One", team=self.team_iran)
        self._create_lead("Two", team=self.team_iran)
        cron = self.env.ref("lead_management.ir_cron_score_decay")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with patch.object(lead_scoring_model, "IMMEDIATE_RESCORE_LIMIT", 1):
            self.model.hot_threshold = 90
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertFalse(self.env["crm.lead"].search_count(
            [("score_date", "!=", False), ("scoring_model_id", "=", self.model.id)]),
            "every scored lead waits for the cron")
        done, _remaining = self.env["crm.lead"]._cron_score_decay()
        self.assertGreaterEqual(done, 2, "the cron rescores the leads scored before the change")

    def test_server_action(self):
        action = self.env.ref("lead_management.action_server_recompute_score")
        lead = self._create_lead("Server action", team=self.team_iran)
        self.env.cr.execute("UPDATE crm_lead SET score = 99 WHERE id = %s", [lead.id])
        lead.invalidate_recordset(["score"])
        action.with_context(active_model="crm.lead", active_ids=lead.ids, active_id=lead.id).run()
        self.assertEqual(lead.score, 0)

    def test_activity_done_is_engagement(self):
        lead = self._create_lead("Activity", team=self.team_iran)
        activity = lead.activity_schedule("mail.mail_activity_data_meeting", summary="Demo visit")
        activity.action_done()
        self.assertEqual(lead.engagement_ids.event_type, "meeting")
        self.assertEqual(lead.score_engagement, 20)
        call = lead.activity_schedule("mail.mail_activity_data_call")
        call.action_feedback(feedback="Talked")
        self.assertEqual(sorted(lead.engagement_ids.mapped("event_type")), ["call", "meeting"])

    def test_incoming_email_is_engagement(self):
        lead = self._create_lead("Email", team=self.team_iran, email_from="client@example.com")
        lead.message_update({"subject": "Re: offer", "email_from": "client@example.com"})
        self.assertEqual(lead.engagement_ids.event_type, "email_reply")

    def test_forecast_category_from_temperature_and_override(self):
        lead = self._create_lead("Forecast", team=self.team_iran, type="opportunity", probability=45)
        self.assertEqual(lead.forecast_category, "pipeline")
        self.model.rule_ids.filtered(lambda r: r.name == "Meetings").points = 80
        self._event(lead, "meeting")
        self.assertEqual(lead.temperature, "hot")
        self.assertEqual(lead.forecast_category, "best_case", "hot and 45% is a best case")
        lead.forecast_category = "commit"
        lead.probability = 20
        self.assertEqual(lead.forecast_category, "commit", "the rep's choice sticks")
        lead.action_reset_forecast_category()
        self.assertEqual(lead.forecast_category, "pipeline")

    def test_partner_aggregates_follow_scores(self):
        partner = self.env["res.partner"].create({"name": "Scored customer"})
        lead = self._create_lead("Partner", team=self.team_iran, partner_id=partner.id)
        self.assertEqual(partner.lead_score, 0)
        self._event(lead, "meeting")
        partner.invalidate_recordset()   # read again, as the next request does
        self.assertEqual(partner.lead_score, 20)
        self.assertEqual(partner.temperature, "cold")
        found = self.env["res.partner"].search([("lead_score", ">=", 20), ("id", "=", partner.id)])
        self.assertEqual(found, partner, "list views can filter on it")

    @users("lm_salesman")
    @freeze_time("2026-03-02 09:00:00")
    def test_query_count_per_batch(self):
        """A salesperson rescoring 10 or 1,000 of his leads runs the same
        queries, but for the ORM's flush, which writes 100 rows per UPDATE:
        3 UPDATEs for 10 leads, 8 for 1,000 (values in three combinations)."""
        def create(count):
            return self.env["crm.lead"].sudo().create([
                {"name": f"Q{i}", "type": "lead", "team_id": self.team_iran.id, "user_id": self.user_salesman.id,
                 "company_size": "1000_plus" if i % 2 else False} for i in range(count)])
        few, many = create(10), create(1000)
        self.env["lead.engagement"].sudo().create([
            {"lead_id": lead.id, "event_type": "meeting"} for lead in (few | many) if lead.id % 3 == 0])
        few.with_env(self.env).action_recompute_score()   # warm the caches up
        self.env.flush_all()
        for leads, expected in ((few, 16), (many, 21)):
            self.env.cr.execute("UPDATE crm_lead SET score = 0, score_fit = 0, score_engagement = 0"
                                " WHERE id = ANY(%s)", [leads.ids])
            self.env.invalidate_all()
            with self.assertQueryCount(lm_salesman=expected):
                leads.with_env(self.env).action_recompute_score()
        self.assertEqual(set((few | many).mapped("score")), {0, 20, 30, 50})


@tagged("post_install", "-at_install", "lead_management_scoring")
class TestScoringAccess(LeadManagementCase):
    """Salespeople read scoring models, managers edit them."""

    @users("lm_salesman")
    def test_salesman_reads_models(self):
        self.env["lead.scoring.model"].search([]).read(["name", "rule_ids"])
        with self.assertRaises(AccessError):
            self.env["lead.scoring.model"].create({"name": "Mine"})

    @users("lm_salesman")
    def test_salesman_logs_engagement_on_own_lead_only(self):
        own = self.lead_own.with_env(self.env)
        self.env["lead.engagement"].create({"lead_id": own.id, "event_type": "call"})
        self.assertEqual(own.engagement_count, 1)
        with self.assertRaises(AccessError):
            self.env["lead.engagement"].create({"lead_id": self.lead_other.id, "event_type": "call"})

    @users("lm_salesman")
    def test_salesman_cannot_rescore_what_he_may_not_edit(self):
        colleague = self.lead_other.with_env(self.env)
        with self.assertRaises(AccessError):
            colleague.action_recompute_score()
        own = self.lead_own.with_env(self.env)
        self.assertIn("1 leads rescored", own.action_recompute_score()["params"]["message"])
        with self.assertRaises(AccessError):
            self.env["lead.scoring.model"].search([], limit=1).action_recompute_scores()

    @users("lm_manager")
    def test_manager_edits_models(self):
        model = self.env["lead.scoring.model"].create({
            "name": "Manager model", "sequence": 0,
            "rule_ids": [(0, 0, {"name": "All", "kind": "fit", "points": 1})]})
        lead = self.lead_unassigned.with_env(self.env)
        self.assertEqual((lead.scoring_model_id, lead.score), (model, 1), "the manager's model scores at once")
        model.rule_ids.points = 2
        self.assertEqual(lead.score, 2)
        rule = model.rule_ids
        model.unlink()
        self.assertFalse(rule.exists(), "rules go with their model")
        self.assertNotEqual(lead.scoring_model_id, model)
