from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests.common import TransactionCase


class TestTrackingNotAnApi(TransactionCase):
    """Opens, clicks, replies and bounces come from the tracking routes and
    the mail gateway: over RPC they would add engagement (and score) to
    leads the caller may not read."""

    def test_set_methods_are_private(self):
        for method in ("set_opened", "set_clicked", "set_replied", "set_bounced"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                get_public_method(self.env["mailing.trace"], method)
