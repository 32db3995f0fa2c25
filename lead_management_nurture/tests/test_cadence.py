from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestCadence(NurtureCase):
    """Enrolment by audience, step timing, variants and conditions."""

    def test_audience_enrolled_then_email_sent_through_the_mailing_engine(self):
        cold = self._create_nurtured_lead("Cold lead")
        no_email = self._create_nurtured_lead("No email", email_from=False)
        other_team = self._create_lead("Georgia lead", team=self.team_georgia, email_from="ge@example.com")
        self.env["lead.nurture.enrollment"]._cron_process()
        enrollment = cold.nurture_enrollment_ids
        self.assertEqual(len(enrollment), 1)
        self.assertFalse(no_email.nurture_enrollment_ids, "outside the audience: no e-mail")
        self.assertFalse(other_team.nurture_enrollment_ids, "outside the audience: another team")
        # the first step has no delay: the same run sends it
        self.assertEqual(enrollment.step_id, self.step_second)
        self.assertEqual(enrollment.next_date, MONDAY_MORNING + timedelta(days=2))
        trace = self._trace(cold)
        self.assertEqual(trace.mass_mailing_id, self.step_welcome.mailing_id)
        self.assertEqual(trace.mass_mailing_id.nurture_step_id, self.step_welcome)
        mail = trace.mail_mail_id
        self.assertEqual(mail.subject, "Welcome Cold lead Ltd")
        self.assertIn("/r/", mail.body_html, "links tracked by the link tracker")
        self.assertEqual(enrollment.touch_ids.mailing_trace_id, trace)
        self.assertEqual(cold.nurture_recent_touch_count, 1)
        # the cron enrols nobody twice
        self.env["lead.nurture.enrollment"]._cron_process()
        self.assertEqual(len(cold.nurture_enrollment_ids), 1)

    def test_cron_works_in_batches_and_reports_progress(self):
        leads = [self._create_nurtured_lead(f"Batch {index}") for index in range(3)]
        cron = self.env.ref("lead_management_nurture.ir_cron_nurture")
        Enrollment = self.env["lead.nurture.enrollment"]

        def run():
            progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
            Enrollment.with_context(ir_cron_progress_id=progress.id)._cron_process(batch_size=2)
            return progress

        progress = run()
        self.assertEqual((progress.done, progress.remaining), (4, 2), "two enrolled and sent; maybe more to enrol")
        self.assertEqual(len(Enrollment.search([("lead_id", "in", [lead.id for lead in leads])])), 2)
        progress = run()
        self.assertEqual((progress.done, progress.remaining), (2, 0))
        self.assertTrue(all(self._trace(lead) for lead in leads))

    def test_email_in_the_lead_language(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.template_welcome.with_context(lang="fa_IR").subject = "خوش آمدید {{ object.partner_name }}"
        persian = self._create_nurtured_lead("Persian", lang_id=self.env["res.lang"]._lang_get("fa_IR").id)
        english = self._create_nurtured_lead("English")
        self._enroll(persian | english)
        self._run_due()
        self.assertEqual(self._trace(persian).mail_mail_id.subject, "خوش آمدید Persian Ltd")
        self.assertEqual(self._trace(english).mail_mail_id.subject, "Welcome English Ltd")

    def test_step_timing(self):
        self.env["ir.config_parameter"].set_param("lead_management_nurture.max_touches", "3")
        lead = self._create_nurtured_lead("Timed")
        enrollment = self._enroll(lead)
        self._run_due()
        self.assertEqual(enrollment.step_id, self.step_second)
        with freeze_time(MONDAY_MORNING + timedelta(days=1)):
            self._run_due()
            self.assertEqual(enrollment.step_id, self.step_second, "not due before two days")
        with freeze_time(MONDAY_MORNING + timedelta(days=2)):
            self._run_due()
            self.assertEqual(enrollment.step_id, self.step_call)
            self.assertEqual(enrollment.next_date, MONDAY_MORNING + timedelta(days=5))
        with freeze_time(MONDAY_MORNING + timedelta(days=5)):
            self._run_due()
        self.assertEqual(enrollment.state, "done")
        activity = lead.activity_ids.filtered(lambda a: a.summary == "Call about the case study")
        self.assertEqual(activity.user_id, self.user_salesman)
        self.assertEqual(activity.summary, "Call about the case study")
        self.assertEqual(enrollment.touch_ids.mapped("step_id"), self.step_call | self.step_second | self.step_welcome)

    def test_delay_counted_from_enrollment(self):
        self.step_second.write({"delay_from": "enrollment", "delay": 1})
        lead = self._create_nurtured_lead("From enrolment")
        enrollment = self._enroll(lead)
        with freeze_time(MONDAY_MORNING + timedelta(hours=5)):
            self._run_due()
        self.assertEqual(enrollment.step_id, self.step_second)
        self.assertEqual(enrollment.next_date, MONDAY_MORNING + timedelta(days=1))

    def test_variant_by_industry_else_default(self):
        manufacturer = self._create_nurtured_lead("Maker", industry_id=self.industry_manufacturing.id)
        other = self._create_nurtured_lead("Retailer")
        self._enroll(manufacturer | other)
        self._run_due()
        variant = self.step_welcome.variant_ids
        self.assertEqual(self._trace(manufacturer).mail_mail_id.subject, "Downtime at Maker Ltd")
        self.assertEqual(self._trace(manufacturer).mass_mailing_id, variant.mailing_id)
        self.assertEqual(manufacturer.nurture_enrollment_ids.variant_id, variant)
        self.assertEqual(self._trace(other).mail_mail_id.subject, "Welcome Retailer Ltd")
        self.assertFalse(other.nurture_enrollment_ids.variant_id)

    def test_variant_by_specialty(self):
        software = self.env.ref("lead_management.lead_specialty_software")
        self.step_welcome.variant_ids.write({"industry_id": False, "specialty_ids": [(6, 0, software.ids)]})
        lead = self._create_nurtured_lead("Coder", specialty_ids=[(6, 0, software.ids)])
        self._enroll(lead)
        self._run_due()
        self.assertEqual(self._trace(lead).mail_mail_id.subject, "Downtime at Coder Ltd")

    def test_condition_not_met_skips_the_step(self):
        self.step_welcome.domain = "[('phone', '!=', False)]"
        lead = self._create_nurtured_lead("No phone", phone=False)
        enrollment = self._enroll(lead)
        self._run_due()
        self.assertFalse(self._trace(lead))
        self.assertEqual(enrollment.touch_ids.state, "skipped")
        self.assertEqual(enrollment.step_id, self.step_second)
        self.assertEqual(lead.nurture_recent_touch_count, 0, "a skipped step is no touch")

    def test_archived_cadence_pauses(self):
        lead = self._create_nurtured_lead("Paused")
        enrollment = self._enroll(lead)
        self.cadence.active = False
        self._run_due()
        self.assertFalse(self._trace(lead))
        self.assertEqual((enrollment.state, enrollment.step_id), ("active", self.step_welcome))
        self.cadence.active = True
        self._run_due()
        self.assertTrue(self._trace(lead))

    def test_deleted_step_ends_the_enrollment(self):
        lead = self._create_nurtured_lead("Orphan")
        enrollment = self._enroll(lead)
        self._run_due()
        self.step_second.unlink()
        with freeze_time(MONDAY_MORNING + timedelta(days=2)):
            self._run_due()
        self.assertEqual(enrollment.state, "done")

    def test_reenrollment_rule(self):
        lead = self._create_nurtured_lead("Again")
        first = self._enroll(lead)
        first._exit("removed")
        self.assertFalse(self.cadence._enroll_audience(), "never: a lead goes through once")
        self.cadence.write({"reenroll_mode": "after_end", "reenroll_delay_days": 10})
        self.assertFalse(self.cadence._enroll_audience(), "not before ten days")
        with freeze_time(MONDAY_MORNING + timedelta(days=11)):
            self.assertEqual(self.cadence._enroll_audience().lead_id, lead)

    def test_one_active_enrollment_per_lead_and_cadence(self):
        lead = self._create_nurtured_lead("Once")
        self._enroll(lead)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._enroll(lead)
            self.env.flush_all()

    def test_manual_enrollment_wizard(self):
        self.cadence.enrollment_mode = "manual"
        in_audience = self._create_nurtured_lead("Chosen")
        hot = self._create_nurtured_lead("Outside", email_from=False)
        self.env["lead.nurture.enrollment"]._cron_process()
        self.assertFalse(in_audience.nurture_enrollment_ids, "manual cadences are not enrolled by the cron")
        wizard = self.env["lead.nurture.enroll"].with_user(self.user_salesman).with_context(
            active_model="crm.lead", active_ids=(in_audience | hot).ids).create({"cadence_id": self.cadence.id})
        self.assertEqual(wizard.lead_ids, in_audience | hot)
        action = wizard.action_enroll()
        self.assertIn("1 of 2", action["params"]["message"])
        self.assertEqual(in_audience.nurture_enrollment_ids.cadence_id, self.cadence)
        wizard = self.env["lead.nurture.enroll"].with_user(self.user_salesman).create({
            "cadence_id": self.cadence.id, "lead_ids": [(6, 0, (in_audience | hot).ids)], "apply_audience": False})
        self.assertEqual(wizard.skipped_count, 1)
        wizard.action_enroll()
        self.assertEqual(hot.nurture_enrollment_ids.state, "active")

    def test_salesperson_cannot_enroll_others_leads(self):
        with self.assertRaises(AccessError):
            self.env["lead.nurture.enroll"].with_user(self.user_salesman).create({
                "cadence_id": self.cadence.id, "lead_ids": [(6, 0, self.lead_other.ids)]}).action_enroll()
        self.assertFalse(self.lead_other.nurture_enrollment_ids)

    def test_invalid_configuration(self):
        with self.assertRaisesRegex(ValidationError, "not a valid filter"):
            self.cadence.domain = "[('no_such_field', '=', 1)]"
        with self.assertRaisesRegex(ValidationError, "needs an e-mail template"):
            self.step_second.mail_template_id = False
        with self.assertRaisesRegex(ValidationError, "needs at least one day"):
            self.cadence.write({"window_mode": "custom", "window_monday": False, "window_tuesday": False,
                                "window_wednesday": False, "window_thursday": False, "window_friday": False})
        empty = self.env["lead.nurture.cadence"].create({"name": "Empty"})
        with self.assertRaisesRegex(UserError, "at least one step"):
            self._enroll(self.lead_own, cadence=empty)
