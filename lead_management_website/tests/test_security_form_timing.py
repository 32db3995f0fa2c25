import time

from odoo.addons.lead_management.controllers.common import FORM_ANSWER_MS_PARAM
from odoo.tests import HttpCase, tagged

from .test_website_form import FORM_PATH


@tagged("post_install", "-at_install", "lead_management_website")
class TestWebsiteFormInConstantTime(HttpCase):
    """Odoo's website form of leads, like ours, answers a known person and a
    new one no sooner than the floor."""

    def test_known_and_new_wait_for_the_floor(self):
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        self.env["ir.config_parameter"].set_param(FORM_ANSWER_MS_PARAM, "600")
        self.env["crm.lead"].create({"name": "Known", "email_from": "website.timing.known@example.com"})
        durations = {}
        for label in ("known", "new"):
            start = time.monotonic()
            response = self.url_open(FORM_PATH, data={
                "contact_name": label, "email_from": f"website.timing.{label}@example.com", "name": "Timing"})
            durations[label] = time.monotonic() - start
            self.assertEqual((response.status_code, response.json()), (200, {"id": True}))
        self.assertGreaterEqual(min(durations.values()), 0.6, durations)
        logs = self.env["lead.capture.log"].search([("payload", "ilike", "website.timing.")], order="id")
        self.assertEqual(logs.mapped("status"), ["matched", "created"])
