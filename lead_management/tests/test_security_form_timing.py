import time

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..controllers.common import FORM_ANSWER_MS_PARAM
from ..tools.timing import padded_duration
from .test_capture_http import CaptureHttpCase


class TestPaddedDuration(BaseCase):

    def test_floor_then_its_multiples(self):
        self.assertEqual(padded_duration(0.063, 0.4), 0.4)
        self.assertEqual(padded_duration(0.108, 0.4), 0.4)
        self.assertEqual(padded_duration(0.4, 0.4), 0.4)
        self.assertEqual(padded_duration(0.5, 0.4), 0.8)
        self.assertEqual(padded_duration(0.25, 0), 0.25)


@tagged("post_install", "-at_install", "lead_management_capture")
class TestFormAnswersInConstantTime(CaptureHttpCase):
    """A known person's submission and a new one's are answered no sooner
    than the floor: their own durations (63 ms and 108 ms) do not show."""

    def test_known_and_new_wait_for_the_floor(self):
        self.env["ir.config_parameter"].set_param(FORM_ANSWER_MS_PARAM, "600")
        self.post_form({"email_from": "timing.known@example.com", "contact_name": "Known"})
        durations = {}
        for label, email in (("known", "timing.known@example.com"), ("new", "timing.new@example.com")):
            start = time.monotonic()
            response = self.post_form({"email_from": email, "contact_name": label.title()},
                                      headers={"Accept": "application/json"})
            durations[label] = time.monotonic() - start
            self.assertEqual((response.status_code, response.json()), (200, {"ok": True}))
            self.assertEqual(response.headers["Content-Length"], str(len(response.content)))
        self.assertGreaterEqual(min(durations.values()), 0.6, durations)
        self.assertEqual(self.Log.search([("payload", "ilike", "timing.")], order="id").mapped("status"),
                         ["created", "matched", "created"])
