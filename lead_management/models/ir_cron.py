import logging
import threading
import time
from datetime import timedelta

from psycopg2 import OperationalError, errorcodes

from odoo import api, fields, models
from odoo.tools import config

from ..tools.cron import next_batch_size

_logger = logging.getLogger(__name__)

CONCURRENCY_ERRORS = {errorcodes.SERIALIZATION_FAILURE, errorcodes.LOCK_NOT_AVAILABLE,
                      errorcodes.DEADLOCK_DETECTED}
DEFAULT_TIME_BUDGET = 50.0


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _lead_management_time_budget(self):
        """Seconds a run of our batch crons may work: the context key
        ``lead_management_cron_budget``, else the parameter
        ``lead_management.cron_time_budget``, else half the worker's limits
        (real time of crons, CPU time), at most 50."""
        if "lead_management_cron_budget" in self.env.context:
            return float(self.env.context["lead_management_cron_budget"])
        # sudo: a technical setting, read by the cron's user
        param = self.env["ir.config_parameter"].sudo().get_param("lead_management.cron_time_budget")
        if param:
            return float(param)
        real = config.get("limit_time_real_cron") or 0
        if real <= 0:
            real = config.get("limit_time_real") or 0
        limits = [limit / 2 for limit in (real, config.get("limit_time_cpu") or 0) if limit > 0]
        return min([DEFAULT_TIME_BUDGET, *limits])

    @api.model
    def _lead_management_run_batches(self, xmlid, batch, batch_size, min_size=1, max_size=None):
        """Run ``batch(size)``, which does one batch and returns ``(done,
        remaining)``, for the cron ``xmlid``; return ``(done, remaining)``.

        Each batch runs in a savepoint: one that fails on concurrency (a
        serialization failure, a lock not available, a deadlock) is rolled
        back and the cron triggered again, instead of waiting for its next
        interval. In a cron run (``cron_id`` in the context), batches follow
        each other, each committed, while work remains and the time budget
        (:meth:`_lead_management_time_budget`) lasts; their size adapts to
        the time the last one took. Over the budget, the cron reports its
        progress, triggers itself again and stops, well before the worker's
        limits kill it. Outside a cron run, one batch only."""
        cron = self.env.ref(xmlid)
        budget = self._lead_management_time_budget()
        in_cron = bool(self.env.context.get("cron_id"))
        commit = in_cron and not getattr(threading.current_thread(), "testing", False)
        start = time.monotonic()
        done_total, size, max_size = 0, batch_size, max_size or batch_size * 10
        while True:
            batch_start = time.monotonic()
            try:
                with self.env.cr.savepoint():
                    done, remaining = batch(size)
            except OperationalError as error:
                if error.pgcode not in CONCURRENCY_ERRORS:
                    raise
                _logger.info("lead_management: a batch of %s failed on concurrency (%s), triggered again",
                             xmlid, error.pgcode)
                self.env.invalidate_all()
                self._lead_management_trigger_again(cron, done_total)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                return done_total, None
            done_total += done
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            now = time.monotonic()
            if not remaining or not done:
                return done_total, remaining
            if now - start >= budget:
                _logger.info("lead_management: %s used its time budget (%ss), %s left for the next run",
                             xmlid, budget, remaining)
                self._lead_management_trigger_again(cron, done_total)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                return done_total, remaining
            if not in_cron:
                return done_total, remaining
            size = next_batch_size(size, now - batch_start, budget / 4, min_size, max_size)

    @api.model
    def _lead_management_trigger_again(self, cron, done):
        """Have ``cron`` run again soon, and this run end: it reports nothing
        left, so that Odoo's runner does not call it again past the budget.
        The trigger is a second ahead: the runner drops the triggers older
        than the start of the run when it ends."""
        # sudo: triggering a cron is technical, whichever user the cron runs as
        cron.sudo()._trigger(at=fields.Datetime.now() + timedelta(seconds=1))
        self._notify_progress(done=done, remaining=0)
