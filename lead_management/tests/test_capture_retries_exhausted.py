import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

import odoo
from odoo.api import SUPERUSER_ID, Environment
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import config

EMAIL = "lm.retries.exhausted@example.com"
ADS_EMAIL = "lm.retries.exhausted.ads@example.com"
CALL_ID = "lm-retries-exhausted-1"
API_PATH = "/lead_management/api/v1/leads"
CALLS_PATH = "/lead_management/api/v1/calls"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install", "lead_management_capture")
class TestCaptureRetriesExhausted(BaseCase):
    """A request whose every try fails on concurrency (the person's capture
    lock held by another transaction until PostgreSQL's lock_timeout):
    after Odoo's last retry it answers 503 with Retry-After, and the
    request is in the capture log, committed, to be replayed. The server
    runs in a process of its own, with real transactions (a test request
    would share the test's transaction)."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = Environment(cr, SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            self.admin_id = admin.id
            self.api_key = env["res.users.apikeys"].with_user(admin)._generate(None, "retries exhausted", None)
            self.form = env["lead.capture.form"].create({
                "name": "Retries exhausted", "channel": "google_ads",
                "team_id": env["crm.team"].search([("use_leads", "=", True)], limit=1).id})
            self.form_id, self.form_token, self.webhook_key = self.form.id, self.form.token, self.form.webhook_key
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        with self.registry.cursor() as cr:
            env = Environment(cr, SUPERUSER_ID, {})
            env["lead.capture.log"].search(["|", "|", ("payload", "like", EMAIL), ("payload", "like", CALL_ID),
                                            ("form_id", "=", self.form_id)]).unlink()
            env["crm.lead"].with_context(active_test=False).search([("email_from", "in", (EMAIL, ADS_EMAIL))]).unlink()
            env["lead.capture.form"].browse(self.form_id).unlink()
            env["res.users.apikeys"].search([("name", "=", "retries exhausted")]).unlink()

    def _serve(self):
        """Odoo on this database, each of its lock waits limited to 0.2 s."""
        port = free_port()
        db = get_db_name()
        odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
        process = subprocess.Popen(
            [sys.executable, odoo_bin, f"--addons-path={config['addons_path']}", "-d", db, f"--db-filter=^{db}$",
             "--max-cron-threads=0", "--http-interface=127.0.0.1", f"--http-port={port}", "--log-level=critical"],
            env={**os.environ, "PGOPTIONS": "-c lock_timeout=200"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
        self.addCleanup(process.wait, 30)
        self.addCleanup(process.terminate)
        deadline = time.monotonic() + 90
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/web/health", timeout=5)
                return port
            except (requests.ConnectionError, requests.Timeout):
                self.assertIsNone(process.poll(), "the server stopped")
                self.assertLess(time.monotonic(), deadline, "the server does not answer")
                time.sleep(0.3)

    def test_last_try_is_logged_and_answered_503(self):
        """A lead (API), a call and a Google Ads lead, each refused after its last try."""
        port = self._serve()
        requests_sent = {
            "api": (API_PATH, {"name": "Retries exhausted", "contact_name": "Sara Rahimi", "email_from": EMAIL}),
            "call": (CALLS_PATH, {"caller": "+989120009911", "status": "answered", "duration": 5,
                                  "call_id": CALL_ID}),
            "google_ads": (f"/lead_management/webhook/google_ads/{self.form_token}", {
                "lead_id": "G-retries-1", "google_key": self.webhook_key, "user_column_data": [
                    {"column_id": "FULL_NAME", "string_value": "Sara Karimi"},
                    {"column_id": "EMAIL", "string_value": ADS_EMAIL}]}),
        }

        def post(path, payload):
            return requests.post(
                f"http://127.0.0.1:{port}{path}", data=json.dumps(payload), timeout=120,
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}",
                         "Accept-Language": "en-US"})

        with self.registry.cursor() as blocker:
            # other transactions capturing the same person and call, open for the whole requests
            Lead = Environment(blocker, SUPERUSER_ID, {})["crm.lead"]
            Lead._capture_lock([*Lead._get_match_keys({"email_from": EMAIL}, ["email_from"]),
                                *Lead._get_match_keys({"email_from": ADS_EMAIL}, ["email_from"]),
                                ("idempotency", CALL_ID)])
            with ThreadPoolExecutor(len(requests_sent)) as executor:
                futures = {channel: executor.submit(post, *request) for channel, request in requests_sent.items()}
                responses = {channel: future.result() for channel, future in futures.items()}
            blocker.rollback()
        with self.registry.cursor() as cr:
            env = Environment(cr, SUPERUSER_ID, {})
            for channel, (_path, payload) in requests_sent.items():
                with self.subTest(channel=channel):
                    response = responses[channel]
                    self.assertEqual(response.status_code, 503, response.text)
                    self.assertEqual(response.headers.get("Retry-After"), "60")
                    self.assertIn("other requests changed the same records", response.json()["errors"]["__all__"])
                    logs = env["lead.capture.log"].search([("payload", "like", {
                        "api": EMAIL, "call": CALL_ID, "google_ads": ADS_EMAIL}[channel])])
                    # a try committed by mistake would have logged its capture too
                    self.assertEqual(len(logs), 1, "the refused request is logged once, not once per try")
                    self.assertRecordValues(logs, [{
                        "channel": channel, "status": "error", "remote_addr": "127.0.0.1", "lead_id": False,
                        "api_user_id": False if channel == "google_ads" else self.admin_id,
                        "form_id": self.form_id if channel == "google_ads" else False}])
                    if channel != "google_ads":  # a Google Ads lead is logged as read, without its key
                        self.assertEqual(json.loads(logs.payload), payload)
                    self.assertIn("kept in the capture log to be replayed", logs.error)
            self.assertFalse(env["crm.lead"].with_context(active_test=False).search(
                [("email_from", "in", (EMAIL, ADS_EMAIL))]),
                             "nothing of the refused tries is committed")
