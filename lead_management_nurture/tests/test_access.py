from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestAccess(NurtureCase):
    """Sales managers and marketing users edit cadences; salespeople read
    them and see (and end) the enrolments of their own leads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enrollment_own = cls.env["lead.nurture.enrollment"].create(
            {"cadence_id": cls.cadence.id, "lead_id": cls.lead_own.id})
        cls.enrollment_other = cls.env["lead.nurture.enrollment"].create(
            {"cadence_id": cls.cadence.id, "lead_id": cls.lead_other.id})
        cls.touch_own, cls.touch_other = cls.env["lead.nurture.touch"].create([
            {"enrollment_id": enrollment.id, "lead_id": enrollment.lead_id.id, "step_id": cls.step_welcome.id}
            for enrollment in cls.enrollment_own | cls.enrollment_other])

    def test_matrix(self):
        roles = {"salesman": self.user_salesman, "salesman_all": self.user_salesman_all,
                 "manager": self.user_manager, "marketing": self.user_marketing, "employee": self.user_employee}
        self.assertAccessMatrix([
            (self.cadence, "r", "r", "rw", "rw", ""),
            (self.step_welcome, "r", "r", "rw", "rw", ""),
            (self.step_welcome.variant_ids, "r", "r", "rw", "rw", ""),
            (self.enrollment_own, "rw", "rw", "rw", "rw", ""),
            (self.enrollment_other, "", "rw", "rw", "rw", ""),
            (self.touch_own, "r", "r", "rw", "r", ""),
            (self.touch_other, "", "r", "rw", "r", ""),
            # the analysis: marketing users read its figures, not its lead nor salesperson
            (self.env["lead.nurture.report"].browse(self.enrollment_own.id * 3), "r", "r", "r", "r", ""),
            (self.env["lead.nurture.report"].browse(self.enrollment_other.id * 3), "", "r", "r", "r", ""),
        ], roles)

    @users("lm_manager")  # marketing users without sales rights may not filter leads (test_security_nurture)
    def test_edit_cadences(self):
        email = f"audience.{self.env.user.login}@example.com"
        audience = self._create_nurtured_lead("Audience", email_from=email)
        cadence = self.env["lead.nurture.cadence"].create({
            "name": "By " + self.env.user.name,
            "domain": repr([("email_from", "=", email)]),
            "step_ids": [(0, 0, {"name": "Hello", "kind": "email", "mail_template_id": self.template_welcome.id})],
        })
        cadence.step_ids.delay = 3
        self.assertEqual(cadence.step_ids.delay, 3)
        action = cadence.action_enroll_audience()
        self.assertEqual(action["params"]["message"], "1 leads enrolled.")
        enrollment = self.env["lead.nurture.enrollment"].search([("cadence_id", "=", cadence.id)])
        self.assertEqual(enrollment.lead_id, audience)
        cadence.unlink()
        self.assertFalse(cadence.exists())

    @users("lm_salesman")
    def test_salesperson(self):
        with self.assertRaises(AccessError):
            self.env["lead.nurture.cadence"].create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.cadence.with_env(self.env).name = "Renamed"
        visible = self.env["lead.nurture.enrollment"].search([])
        self.assertIn(self.enrollment_own, visible)
        self.assertNotIn(self.enrollment_other, visible)
        self.lead_own.with_env(self.env).action_view_nurture_enrollments()
        self.enrollment_own.with_env(self.env).action_remove()
        self.assertEqual(self.enrollment_own.exit_reason, "removed")
        with self.assertRaises(AccessError):
            self.enrollment_other.with_env(self.env).action_remove()
        self.assertEqual(self.enrollment_other.state, "active")
        with self.assertRaises(AccessError):
            self.enrollment_own.with_env(self.env).unlink()

    @users("lm_employee")
    def test_employee_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["lead.nurture.enrollment"].search([])
        with self.assertRaises(AccessError):
            self.env["lead.nurture.report"].search([])
