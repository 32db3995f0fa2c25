import os
import socket
import subprocess
import sys
import time

import requests

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tools import config

API_PATH = "/lead_management/api/v1/leads"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestDatabaseAway(BaseCase):
    """A real Odoo server whose PostgreSQL cannot be reached (a port where
    nothing listens): the capture routes answer 503 and Retry-After when
    this addon is loaded server-wide, where Odoo alone answers 404."""

    def _serve_without_database(self, load):
        port = free_port()
        odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
        process = subprocess.Popen(
            [sys.executable, odoo_bin, f"--addons-path={config['addons_path']}", f"--load={load}",
             "--db_host=127.0.0.1", f"--db_port={free_port()}", "--http-interface=127.0.0.1",
             f"--http-port={port}", "--workers=0", "--max-cron-threads=0", "--log-level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        self.addCleanup(process.wait, 30)
        self.addCleanup(process.terminate)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/web/health", timeout=5)
                return url
            except (requests.ConnectionError, requests.Timeout):
                self.assertIsNone(process.poll(), "the server stopped")
                self.assertLess(time.monotonic(), deadline, "the server did not answer")
                time.sleep(0.2)

    def test_capture_routes_answer_503(self):
        url = self._serve_without_database("base,web,lead_management_server")
        for method, path in (("POST", API_PATH), ("POST", "/lead_management/form/abc123"),
                             ("POST", "/lead_management/webhook/meta/abc123"), ("GET", "/lead_management/health")):
            response = requests.request(method, url + path, json={"email_from": "a@example.com"}, timeout=10)
            self.assertEqual(response.status_code, 503, path)
            self.assertEqual(response.headers["Retry-After"], "30", path)
            self.assertEqual(response.json()["status"], "unavailable", path)
            self.assertIn("database", response.json()["errors"]["__all__"])
        self.assertEqual(requests.get(f"{url}/some/other/page", timeout=10).status_code, 404, "others unchanged")

    def test_odoo_alone_answers_404(self):
        """Why the addon is loaded server-wide: without it, a client reads 'wrong address'."""
        url = self._serve_without_database("base,web")
        self.assertEqual(requests.post(url + API_PATH, json={}, timeout=10).status_code, 404)
