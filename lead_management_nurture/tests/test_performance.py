from freezegun import freeze_time

from odoo.tests import tagged, users, warmup

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture", "lead_management_performance")
@freeze_time(MONDAY_MORNING)
class TestPerformance(NurtureCase):
    """A batch of due enrolments costs no query per enrolment: 1,000 cost
    little more than 10 (the ORM's and the mailing engine's chunking)."""

    def _process_queries(self, count, step):
        leads = self.env["crm.lead"].create([{
            "name": f"Batch {count} {index}", "type": "lead", "user_id": self.user_salesman.id,
            "team_id": self.team_iran.id, "country_id": self.country_ir.id,
            "email_from": f"batch{count}.{index}@example.com", "partner_name": f"Batch {index}",
        } for index in range(count)])
        enrollments = self.env["lead.nurture.enrollment"].create([
            {"cadence_id": self.cadence.id, "lead_id": lead.id, "step_id": step.id} for lead in leads])
        self.env.flush_all()
        self.env.invalidate_all()
        queries_before = self.cr.sql_log_count
        self.env["lead.nurture.enrollment"]._lock_due(count)._process_due()
        self.env.flush_all()
        queries = self.cr.sql_log_count - queries_before
        self.assertEqual(enrollments.step_id, step._get_next_step() or step, "every enrolment went on")
        enrollments._exit("removed")
        self.env.flush_all()
        return queries

    @users("__system__")
    @warmup
    def test_email_step_queries_do_not_grow(self):
        self.step_welcome.variant_ids.unlink()
        self.template_welcome.body_html = "<p>Hello <t t-out=\"object.contact_name or ''\"/></p>"
        self._process_queries(5, self.step_welcome)   # the step's mailing is created on first use
        small = self._process_queries(10, self.step_welcome)
        large = self._process_queries(1000, self.step_welcome)
        # Odoo's composer renders and creates the e-mails by batches of 50 (mail.batch_size), about
        # 20 queries each: no query per lead, ours or the engine's (a link in the template adds one per
        # e-mail, link.tracker's search_or_create, as in any mass mailing)
        self.assertLess(large - small, 990 * 0.5)

    @users("__system__")
    @warmup
    def test_activity_step_queries_do_not_grow(self):
        small = self._process_queries(10, self.step_call)
        large = self._process_queries(1000, self.step_call)
        # the ORM inserts and updates by chunks of 100 rows: about 6 queries per 100 more enrolments
        self.assertLess(large - small, 990 * 0.1)
