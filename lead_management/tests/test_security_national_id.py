from odoo.tests import tagged

from .test_capture_http import CaptureHttpCase


@tagged("post_install", "-at_install", "lead_management_identifiers")
class TestNumericNationalIdOneRule(CaptureHttpCase):
    """A national id sent as a number gets back its leading zeros whether it
    comes through JSON-RPC or the lead API: one rule for both."""

    def test_json_rpc_and_api_pad_alike(self):
        self.authenticate(self.api_user.login, self.api_user.login)
        lead_id = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "crm.lead", "method": "create", "kwargs": {},
            "args": [{"name": "RPC", "email_from": "rpc-id@example.com", "national_id": 13542419}]})
        self.assertEqual(self.env["crm.lead"].browse(lead_id).national_id, "0013542419")
        response = self.post_api({"email_from": "api-id@example.com", "national_id": 14177772})
        self.assertEqual(response.status_code, 422, "zeros do not make 14177772 valid")
        self.assertIn("national_id", response.json()["errors"])
        response = self.post_api({"email_from": "api-id@example.com", "national_id": 13542419})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["lead_id"], lead_id, "the same person, by the same padded national id")

    def test_api_georgian_number(self):
        response = self.post_api({"email_from": "ge-id@example.com", "country": "GE", "national_id": 1024054321})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(self.env["crm.lead"].browse(response.json()["lead_id"]).national_id, "01024054321")
        response = self.post_api({"email_from": "ge-text@example.com", "country": "GE", "national_id": "1024054321"})
        self.assertEqual(response.status_code, 422, "a text keeps what it says: only numbers lose zeros")
