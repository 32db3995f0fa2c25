import json
from unittest import TestCase

from ..tools.redact import REDACTED, is_secret_name, redact_secrets


class TestRedact(TestCase):

    def test_secret_names(self):
        for name in ("google_key", "key", "api_key", "apiKey", "API-KEY", "token", "access_token", "hub.verify_token",
                     "secret", "app_secret", "password", "signature", "X-Hub-Signature-256", "Authorization",
                     "webhook_key", "accessToken"):
            with self.subTest(name=name):
                self.assertTrue(is_secret_name(name))
        for name in ("idempotency_key", "email_from", "lead_id", "keywords", "monkey", "external_id", "gclid",
                     "utm_source", "description", 3, None):
            with self.subTest(name=name):
                self.assertFalse(is_secret_name(name))

    def test_nested_dicts_and_lists(self):
        payload = {"google_key": "s3cret", "lead_id": "42", "idempotency_key": "k-1",
                   "user_column_data": [{"column_id": "EMAIL", "string_value": "a@example.com"}],
                   "auth": {"token": "t0k", "user": "bob"}, "items": [{"api_key": "k"}, "plain"]}
        redacted = redact_secrets(payload)
        self.assertEqual(redacted, {
            "google_key": REDACTED, "lead_id": "42", "idempotency_key": "k-1",
            "user_column_data": [{"column_id": "EMAIL", "string_value": "a@example.com"}],
            "auth": REDACTED, "items": [{"api_key": REDACTED}, "plain"]})
        self.assertEqual(payload["google_key"], "s3cret", "the caller's payload is not changed")

    def test_empty_secrets_and_other_values_as_they_are(self):
        self.assertEqual(redact_secrets({"token": "", "password": None}), {"token": "", "password": None})
        self.assertEqual(redact_secrets(42), 42)
        self.assertIsNone(redact_secrets(None))

    def test_json_body(self):
        body = json.dumps({"google_key": "s3cret", "lead_id": "42"})
        redacted = redact_secrets(body.encode())
        self.assertNotIn("s3cret", redacted)
        self.assertEqual(json.loads(redacted), {"google_key": REDACTED, "lead_id": "42"})
        self.assertEqual(redact_secrets('{"lead_id": "42"}'), '{"lead_id": "42"}', "nothing to redact: as sent")

    def test_broken_json_body(self):
        redacted = redact_secrets('{"lead_id": "42", "google_key": "s3cret", "api_key": 1234, "x": ')
        self.assertNotIn("s3cret", redacted)
        self.assertNotIn("1234", redacted)
        self.assertIn('"lead_id": "42"', redacted)
        self.assertIn(f'"google_key": "{REDACTED}"', redacted)
        self.assertNotIn("cut", redact_secrets('{"token": "cut'))

    def test_form_encoded_body(self):
        self.assertEqual(redact_secrets("email_from=a%40example.com&key=s3cret&hub.verify_token=v&name=Sara"),
                         f"email_from=a%40example.com&key={REDACTED}&hub.verify_token={REDACTED}&name=Sara")
        self.assertEqual(redact_secrets("?access_token=abc;lang=fa"), f"?access_token={REDACTED};lang=fa")
        self.assertEqual(redact_secrets("plain text, a=b"), "plain text, a=b")

    def test_deep_nesting(self):
        self.assertEqual(redact_secrets("[" * 5000 + "]" * 5000), "[" * 5000 + "]" * 5000, "not parsed, kept")
        self.assertIn(f'"token": "{REDACTED}"', redact_secrets('{"a": ' * 5000 + '{"token": "t"}'))
        deep = value = {}
        for _level in range(200):
            value["next"] = value = {}
        value["token"] = "t"
        self.assertNotIn("'t'", str(redact_secrets(deep)))
