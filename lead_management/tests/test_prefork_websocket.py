import json
import os
import socket
import subprocess
import sys
import time

import requests
import websocket

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tools import config

SCREEN_POP = "lead_management.incoming_call"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestPreforkWebsocket(BaseCase):
    """Odoo in prefork mode (2 workers) on this database, as in production:
    its long-polling process starts (its requirements are met: see
    requirements.txt) and a browser session's websocket receives the
    screen pop of an incoming call."""

    def _serve(self):
        http_port, gevent_port = free_port(), free_port()
        db = odoo.tests.common.get_db_name()
        odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
        process = subprocess.Popen(
            [sys.executable, odoo_bin, f"--addons-path={config['addons_path']}", "-d", db, f"--db-filter=^{db}$",
             "--workers=2", "--max-cron-threads=0", "--http-interface=127.0.0.1", f"--http-port={http_port}",
             f"--gevent-port={gevent_port}", "--log-level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
        self.addCleanup(process.wait, 30)
        self.addCleanup(process.terminate)
        deadline = time.monotonic() + 90
        for port in (http_port, gevent_port):
            while True:
                try:
                    requests.get(f"http://127.0.0.1:{port}/web/health", timeout=5)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    self.assertIsNone(process.poll(), "the server stopped")
                    self.assertLess(time.monotonic(), deadline, f"nothing answers on port {port}")
                    time.sleep(0.3)
        return http_port, gevent_port

    def test_screen_pop_reaches_the_websocket(self):
        http_port, gevent_port = self._serve()
        login = requests.post(f"http://127.0.0.1:{http_port}/web/session/authenticate", timeout=30, json={
            "jsonrpc": "2.0", "method": "call",
            "params": {"db": odoo.tests.common.get_db_name(), "login": "admin", "password": "admin"}})
        uid = login.json()["result"]["uid"]
        origin = f"http://127.0.0.1:{gevent_port}"
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{gevent_port}/websocket", timeout=30, origin=origin,
            cookie=f"session_id={login.cookies['session_id']}")
        self.addCleanup(ws.close)
        ws.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
        time.sleep(1)   # the subscription is registered before the notification is sent
        registry = odoo.modules.registry.Registry(odoo.tests.common.get_db_name())
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["res.users"].browse(uid).partner_id._bus_send(SCREEN_POP, {"lead_id": 0, "number": "+989121234567"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for notification in json.loads(ws.recv()):
                if notification["message"]["type"] == SCREEN_POP:
                    self.assertEqual(notification["message"]["payload"]["number"], "+989121234567")
                    return
        self.fail("no screen pop reached the websocket")
