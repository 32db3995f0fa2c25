from freezegun import freeze_time

from odoo import SUPERUSER_ID, fields
from odoo.api import Environment, Transaction
from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import config, mute_logger

from ..models.crm_lead_routing import _QUEUE_RESUME
from ..tools.cron import next_batch_size

QUEUE_CRON = "lead_management.ir_cron_assign_queue"


@tagged("post_install", "-at_install", "lead_management_cron")
class TestCronBudget(TransactionCase):
    """Batch crons work to a time budget: they stop, report and trigger
    themselves again well before the worker's limits, with batch sizes
    adapted to the time a batch took."""

    def _triggers(self, xmlid):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.env.ref(xmlid).id)])

    def test_next_batch_size(self):
        self.assertEqual(next_batch_size(100, 20, 10, 1, 1000), 50, "twice too slow: half")
        self.assertEqual(next_batch_size(100, 40, 10, 1, 1000), 50, "at most halved at once")
        self.assertEqual(next_batch_size(100, 1, 10, 1, 1000), 200, "at most doubled at once")
        self.assertEqual(next_batch_size(100, 8, 10, 1, 1000), 125)
        self.assertEqual(next_batch_size(100, 1, 10, 1, 150), 150, "within the bounds")
        self.assertEqual(next_batch_size(4, 100, 10, 3, 150), 3)

    def test_decay_stops_over_budget_and_retriggers(self):
        leads = self.env["crm.lead"].create([{"name": f"Stale {i}", "type": "lead"} for i in range(3)])
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET score_date = NULL WHERE id = ANY(%s)", [leads.ids])
        leads.invalidate_recordset(["score_date"])
        before = self._triggers("lead_management.ir_cron_score_decay")
        cron = self.env.ref("lead_management.ir_cron_score_decay")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        Lead = self.env["crm.lead"].with_context(
            cron_id=cron.id, ir_cron_progress_id=progress.id, lead_management_cron_budget=0)
        done, remaining = Lead._cron_score_decay(batch_size=2)
        self.assertEqual(done, 2, "one batch, then the budget is spent")
        self.assertGreater(remaining, 0)
        self.assertEqual((progress.done, progress.remaining), (2, 0),
                         "nothing left for this run: Odoo's runner does not call again")
        triggers = self._triggers("lead_management.ir_cron_score_decay") - before
        self.assertEqual(len(triggers), 1, "the cron runs again soon")
        self.assertGreater(triggers.call_at, fields.Datetime.now(),
                           "after the start of this run, whose end drops older triggers")

    def test_batches_within_budget_adapt_their_size(self):
        cron = self.env["ir.cron"].with_context(cron_id=self.env.ref(QUEUE_CRON).id, lead_management_cron_budget=40)
        sizes, durations = [], iter([20, 1, 1, 30, 1])
        before = self._triggers(QUEUE_CRON)
        with freeze_time("2026-03-02 09:00:00") as frozen:
            def batch(size):
                sizes.append(size)
                frozen.tick(next(durations))
                return size, 10_000
            done, remaining = cron._lead_management_run_batches(QUEUE_CRON, batch, 100, min_size=10, max_size=150)
            self.assertEqual(sizes, [100, 50, 100, 150], "halved after a slow batch, grown after quick ones")
            self.assertEqual((done, remaining), (400, 10_000), "stopped at 52 s of a 40-s budget")
            self.assertEqual(len(self._triggers(QUEUE_CRON) - before), 1)

    def test_batches_until_done_without_trigger(self):
        cron = self.env["ir.cron"].with_context(cron_id=self.env.ref(QUEUE_CRON).id, lead_management_cron_budget=40)
        left = [5]

        def batch(size):
            left[0] = max(0, left[0] - size)
            return size, left[0]
        before = self._triggers(QUEUE_CRON)
        self.assertEqual(cron._lead_management_run_batches(QUEUE_CRON, batch, 2), (6, 0))
        self.assertFalse(self._triggers(QUEUE_CRON) - before)

    def test_queue_run_goes_on_where_the_last_one_stopped(self):
        self.env["crm.lead"].with_context(lead_management_auto_assign=False).create([
            {"name": f"Nowhere {i}", "type": "lead", "user_id": False, "city": "Nowhere"} for i in range(60)])
        queue = self.env["crm.lead"].search([("user_id", "=", False), ("probability", "<", 100)], order="id")
        Lead = self.env["crm.lead"].with_context(cron_id=self.env.ref(QUEUE_CRON).id, lead_management_auto_assign=True)
        Lead.with_context(lead_management_cron_budget=0)._cron_assign_queue(batch_size=50)
        self.assertEqual(_QUEUE_RESUME.get(self.env.cr.dbname), queue[49].id,
                         "the triggered run examines the next leads, not the same ones again")
        Lead.with_context(lead_management_cron_budget=40)._cron_assign_queue(batch_size=50)
        self.assertNotIn(self.env.cr.dbname, _QUEUE_RESUME, "the queue examined to its end")

    def test_budget_from_worker_limits(self):
        IrCron = self.env["ir.cron"]
        self.patch(config, "options", {**config.options, "limit_time_real_cron": -1, "limit_time_real": 120,
                                       "limit_time_cpu": 60})
        self.assertEqual(IrCron._lead_management_time_budget(), 30)
        self.patch(config, "options", {**config.options, "limit_time_real_cron": 0, "limit_time_real": 0,
                                       "limit_time_cpu": 0})
        self.assertEqual(IrCron._lead_management_time_budget(), 50)


