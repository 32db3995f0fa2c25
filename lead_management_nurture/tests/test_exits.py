from freezegun import freeze_time

from odoo.tests import tagged

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestExits(NurtureCase):
    """A lead leaves its cadences at once, with the reason, when it is no
    longer one to nurture."""

    def setUp(self):
        super().setUp()
        self.lead = self._create_nurtured_lead("Leaving")
        self.enrollment = self._enroll(self.lead)

    def assertExited(self, reason):
        self.flush_deferred()
        self.assertEqual(self.enrollment.state, "exited")
        self.assertEqual(self.enrollment.exit_reason, reason)
        self.assertFalse(self.enrollment.next_date)
        self.assertIn("Left the nurture cadence", self.lead.message_ids[0].body)

    def test_reaching_sql_exits_and_gives_the_salesperson_an_urgent_task(self):
        model = self.env["lead.scoring.model"].create({
            "name": "Nurture scoring", "sequence": 0, "team_ids": [(6, 0, self.team_iran.ids)],
            "warm_threshold": 20, "hot_threshold": 80, "mql_threshold": 30, "sql_threshold": 50,
            "rule_ids": [(0, 0, {"name": "Decision maker", "kind": "fit", "points": 60,
                                 "domain": "[('is_decision_maker', '=', True)]"})],
        })
        self.lead.action_recompute_score()
        self.assertEqual(self.lead.scoring_model_id, model)
        self.lead.is_decision_maker = True
        self.lead.action_recompute_score()
        self.assertEqual(self.lead.lifecycle_stage, "sql")
        self.assertExited("sql")
        self.assertEqual(self.enrollment.sql_date, MONDAY_MORNING)
        task = self.lead.activity_ids.filtered(lambda a: "nurturing" in a.summary)
        self.assertEqual(task.user_id, self.user_salesman)
        self.assertEqual(task.date_deadline, MONDAY_MORNING.date())

    def test_no_second_urgent_task_when_one_is_due(self):
        self.lead.activity_schedule("mail.mail_activity_data_call", user_id=self.user_salesman.id,
                                    date_deadline=MONDAY_MORNING.date(), summary="Call back")
        self.lead.lifecycle_stage = "sql"
        self.lead._on_sql_reached()
        self.assertEqual(self.enrollment.exit_reason, "sql")
        self.assertEqual(self.lead.activity_ids.mapped("summary"), ["Call back"])

    def test_not_interested(self):
        self.lead.lead_status = "not_interested"
        self.assertExited("not_interested")

    def test_junk(self):
        self.lead.lead_status = "junk"
        self.assertExited("junk")

    def test_converted(self):
        self.lead.convert_opportunity(self.lead.partner_id)
        self.assertExited("converted")

    def test_won(self):
        self.lead.action_set_won()
        self.assertExited("won")

    def test_lost(self):
        self.lead.action_set_lost()
        self.assertExited("lost")

    def test_blacklisted(self):
        self.env["mail.blacklist"]._add(self.lead.email_from)
        self.assertExited("unsubscribed")

    def test_removed_by_the_salesperson(self):
        self.enrollment.with_user(self.user_salesman).action_remove()
        self.assertExited("removed")

    def test_exit_found_by_the_cron_too(self):
        # a change the write hook does not see (SQL, import without write): the next run exits the lead
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET lead_status = 'junk' WHERE id = %s", [self.lead.id])
        self.lead.invalidate_recordset(["lead_status"])
        self._run_due()
        self.assertExited("junk")
        self.assertFalse(self._trace(self.lead), "no e-mail to a lead that left")

    def test_other_writes_keep_the_enrollment(self):
        self.lead.write({"description": "Called, not now", "lead_status": "contacted"})
        self.flush_deferred()
        self.assertEqual(self.enrollment.state, "active")
