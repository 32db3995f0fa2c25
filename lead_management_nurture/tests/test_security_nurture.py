from freezegun import freeze_time
from lxml import etree

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged, users

from .common import MONDAY_MORNING, NurtureCase


class NurtureSecurityCase(NurtureCase):
    """A user both in marketing and sales, a lead of another company that
    the manager may read too, and the cadence's enrolments of ``leads``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_marketing_salesman = mail_new_test_user(
            cls.env, login="lm_marketing_salesman", name="Marketing Salesman",
            groups="base.group_user,mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman")
        cls.company_other = cls.env["res.company"].create({"name": "LM Other Company"})
        cls.user_manager.company_ids |= cls.company_other
        cls.lead_other_company = cls._create_lead("Other company lead", company_id=cls.company_other.id)
        cls.leads = cls.lead_own | cls.lead_other | cls.lead_unassigned | cls.lead_other_company
        cls.enrollments = cls.env["lead.nurture.enrollment"].create([
            {"cadence_id": cls.cadence.id, "lead_id": lead.id} for lead in cls.leads])


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestSecurityNurture(NurtureSecurityCase):
    """Marketing users read the figures of the nurture analysis, not its
    leads; salespeople its rows of the leads they may read. Audiences and
    conditions, which run as superuser, name only fields their author (and
    whoever enrols by them) may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead_secret = cls._create_nurtured_lead("Secret", national_id="0013542419", country_id=cls.country_ir.id)

    def _report_leads(self):
        return self.env["lead.nurture.report"].search([("cadence_id", "=", self.cadence.id)]).lead_id

    @users("lm_marketing")
    def test_marketing_report_figures_only(self):
        Report = self.env["lead.nurture.report"]
        [row] = Report.read_group([("cadence_id", "=", self.cadence.id)], ["enrolled:sum"], ["cadence_id"])
        self.assertEqual(row["enrolled"], 3, "the figures of the company's leads")
        rows = Report.search([("cadence_id", "=", self.cadence.id)])
        with self.assertRaises(AccessError):
            rows.read(["lead_id"])
        with self.assertRaises(AccessError):
            rows.read(["user_id"])
        with self.assertRaises(AccessError):
            Report.read_group([("cadence_id", "=", self.cadence.id)], ["enrolled:sum"], ["lead_id"])
        with self.assertRaises(AccessError):
            Report.read_group([], ["enrolled:sum"], ["user_id"])
        with self.assertRaises(AccessError):
            Report.search([("lead_id.national_id", "=", "0013542419")])
        views = Report.get_views([(False, "pivot"), (False, "search")])["views"]
        self.assertNotIn("user_id", views["search"]["arch"], "no salesperson to search or group by")

    @users("lm_salesman")
    def test_salesman_report_own_rows(self):
        self.assertEqual(self._report_leads(), self.lead_own | self.lead_unassigned)

    @users("lm_marketing_salesman")
    def test_marketing_salesman_report_own_rows(self):
        self.assertEqual(self._report_leads(), self.lead_unassigned, "no lead of another salesperson")

    @users("lm_manager")
    def test_manager_report_all_rows(self):
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        self.assertEqual(self._report_leads(), self.lead_own | self.lead_other | self.lead_unassigned,
                         "the leads of the allowed companies")
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.env.user.company_ids.ids))
        self.assertIn(self.lead_other_company, self._report_leads())

    @users("lm_marketing")
    def test_marketing_audience_on_lead_fields_refused(self):
        for domain in ("[('national_id', '=', '0013542419')]", "[('email_from', '=', 'secret@example.com')]"):
            with self.subTest(domain=domain), self.assertRaisesRegex(ValidationError, "you cannot read it"):
                self.env["lead.nurture.cadence"].create({"name": "Probe", "domain": domain})
        with self.assertRaisesRegex(ValidationError, "national_id"):
            self.step_second.with_env(self.env).domain = "[('national_id', '=', '0013542419')]"
        self.assertFalse(self.lead_secret.nurture_enrollment_ids)  # as superuser: marketing users may not see leads

    @users("lm_marketing")
    def test_marketing_enrol_now_refused(self):
        cadence = self.cadence.with_env(self.env)
        cadence.step_ids[0].delay = 1  # the rest of the cadence is theirs to edit
        with self.assertRaisesRegex(ValidationError, "temperature"):
            cadence.action_enroll_audience()

    @users("lm_manager")
    def test_manager_audience_related_and_any_paths(self):
        Cadence = self.env["lead.nurture.cadence"]
        for domain in ("[('partner_id.credit_limit', '>', 0)]",
                       "[('partner_id', 'any', [('credit_limit', '>', 0)])]",
                       "[('partner_id', 'not any', [('user_id.totp_secret', '!=', False)])]"):
            with self.subTest(domain=domain), self.assertRaisesRegex(ValidationError, "you cannot read it"):
                Cadence.create({"name": "Probe", "domain": domain})
        with self.assertRaisesRegex(ValidationError, "credit_limit"):
            self.step_second.with_env(self.env).domain = "[('partner_id.credit_limit', '>', 0)]"
        cadence = Cadence.create({"name": "Secret", "domain": "[('national_id', '=', '0013542419')]", "step_ids": [
            (0, 0, {"name": "Hello", "kind": "email", "mail_template_id": self.template_welcome.id})]})
        cadence.action_enroll_audience()
        self.assertEqual(cadence.enrollment_ids.lead_id, self.lead_secret)

    @users("lm_salesman")
    def test_salesman_enrols_by_audience_they_may_read(self):
        # a cadence written by an administrator who reads credit limits
        cadence = self.cadence.sudo().copy({"domain": "[('partner_id.credit_limit', '>=', 0)]"})
        wizard = self.env["lead.nurture.enroll"].create({"cadence_id": cadence.id, "lead_ids": self.lead_own.ids})
        with self.assertRaisesRegex(ValidationError, "credit_limit"):
            wizard.action_enroll()
        self.assertFalse(cadence.sudo().enrollment_ids)
        wizard.apply_audience = False
        wizard.action_enroll()
        self.assertEqual(cadence.sudo().enrollment_ids.lead_id, self.lead_own)


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestSecurityNurtureEnrollment(NurtureSecurityCase):
    """Marketing users follow the enrolments and touches of their cadences
    without learning which leads are in them; salespeople see those of the
    leads they may read, managers all of their companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.touches = cls.env["lead.nurture.touch"].create([
            {"enrollment_id": enrollment.id, "lead_id": enrollment.lead_id.id, "step_id": cls.step_welcome.id}
            for enrollment in cls.enrollments])

    def _open_list(self, model, domain):
        """Open the list and search views of ``model`` as the web client does:
        get_views, then web_search_read of the list's fields."""
        Model = self.env[model]
        views = Model.get_views([(False, "list"), (False, "search")])["views"]
        arch = etree.fromstring(views["list"]["arch"])
        spec = {node.get("name"): {} for node in arch.iterchildren("field")}
        return views, Model.web_search_read(domain, spec)["records"]

    @users("lm_marketing")
    def test_marketing_enrollments_figures_only(self):
        Enrollment = self.env["lead.nurture.enrollment"]
        enrollments = Enrollment.search([("cadence_id", "=", self.cadence.id)])
        self.assertEqual(len(enrollments), 3, "the enrolments of the company's leads")
        values = enrollments.read(["state", "step_id", "next_date", "enroll_date", "display_name"])
        self.assertEqual({row["display_name"] for row in values}, {self.cadence.name}, "no lead name")
        for fname in ("lead_id", "user_id"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                enrollments.read([fname])
        with self.assertRaises(AccessError):
            Enrollment.search([("lead_id.name", "=", self.lead_own.name)])
        with self.assertRaises(AccessError):
            Enrollment.read_group([], ["state"], ["user_id"])
        [group] = Enrollment.read_group([("cadence_id", "=", self.cadence.id)], ["state"], ["state"])
        self.assertEqual(group["state_count"], 3)
        self.env.invalidate_all()  # as a new request: the lead of the enrolments was cached at their creation
        enrollments[0].action_remove()
        self.assertEqual(enrollments[0].exit_reason, "removed")
        self.assertIn("Left the nurture cadence", enrollments[0].sudo().lead_id.message_ids[0].body)

    @users("lm_marketing")
    def test_marketing_touches_figures_only(self):
        touches = self.env["lead.nurture.touch"].search([("cadence_id", "=", self.cadence.id)])
        self.assertEqual(len(touches), 3, "the touches of the company's leads")
        [values, *__] = touches.read(["state", "date", "step_id", "enrollment_id"])
        self.assertEqual(values["enrollment_id"][1], self.cadence.name, "no lead name")
        with self.assertRaises(AccessError):
            touches.read(["lead_id"])
        with self.assertRaises(AccessError):
            self.env["lead.nurture.touch"].search([("lead_id.name", "=", self.lead_own.name)])

    @users("lm_marketing")
    def test_marketing_opens_views(self):
        cadence = Form(self.cadence.with_env(self.env))
        self.assertEqual(cadence.name, self.cadence.name)
        views, records = self._open_list("lead.nurture.enrollment", [("cadence_id", "=", self.cadence.id)])
        self.assertEqual(len(records), 3)
        for view in views.values():
            self.assertNotIn('"lead_id"', view["arch"])
            self.assertNotIn('"user_id"', view["arch"])
        enrollment = Form(self.env["lead.nurture.enrollment"].browse(records[0]["id"]))
        self.assertEqual(len(enrollment.touch_ids), 1)
        self.assertNotIn(self.lead_own.name, str(records))

    @users("lm_salesman")
    def test_salesman_own_enrollments(self):
        __, records = self._open_list("lead.nurture.enrollment", [("cadence_id", "=", self.cadence.id)])
        self.assertEqual({record["lead_id"] for record in records}, {self.lead_own.id, self.lead_unassigned.id})
        enrollment = Form(self.enrollments[0].with_env(self.env))
        self.assertEqual(enrollment.lead_id, self.lead_own)
        touches = self.env["lead.nurture.touch"].search([("cadence_id", "=", self.cadence.id)])
        self.assertEqual(touches.lead_id, self.lead_own | self.lead_unassigned)

    @users("lm_manager")
    def test_manager_all_enrollments(self):
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.company.ids))
        domain = [("cadence_id", "=", self.cadence.id)]
        enrollments = self.env["lead.nurture.enrollment"].search(domain)
        self.assertEqual(enrollments.lead_id, self.leads - self.lead_other_company)
        self.assertEqual(enrollments.user_id, self.user_salesman | self.user_salesman_other)
        self.assertEqual(self.env["lead.nurture.touch"].search(domain).lead_id, self.leads - self.lead_other_company)
        self.env = self.env(context=dict(self.env.context, allowed_company_ids=self.env.user.company_ids.ids))
        self.assertEqual(self.env["lead.nurture.touch"].search(domain).lead_id, self.leads)
        self.assertEqual(self.env["lead.nurture.enrollment"].search(domain).lead_id, self.leads)

    @users("lm_marketing_salesman")
    def test_marketing_salesman_own_enrollments(self):
        enrollments = self.env["lead.nurture.enrollment"].search([("cadence_id", "=", self.cadence.id)])
        self.assertEqual(enrollments.lead_id, self.lead_unassigned, "no lead of another salesperson")
        touches = self.env["lead.nurture.touch"].search([("cadence_id", "=", self.cadence.id)])
        self.assertEqual(touches.lead_id, self.lead_unassigned)

    def test_cron_sends_touches(self):
        """The cadence cron, as its user, still reads the leads it nurtures."""
        lead = self._create_nurtured_lead("Cron lead", temperature="cold")
        enrollment = self._enroll(lead)
        cron = self.env.ref("lead_management_nurture.ir_cron_nurture")
        self.env["lead.nurture.enrollment"].with_user(cron.user_id)._cron_process()
        self.assertEqual(enrollment.touch_ids.mapped("state"), ["done"])
        self.assertEqual(enrollment.touch_ids.mailing_trace_id, self._trace(lead))
        self.assertEqual(enrollment.step_id, self.step_second)
