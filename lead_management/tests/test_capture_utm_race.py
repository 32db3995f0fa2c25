from psycopg2 import errors as pg_errors

from odoo.tests import tagged

from .test_capture import CaptureCase


@tagged("post_install", "-at_install")
class TestCaptureUtmRace(CaptureCase):
    """A utm name created at the same time by another capture (another
    transaction, committed after this one began) is a serialization
    failure, which Odoo retries, not a unique violation that loses the lead."""

    def _commit_elsewhere(self, model, name):
        """Create ``name`` in another transaction and commit it; removed again at the end of the test."""
        with self.env.registry.cursor() as cr:
            record_id = self.env(cr=cr)[model].create({"name": name}).id

        def remove():
            with self.env.registry.cursor() as cr:
                self.env(cr=cr)[model].browse(record_id).unlink()
        self.addCleanup(remove)

    def test_name_committed_by_another_capture_is_retried(self):
        self.env.cr.execute("SELECT 1")   # this transaction's snapshot, before the other commits
        for model, key in (("utm.source", "utm_source"), ("utm.medium", "utm_medium"),
                           ("utm.campaign", "utm_campaign")):
            name = f"Race {model} 1405"
            self._commit_elsewhere(model, name)
            with self.assertRaises(pg_errors.SerializationFailure, msg=model):
                self.Lead._capture([{"email_from": f"{key}@example.com", key: name}], "api")
            self.assertFalse(self.env[model].search([("name", "=", name)]), "not visible here: retried")
        # the transaction goes on: a name nobody else created is still created
        result, = self.capture({"email_from": "fresh@example.com", "utm_campaign": "Fresh campaign 1405"})
        self.assertEqual(result["status"], "created")
        self.assertEqual(self.Lead.browse(result["lead_id"]).campaign_id.name, "Fresh campaign 1405")
