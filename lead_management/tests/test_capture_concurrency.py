import random
import threading
import time

import psycopg2

from odoo.api import SUPERUSER_ID, Environment, Transaction
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

EMAIL = "lm.concurrent.capture@example.com"


@tagged("post_install", "-at_install", "lead_management_capture")
class TestConcurrentCapture(BaseCase):
    """The same person submitting 20 times at the same moment, each request
    in its own transaction as Odoo's workers run them (retried on
    serialization failures, as Odoo retries HTTP requests): one lead."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.addCleanup(self._delete_committed_data)

    def _env(self, cr):
        # Odoo's runner holds the registry lock while it runs the tests: an
        # environment made in another thread must not ask Registry() for it
        if cr.transaction is None:
            cr.transaction = Transaction(self.registry)
        return Environment(cr, SUPERUSER_ID, {"lead_management_auto_assign": False})

    def _delete_committed_data(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            leads = env["crm.lead"].with_context(active_test=False).search([("email_from", "=", EMAIL)])
            env["lead.capture.log"].search(["|", ("lead_id", "in", leads.ids),
                                            ("payload", "like", EMAIL)]).unlink()
            leads.unlink()

    def _submit(self, barrier, results, payload):
        """One request: retried in a new transaction on a serialization
        failure, as Odoo retries a request (not with
        odoo.service.model.retrying, which asks Registry() for the registry
        that Odoo's runner keeps locked)."""
        barrier.wait()
        for attempt in range(20):
            try:
                # the expected serialization failures are not bad queries
                with mute_logger("odoo.sql_db"), self.registry.cursor() as cr:
                    result = self._env(cr)["crm.lead"]._capture([payload], "api")[0]
                results.append(result)
                return
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                time.sleep(random.uniform(0, min(2 ** attempt, 8) * 0.1))
            except Exception as error:
                results.append({"status": repr(error)})
                return

    def _run(self, payload, count=20):
        barrier, results = threading.Barrier(count), []
        threads = [threading.Thread(target=self._submit, args=(barrier, results, payload)) for _i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return results

    def test_twenty_identical_submissions_make_one_lead(self):
        results = self._run({"contact_name": "Concurrent", "email_from": EMAIL, "mobile": "+98 912 111 0000"})
        self.assertEqual(len(results), 20)
        self.assertEqual(sorted(result["status"] for result in results), ["created"] + ["matched"] * 19)
        self.assertEqual(len({result["lead_id"] for result in results}), 1)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            lead = env["crm.lead"].search([("email_from", "=", EMAIL)])
            self.assertEqual(len(lead), 1)
            logs = env["lead.capture.log"].search([("lead_id", "=", lead.id)])
            self.assertEqual(sorted(logs.mapped("status")), ["created"] + ["matched"] * 19)

    def test_retries_with_one_idempotency_key_get_the_first_answer(self):
        results = self._run({"email_from": EMAIL, "idempotency_key": "lm-concurrent-1"}, count=5)
        self.assertEqual([result["status"] for result in results], ["created"] * 5)
        self.assertEqual(len({result["lead_id"] for result in results}), 1)
