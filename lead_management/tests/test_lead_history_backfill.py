import importlib.util
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.modules.module import get_module_path
from odoo.tests import tagged, users

from .common import LeadManagementCase

T0 = datetime(2026, 1, 5, 9, 0)
T1 = T0 + timedelta(days=2)
T2 = T1 + timedelta(days=1)


@tagged("post_install", "-at_install")
class TestLeadHistoryBackfill(LeadManagementCase):
    """lead.history._backfill() rebuilds the periods of a lead from the
    tracking rows real writes leave in the chatter, and the Time in Stage
    figures come from those periods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stages = cls.env["crm.stage"].search([("is_won", "=", False), ("team_id", "=", False)], limit=3)
        cls.History = cls.env["lead.history"]

    @contextmanager
    def at(self, when):
        """Run at ``when``: Python's clock and the transaction's timestamp
        (create_date, tracking), then create the tracking rows as a commit
        would."""
        with freeze_time(when), patch.object(self.env.cr, "now", lambda: when):
            yield
            self.flush_deferred()

    def _tracked(self, record, user=None, **context):
        record = record.with_context(tracking_disable=False, mail_create_nolog=False, **context)
        return record.with_user(user) if user else record

    def _create_tracked_lead(self, **values):
        with self.at(T0):
            return self._tracked(self.env["crm.lead"], user=self.user_manager).create({
                "name": "Tracked lead", "type": "lead", "country_id": self.country_ir.id,
                "stage_id": self.stages[0].id, "team_id": self.team_iran.id,
                "user_id": self.user_salesman.id, **values,
            })

    def _rebuild(self, leads):
        """Drop the leads' history and back-fill it."""
        self.History.search([("lead_id", "in", leads.ids)]).unlink()
        return self.History._backfill()

    def _periods(self, lead, dimension=None):
        domain = [("lead_id", "=", lead.id)] + ([("dimension", "=", dimension)] if dimension else [])
        return [
            (period.dimension, period.stage_id or period.user_id or period.team_id or period.value,
             period.date_from, period.date_to or None, period.changed_by)
            for period in self.History.search(domain, order="dimension, date_from, id")
        ]

    def test_backfill_from_tracking(self):
        lead = self._create_tracked_lead()
        with self.at(T1):
            self._tracked(lead, user=self.user_salesman).write({
                "stage_id": self.stages[1].id, "lead_status": "contacted"})
        with self.at(T2):
            self._tracked(lead, user=self.user_manager).write({
                "stage_id": self.stages[2].id, "user_id": self.user_salesman_other.id})
        lifecycle, temperature = lead.lifecycle_stage, lead.temperature

        self.assertGreaterEqual(self._rebuild(lead), 1)
        manager, salesman = self.user_manager, self.user_salesman
        self.assertEqual(self._periods(lead), [
            ("lead_status", "new", T0, T1, manager),
            ("lead_status", "contacted", T1, None, salesman),
            ("lifecycle_stage", lifecycle, T0, None, manager),
            ("stage", self.stages[0], T0, T1, manager),
            ("stage", self.stages[1], T1, T2, salesman),
            ("stage", self.stages[2], T2, None, manager),
            ("team", self.team_iran, T0, None, manager),
            ("temperature", temperature, T0, None, manager),
            ("user", self.user_salesman, T0, T2, manager),
            ("user", self.user_salesman_other, T2, None, manager),
        ])
        self.assertEqual(lead.company_id, self.History.search([("lead_id", "=", lead.id)]).company_id)

    def test_backfill_persian_labels(self):
        """The chatter stored the lead status's labels in Persian: the periods
        hold the keys."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["lead_management"], ["fa_IR"], overwrite=True)
        lead = self._create_tracked_lead()
        with self.at(T1):
            self._tracked(lead, lang="fa_IR").write({"lead_status": "attempted"})
        with self.at(T2):
            self._tracked(lead, lang="fa_IR").write({"lead_status": "not_interested"})
        tracking = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", "crm.lead"), ("mail_message_id.res_id", "=", lead.id),
            ("field_id.name", "=", "lead_status")], order="id")
        fa_labels = dict(self.env["crm.lead"].with_context(lang="fa_IR")._fields["lead_status"]
                         ._description_selection(self.env(context={"lang": "fa_IR"})))
        self.assertEqual(tracking.mapped("new_value_char"), [fa_labels["attempted"], fa_labels["not_interested"]])
        self.assertNotEqual(fa_labels["attempted"], "Attempted to Contact")

        self._rebuild(lead)
        self.assertEqual([period[1:4] for period in self._periods(lead, "lead_status")], [
            ("new", T0, T1), ("attempted", T1, T2), ("not_interested", T2, None)])

    def test_backfill_unknown_label_and_untracked_change(self):
        """A label no language knows gives a period without value; a change
        made with tracking off ends with a period of the current value from
        the lead's last write."""
        lead = self._create_tracked_lead()
        with self.at(T1):
            self._tracked(lead).write({"lead_status": "attempted"})
        self.env["mail.tracking.value"].search([
            ("mail_message_id.res_id", "=", lead.id), ("field_id.name", "=", "lead_status"),
        ]).new_value_char = "A label from an uninstalled addon"
        with self.at(T2):
            lead.write({"lead_status": "qualified"})
        self._rebuild(lead)
        self.assertEqual([period[1:4] for period in self._periods(lead, "lead_status")], [
            ("new", T0, T1), (False, T1, T2), ("qualified", T2, None)])

    def test_backfill_idempotent_and_batched(self):
        leads = self._create_tracked_lead() | self._create_tracked_lead() | self._create_tracked_lead()
        with self.at(T1):
            self._tracked(leads).write({"stage_id": self.stages[1].id})
        self.History.search([("lead_id", "in", leads.ids)]).unlink()
        missing = self._missing()
        self.assertEqual(self.History._backfill(batch_size=2), missing)
        self.assertEqual(self.History.search_count([("lead_id", "in", leads.ids)]), 3 * 7,
                         "stage twice, five other dimensions once, for 3 leads")
        after = self.History.search_count([])
        self.assertEqual(self.History._backfill(), 0)
        self.assertEqual(self.History.search_count([]), after)

    def _missing(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM crm_lead l WHERE NOT EXISTS "
                            "(SELECT FROM lead_history h WHERE h.lead_id = l.id)")
        return self.env.cr.fetchone()[0]

    def test_backfill_cron_progress(self):
        """From a cron, at most ``limit`` leads per call, the progress told
        to the cron runner."""
        leads = self._create_tracked_lead() | self._create_tracked_lead() | self._create_tracked_lead()
        self.History.search([("lead_id", "in", leads.ids)]).unlink()
        missing = self._missing()
        progress = self.env["ir.cron.progress"].create({
            "cron_id": self.env.ref("lead_management.ir_cron_score_decay").id})
        History = self.History.with_context(ir_cron_progress_id=progress.id)
        self.assertEqual(History._backfill(batch_size=1, limit=2), 2)
        self.assertEqual((progress.done, progress.remaining), (2, missing - 2))
        self.assertEqual(History._backfill(), missing - 2)
        self.assertEqual((progress.done, progress.remaining), (missing - 2, 0))
        self.assertEqual(self._missing(), 0)

    def test_migration_backfills(self):
        """The 18.0.1.5.0 migration rebuilds the history of existing leads."""
        lead = self._create_tracked_lead()
        with self.at(T1):
            self._tracked(lead).write({"stage_id": self.stages[1].id})
        self.History.search([("lead_id", "in", lead.ids)]).unlink()
        path = f"{get_module_path('lead_management')}/migrations/18.0.1.5.0/post-migrate.py"
        spec = importlib.util.spec_from_file_location("lead_management_migration_1_5_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.4.0")
        self.assertEqual([period[1:4] for period in self._periods(lead, "stage")], [
            (self.stages[0], T0, T1), (self.stages[1], T1, None)])
        self.assertEqual(self._missing(), 0)

    def test_time_in_stage(self):
        lead = self._create_tracked_lead()
        with self.at(T1):
            self._tracked(lead).write({"stage_id": self.stages[1].id})
        with self.at(T2):
            self._tracked(lead).write({"stage_id": self.stages[0].id})
        self._rebuild(lead)
        with freeze_time(T2 + timedelta(hours=12)):
            summary = self.History._time_in_values(lead, "stage")[lead.id]
            self.assertEqual(summary, [
                {"value": self.stages[0], "date_entered": T0, "date_exited": False, "current_since": T2,
                 "seconds": (timedelta(days=2, hours=12)).total_seconds()},
                {"value": self.stages[1], "date_entered": T1, "date_exited": T2, "current_since": False,
                 "seconds": timedelta(days=1).total_seconds()},
            ])
            lead.invalidate_recordset(["time_in_stage_days", "time_in_stage_html"])
            self.assertAlmostEqual(lead.with_context(lang="en_US").time_in_stage_days, 0.5)
            html = str(lead.with_context(lang="en_US", tz="UTC").time_in_stage_html)
        self.assertIn("2 days 12 hours", html)
        self.assertIn("1 day", html)
        self.assertIn("Current stage", html)

    @users("lm_salesman")
    def test_smart_button_as_salesperson(self):
        lead = self._create_tracked_lead()
        with self.at(T1):
            self._tracked(lead).write({"stage_id": self.stages[1].id})
        self._rebuild(lead)
        lead = lead.with_env(self.env)
        action = lead.action_view_history()
        self.assertEqual(action["res_model"], "lead.history")
        periods = self.env["lead.history"].search(action["domain"])
        self.assertEqual(periods.lead_id, lead)
        self.assertEqual(periods.filtered(lambda p: p.dimension == "stage").stage_id, self.stages[:2])
        with freeze_time(T1 + timedelta(days=1)):
            self.assertEqual(lead.time_in_stage_days, 1.0)
            self.assertTrue(lead.time_in_stage_html)
