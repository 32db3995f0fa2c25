from odoo.tests import HttpCase, tagged

HEALTH_PATH = "/lead_management/health"


@tagged("post_install", "-at_install")
class TestHealth(HttpCase):

    def test_health_with_cron_lag_and_waiting_work(self):
        response = self.url_open(HEALTH_PATH)
        self.assertEqual(response.status_code, 200)
        before = response.json()
        self.assertEqual((before["status"], before["database"]), ("ok", "ok"))
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.env.cr.execute("""
            UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' - INTERVAL '1 hour'
             WHERE id = %s""", [self.env.ref("lead_management.ir_cron_sla_escalation").id])
        self.env["lead.capture.log"].create({"channel": "meta", "status": "waiting", "payload": "{}"})
        after = self.url_open(HEALTH_PATH).json()
        self.assertGreaterEqual(after["cron_lag_seconds"], 3600)
        self.assertLess(after["cron_lag_seconds"], 3600 + 600)
        self.assertEqual(after["pending_meta_fetches"], before["pending_meta_fetches"] + 1)
        self.assertEqual(after["pending_imports"], before["pending_imports"])
