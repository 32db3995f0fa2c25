import contextlib
import http.client
from urllib.parse import urlsplit

from odoo.tests import tagged

from ..controllers.capture import API_MAX_BODY, FORM_MAX_BODY
from ..controllers.webhooks import WEBHOOK_MAX_BODY
from .test_capture_http import API_PATH, CaptureHttpCase


@tagged("post_install", "-at_install", "lead_management_capture")
class TestChunkedBodies(CaptureHttpCase):
    """A body sent with Transfer-Encoding: chunked has no Content-Length:
    it is read up to the route's limit, never parsed whole."""

    def post_chunked(self, path, body, headers):
        url = urlsplit(self.base_url())
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        chunks = (body[start:start + 16384] for start in range(0, len(body), 16384))
        # the server may answer without reading the rest: the answer is waiting
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read().decode()

    def test_chunked_form_larger_than_the_limit(self):
        body = b"email_from=chunked%40example.com&contact_name=Chunked&lm_elapsed=5&description=" \
            + b"x" * (5 * 1024 * 1024)
        status, text = self.post_chunked(f"/lead_management/form/{self.form.token}", body, {
            "Origin": "https://www.example.com", "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json"})
        self.assertEqual(status, 413, text)
        self.assertIn(f"larger than {FORM_MAX_BODY} bytes", text)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "chunked@example.com")]))
        self.assertFalse(self.Log.search([("payload", "ilike", "chunked@example.com")]))

    def test_chunked_form_within_the_limit(self):
        body = b"email_from=small.chunked%40example.com&contact_name=Chunked&lm_elapsed=5"
        status, text = self.post_chunked(f"/lead_management/form/{self.form.token}", body, {
            "Origin": "https://www.example.com", "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json"})
        self.assertEqual(status, 200, text)
        self.assertTrue(self.env["crm.lead"].search([("email_from", "=", "small.chunked@example.com")]))

    def test_chunked_api_body_larger_than_the_limit(self):
        body = b'{"email_from": "chunked.api@example.com", "description": "' + b"x" * (2 * API_MAX_BODY) + b'"}'
        status, text = self.post_chunked(API_PATH, body, {
            "Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"})
        self.assertEqual(status, 413, text)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "chunked.api@example.com")]))

    def test_chunked_webhook_body_larger_than_the_limit(self):
        google = self.env["lead.capture.form"].create({"name": "Chunked ads", "channel": "google_ads"})
        body = b'{"lead_id": "G-chunked", "google_key": "' + google.webhook_key.encode() + b'", "user_column_data": [' \
            + b'{"column_id": "EMAIL", "string_value": "chunked.ads@example.com"}], "pad": "' \
            + b"x" * (2 * WEBHOOK_MAX_BODY) + b'"}'
        status, text = self.post_chunked(f"/lead_management/webhook/google_ads/{google.token}", body, {
            "Content-Type": "application/json"})
        self.assertEqual(status, 413, text)
        log = self.Log.search([("form_id", "=", google.id)])
        self.assertEqual((log.status, log.error), ("rejected", f"The request is larger than {WEBHOOK_MAX_BODY} bytes."))
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "chunked.ads@example.com")]))
