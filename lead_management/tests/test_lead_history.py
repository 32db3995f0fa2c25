from contextlib import contextmanager
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import LeadManagementCase

DIMENSIONS = {"stage", "lead_status", "lifecycle_stage", "temperature", "user", "team"}


@tagged("post_install", "-at_install", "is_query_count")
@freeze_time("2026-03-02 09:00:00")
class TestLeadHistory(LeadManagementCase):
    """lead.history: the periods crm.lead's create() and write() open and
    close, once per batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.scoring.model"].search([]).write({"active": False})
        cls.scoring_model = cls.env["lead.scoring.model"].create({
            "name": "History B2B",
            "team_ids": [(6, 0, cls.team_iran.ids)],
            "warm_threshold": 30, "hot_threshold": 60, "mql_threshold": 90, "sql_threshold": 95,
            "rule_ids": [
                (0, 0, {"name": "Decision maker", "kind": "fit", "points": 40,
                        "domain": "[('is_decision_maker', '=', True)]"}),
                (0, 0, {"name": "Meetings", "kind": "engagement", "event_type": "meeting", "points": 70}),
            ],
        })
        cls.stage_new, cls.stage_qualified = cls.env["crm.stage"].search([], limit=2, order="sequence, id")

    def _history(self, leads, **domain):
        return self.env["lead.history"].sudo().search(
            [("lead_id", "in", leads.ids), *((key, "=", value) for key, value in domain.items())], order="id")

    def _open(self, lead, dimension):
        return self._history(lead, dimension=dimension, date_to=False)

    def test_create_opens_six_periods(self):
        lead = self._create_lead("New", user=self.user_salesman, team=self.team_iran, lead_status="attempted")
        self.flush_deferred()
        periods = self._history(lead)
        self.assertEqual(set(periods.mapped("dimension")), DIMENSIONS)
        self.assertEqual(len(periods), 6, "one period per dimension")
        self.assertFalse(any(periods.mapped("date_to")))
        self.assertEqual(set(periods.mapped("date_from")), {lead.create_date})
        self.assertEqual(periods.changed_by, self.env.user)
        self.assertEqual(periods.company_id, lead.company_id)
        self.assertEqual(self._open(lead, "user").user_id, self.user_salesman)
        self.assertEqual(self._open(lead, "team").team_id, self.team_iran)
        self.assertEqual(self._open(lead, "stage").stage_id, lead.stage_id)
        self.assertEqual(self._open(lead, "lead_status").value, "attempted", "the key, not the label")
        self.assertEqual(self._open(lead, "temperature").value, "cold")
        self.assertEqual(self._open(lead, "lifecycle_stage").value, lead.lifecycle_stage)

    def test_unassigned_is_a_period(self):
        lead = self._create_lead("Nobody's", team=self.team_iran)
        self.flush_deferred()
        user_period = self._open(lead, "user")
        self.assertEqual(len(user_period), 1)
        self.assertFalse(user_period.user_id)

    def test_write_closes_and_opens_changed_dimensions(self):
        lead = self._create_lead("Moving", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        before = self._history(lead)
        with freeze_time("2026-03-05 10:00:00"):
            lead.with_user(self.user_manager).write({
                "stage_id": self.stage_qualified.id, "lead_status": "contacted",
                "user_id": self.user_salesman_other.id})
            self.flush_deferred()
        changed = datetime(2026, 3, 5, 10, 0)
        new = self._history(lead) - before
        self.assertEqual(sorted(new.mapped("dimension")), ["lead_status", "stage", "user"],
                         "the team stays: both salespeople are members of it")
        self.assertEqual(set(new.mapped("date_from")), {changed})
        self.assertFalse(any(new.mapped("date_to")))
        self.assertEqual(new.changed_by, self.user_manager)
        closed = before.filtered("date_to")
        self.assertEqual(sorted(closed.mapped("dimension")), ["lead_status", "stage", "user"])
        self.assertEqual(set(closed.mapped("date_to")), {changed})
        self.assertEqual(self._open(lead, "stage").stage_id, self.stage_qualified)
        self.assertEqual(self._open(lead, "lead_status").value, "contacted")
        self.assertEqual(self._open(lead, "user").user_id, self.user_salesman_other)
        for dimension in DIMENSIONS:
            self.assertEqual(len(self._open(lead, dimension)), 1, dimension)

    def test_same_transaction_changes_collapse(self):
        """Periods follow the lead's values at commit: a value changed and
        changed back before it leaves no period."""
        lead = self._create_lead("Undecided", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        count = len(self._history(lead))
        lead.lead_status = "contacted"
        lead.lead_status = "new"
        self.flush_deferred()
        self.assertEqual(len(self._history(lead)), count)

    def test_write_unchanged_value_adds_no_row(self):
        lead = self._create_lead("Same", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        count = len(self._history(lead))
        lead.write({"user_id": self.user_salesman.id, "lead_status": "new", "team_id": self.team_iran.id,
                    "stage_id": lead.stage_id.id})
        lead.write({"description": "Not tracked"})
        self.flush_deferred()
        self.assertEqual(len(self._history(lead)), count)

    def test_unassign_opens_null_period(self):
        lead = self._create_lead("Let go", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        lead.user_id = False
        self.flush_deferred()
        periods = self._history(lead, dimension="user")
        self.assertEqual(len(periods), 2)
        self.assertEqual(periods[0].user_id, self.user_salesman)
        self.assertTrue(periods[0].date_to)
        self.assertFalse(periods[1].user_id, "no salesperson is a period too")
        self.assertFalse(periods[1].date_to)

    def test_temperature_through_scoring(self):
        lead = self._create_lead("Warming", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        self.assertEqual(self._open(lead, "temperature").value, "cold")
        with freeze_time("2026-03-03 08:00:00"):
            lead.with_user(self.user_salesman).is_decision_maker = True
            self.flush_deferred()
        self.assertEqual(lead.temperature, "warm")
        periods = self._history(lead, dimension="temperature")
        self.assertEqual(periods.mapped("value"), ["cold", "warm"])
        self.assertEqual(periods[0].date_to, datetime(2026, 3, 3, 8, 0))
        self.assertEqual(periods[1].date_from, datetime(2026, 3, 3, 8, 0))
        self.assertEqual(periods[1].changed_by, self.user_salesman)
        # an engagement event, no write on the lead: the score changes when the ORM flushes
        with freeze_time("2026-03-04 08:00:00"):
            self.env["lead.engagement"].create({"lead_id": lead.id, "event_type": "meeting"})
            self.flush_deferred()
        self.assertEqual(lead.temperature, "hot")
        periods = self._history(lead, dimension="temperature")
        self.assertEqual(periods.mapped("value"), ["cold", "warm", "hot"])
        self.assertEqual(periods[1].date_to, datetime(2026, 3, 4, 8, 0))
        self.assertEqual(self._open(lead, "lifecycle_stage").value, lead.lifecycle_stage)

    def test_lifecycle_written(self):
        lead = self._create_lead("Lifecycle", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        first = self._open(lead, "lifecycle_stage").value
        lead.lifecycle_stage = "disqualified" if first != "disqualified" else "lead"
        self.flush_deferred()
        periods = self._history(lead, dimension="lifecycle_stage")
        self.assertEqual(periods.mapped("value"), [first, lead.lifecycle_stage])

    def test_merge_moves_history(self):
        kept = self._create_lead("Kept", user=self.user_salesman, team=self.team_iran, email_from="a@example.com")
        merged = self._create_lead("Merged", user=self.user_salesman, team=self.team_iran,
                                   email_from="a@example.com")
        self.flush_deferred()
        merged.lead_status = "contacted"
        self.flush_deferred()
        merged_periods = self._history(merged)
        self.assertEqual(len(merged_periods), 7)
        result = (kept | merged)._merge_opportunity(max_length=0)
        self.flush_deferred()
        self.assertEqual(result, kept)
        self.assertFalse(merged.exists())
        self.assertEqual(merged_periods.exists().lead_id, kept)
        self.assertTrue(all(merged_periods.mapped("date_to")), "the merged lead's periods are over")
        for dimension in DIMENSIONS:
            self.assertEqual(len(self._open(kept, dimension)), 1, dimension)

    def test_unlink_deletes_history(self):
        lead = self._create_lead("Deleted", user=self.user_salesman, team=self.team_iran)
        self.flush_deferred()
        periods = self._history(lead)
        self.assertEqual(len(periods), 6)
        lead.unlink()
        self.assertFalse(periods.exists())

    def test_access_per_role(self):
        self.flush_deferred()
        archived = self._create_lead("Own lost", user=self.user_salesman, team=self.team_iran)
        archived.action_archive()
        self.flush_deferred()
        cases = [
            # lead, salesman, other salesman, all leads, manager, employee
            (self.lead_own, True, False, True, True, False),
            (self.lead_other, False, True, True, True, False),
            (self.lead_unassigned, True, True, True, True, False),
            (archived, True, False, True, True, False),
        ]
        users_ = [self.user_salesman, self.user_salesman_other, self.user_salesman_all, self.user_manager,
                  self.user_employee]
        for lead, *rights in cases:
            periods = self._history(lead)
            self.assertEqual(len(periods), 6, lead.name)
            for user, right in zip(users_, rights, strict=True):
                with self.subTest(lead=lead.name, user=user.login):
                    History = self.env["lead.history"].with_user(user)
                    if right:
                        self.assertEqual(History.search([("lead_id", "=", lead.id)]), periods)
                        periods.with_user(user).read(["dimension", "value"])
                    elif user == self.user_employee:
                        with self.assertRaises(AccessError):
                            History.search([("lead_id", "=", lead.id)])
                    else:
                        self.assertFalse(History.search([("lead_id", "=", lead.id)]))
                        with self.assertRaises(AccessError):
                            periods.with_user(user).read(["dimension"])
                    if user != self.user_employee:
                        with self.assertRaises(AccessError):
                            periods.with_user(user).write({"value": "junk"})

    def test_access_multi_company(self):
        other_company = self.env["res.company"].create({"name": "LM Tbilisi"})
        self.user_salesman_all.company_ids |= other_company
        lead = self._create_lead("Tbilisi", company_id=other_company.id)
        self.flush_deferred()
        periods = self._history(lead)
        self.assertEqual(periods.company_id, other_company)
        History = self.env["lead.history"].with_user(self.user_salesman_all)
        self.assertFalse(History.with_context(allowed_company_ids=[self.company.id]).search(
            [("lead_id", "=", lead.id)]), "only the user's current companies")
        self.assertEqual(History.with_context(allowed_company_ids=[self.company.id, other_company.id]).search(
            [("lead_id", "=", lead.id)]), periods)
        self.assertFalse(self.env["lead.history"].with_user(self.user_manager).search([("lead_id", "=", lead.id)]))

    @contextmanager
    def _assertHistoryQueries(self, count):
        """The block runs ``count`` statements on lead_history, deferred hooks
        included (run as a commit would)."""
        with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            yield
            self.env.flush_all()
            self.env.cr.flush()
        self.assertEqual(sum("lead_history" in line for line in logs.output), count, "history queries")

    @users("lm_salesman")
    def test_query_count_once_per_batch(self):
        """Creating and writing 10 or 1,000 leads as a salesperson writes the
        history in one statement, just before the commit (closing the open
        periods and opening the new ones).
        The other differences are Odoo's: the ORM inserts and updates 100
        rows per statement (9 more INSERT and UPDATE for 1,000 leads) and
        crm's stage compute searches a stage per new lead (990 more). The
        totals are upper bounds: caches warmed by other tests save a few."""
        Lead = self.env["crm.lead"]

        def create(count):
            return Lead.create([{"name": f"Q{i}", "type": "lead", "user_id": self.user_salesman.id,
                                 "team_id": self.team_iran.id} for i in range(count)])

        create(2).write({"lead_status": "attempted", "stage_id": self.stage_qualified.id})   # warm the caches up
        self.flush_deferred()
        for count, create_queries, write_queries in ((10, 45, 26), (1000, 1053, 31)):
            self.env.invalidate_all()
            with self._assertHistoryQueries(1), self.assertQueryCount(lm_salesman=create_queries):
                leads = create(count)
                self.flush_deferred()
            self.env.invalidate_all()
            with self._assertHistoryQueries(1), self.assertQueryCount(lm_salesman=write_queries):
                leads.write({"lead_status": "attempted", "stage_id": self.stage_qualified.id})
                self.flush_deferred()
            self.assertEqual(len(self._history(leads)), count * 8)