@tagged("post_install", "-at_install", "lead_management_cron", "lead_management_concurrency")
class TestCronUnderCapture(BaseCase):
    """On committed data: a capture routed and committed while a cron batch's
    transaction is open does not make the batch fail when it routes leads of
    other territories; a batch that does fail on concurrency is rolled back
    and its cron triggered again."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = self._env(cr)
            users_ = env["res.users"].create([
                {"name": f"Cron capture {i}", "login": f"lm_cron_capture_{i}",
                 "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])]} for i in range(4)])
            territories = env["lead.territory"].create([
                {"name": "Xville", "sequence": 0, "cities": "Xville", "user_ids": [(6, 0, users_[:2].ids)]},
                {"name": "Yville", "sequence": 0, "cities": "Yville", "user_ids": [(6, 0, users_[2:].ids)]},
            ])
            leads = env["crm.lead"].with_context(lead_management_auto_assign=False).create([
                {"name": "Queued Y", "type": "lead", "user_id": False, "city": "Yville"}])
            self.ids = {"users": users_.ids, "territories": territories.ids, "leads": leads.ids}
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["crm.lead"].browse(self.ids["leads"]).unlink()
            env["lead.territory"].browse(self.ids["territories"]).unlink()
            env["res.users"].browse(self.ids["users"]).unlink()

    def _env(self, cr):
        # see test_routing.TestConcurrentAssignment._env
        if cr.transaction is None:
            cr.transaction = Transaction(self.registry)
        return Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "lead_management_auto_assign": True})

    def _queue_run_during_capture(self, city):
        """The queue cron's transaction starts, a capture is routed in another
        transaction and committed, then the cron's batch routes the queue."""
        with self.registry.cursor() as cron_cr:
            env = self._env(cron_cr)
            cron = env.ref(QUEUE_CRON)
            triggers_before = env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            with self.registry.cursor() as capture_cr:
                # a capture: its lead created and routed in its own transaction
                capture = self._env(capture_cr)["crm.lead"].create(
                    {"name": "Capture", "type": "lead", "user_id": False, "city": city})
                self.ids["leads"].append(capture.id)
                self.assertTrue(capture._assign_by_territory())
            with mute_logger("odoo.sql_db"):   # the expected serialization failure is no bad query
                env["crm.lead"]._cron_assign_queue(batch_size=10_000)
            queued = env["crm.lead"].browse(self.ids["leads"][0])
            triggers = env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers_before
            result = queued.user_id.id, len(triggers)
            cron_cr.rollback()
        return result

    def test_capture_in_another_territory_does_not_fail_the_batch(self):
        user_id, triggers = self._queue_run_during_capture("Xville")
        self.assertIn(user_id, self.ids["users"][2:], "the batch routed its lead")
        self.assertEqual(triggers, 0)

    def test_batch_failing_on_concurrency_is_triggered_again(self):
        user_id, triggers = self._queue_run_during_capture("Yville")
        self.assertFalse(user_id, "the batch was rolled back")
        self.assertEqual(triggers, 1, "the cron runs again soon instead of at its next interval")

    def test_only_used_positions_written(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            positions = env["lead.territory.position"].search([("territory_id", "in", self.ids["territories"])])
            self.assertEqual(len(positions), 2, "each territory has its position row")
            cr.execute("SELECT id, xmin::text FROM lead_territory")
            territories_before = dict(cr.fetchall())
            cr.execute("SELECT territory_id, xmin::text FROM lead_territory_position")
            positions_before = dict(cr.fetchall())
            env["crm.lead"].browse(self.ids["leads"][0])._assign_by_territory()
            env.flush_all()
            cr.execute("SELECT id, xmin::text FROM lead_territory")
            self.assertEqual(dict(cr.fetchall()), territories_before, "no territory row written")
            cr.execute("SELECT territory_id, xmin::text FROM lead_territory_position")
            changed = {terr_id for terr_id, xmin in cr.fetchall() if positions_before.get(terr_id) != xmin}
            self.assertEqual(changed, {self.ids["territories"][1]}, "only the position of the territory used")
            cr.rollback()
