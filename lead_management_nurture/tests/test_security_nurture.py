from freezegun import freeze_time

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged, users

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestSecurityNurture(NurtureCase):
    """Marketing users read the figures of the nurture analysis, not its
    leads; salespeople its rows of the leads they may read. Audiences and
    conditions, which run as superuser, name only fields their author (and
    whoever enrols by them) may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_marketing_salesman = mail_new_test_user(
            cls.env, login="lm_marketing_salesman", name="Marketing Salesman",
            groups="base.group_user,mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman")
        cls.company_other = cls.env["res.company"].create({"name": "LM Other Company"})
        cls.user_manager.company_ids |= cls.company_other
        cls.lead_secret = cls._create_nurtured_lead("Secret", national_id="0013542419", country_id=cls.country_ir.id)
        cls.lead_other_company = cls._create_lead("Other company lead", company_id=cls.company_other.id)
        cls.env["lead.nurture.enrollment"].create([
            {"cadence_id": cls.cadence.id, "lead_id": lead.id}
            for lead in cls.lead_own | cls.lead_other | cls.lead_unassigned | cls.lead_other_company])

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
        self.assertFalse(self.env["lead.nurture.enrollment"].search([("lead_id", "=", self.lead_secret.id)]))

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
