from odoo.tests import tagged

from .common import NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestSettings(NurtureCase):
    """The over-contact guard round-trips through the settings."""

    def _settings(self, **values):
        self.env["res.config.settings"].create(values).execute()
        return self.env["res.config.settings"].create({})

    def test_round_trip(self):
        params = self.env["ir.config_parameter"]
        settings = self._settings(nurture_max_touches=3, nurture_touch_period_days=14)
        self.assertEqual((settings.nurture_max_touches, settings.nurture_touch_period_days), (3, 14))
        self.assertEqual(params.get_param("lead_management_nurture.max_touches"), "3")
        self.assertEqual(self.env["lead.nurture.enrollment"]._get_guard_settings(), (3, 14))
        self.assertEqual(self.lead_own.nurture_max_touches, 3)
        settings = self._settings(nurture_max_touches=1, nurture_touch_period_days=2)
        self.assertEqual(self.env["lead.nurture.enrollment"]._get_guard_settings(), (1, 2))
        # cleared: back to the defaults, two touches per seven days
        settings = self._settings(nurture_max_touches=0, nurture_touch_period_days=0)
        self.assertFalse(params.get_param("lead_management_nurture.max_touches"))
        self.assertEqual(self.env["lead.nurture.enrollment"]._get_guard_settings(), (2, 7))
        self.assertEqual((settings.nurture_max_touches, settings.nurture_touch_period_days), (2, 7))
