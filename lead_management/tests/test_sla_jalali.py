from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.web_jalali.tools import jalali
from odoo.tests import new_test_user, tagged

from .common import TerritoryCase


@tagged("post_install", "-at_install", "lead_management_sla")
@freeze_time("2026-03-02 09:00:00")
class TestSlaJalali(TerritoryCase):
    """The response-time notes show the deadline in the salesperson's calendar."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.fa_user = new_test_user(cls.env, "sla_jalali_fa", groups="sales_team.group_sale_salesman", lang="fa_IR")
        cls.fa_gregorian_user = new_test_user(
            cls.env, "sla_jalali_fa_gregorian", groups="sales_team.group_sale_salesman", lang="fa_IR")
        cls.fa_gregorian_user.date_calendar = "gregorian"
        cls.en_user = new_test_user(cls.env, "sla_jalali_en", groups="sales_team.group_sale_salesman", lang="en_US")

    def _first_contact_note(self, user):
        lead = self._create_lead(f"SLA {user.login}", user_id=user.id).with_context(tz="Asia/Tehran")
        lead._start_sla()
        local = lead.sla_deadline + timedelta(hours=3, minutes=30)
        return local, str(lead._get_first_contact_activities().note)

    def test_first_contact_note(self):
        local, note = self._first_contact_note(self.fa_user)
        self.assertIn(jalali.format_datetime(local, "persian", seconds=False), note)
        for user in (self.fa_gregorian_user, self.en_user):
            local, note = self._first_contact_note(user)
            self.assertIn(local.strftime("%Y-%m-%d %H:%M"), note, "unchanged")

    def test_deadline_is_the_same_in_every_calendar(self):
        users = self.fa_user | self.fa_gregorian_user | self.en_user
        leads = self.env["crm.lead"].concat(*(
            self._create_lead(f"Deadline {user.login}", user_id=user.id) for user in users))
        leads._start_sla()
        minutes = self.env["crm.lead"]._get_sla_minutes()[leads[0].temperature or "cold"]
        self.assertEqual(set(leads.mapped("sla_deadline")), {fields.Datetime.now() + timedelta(minutes=minutes)})

    def test_breach_note(self):
        leads = {}
        for user in (self.fa_user, self.fa_gregorian_user, self.en_user):
            leads[user] = self._create_lead(f"Late {user.login}", user_id=user.id, sla_status="pending",
                                            sla_deadline=fields.Datetime.now() - timedelta(minutes=1))
        self.assertGreaterEqual(self.env["crm.lead"].with_context(tz="Asia/Tehran")._cron_sla_escalation(), 3)
        local = fields.Datetime.now() - timedelta(minutes=1) + timedelta(hours=3, minutes=30)
        for user, digits in ((self.fa_user, "persian"), (self.fa_gregorian_user, None), (self.en_user, None)):
            leads[user].invalidate_recordset(["message_ids"])
            bodies = " ".join(str(body) for body in leads[user].message_ids.mapped("body"))
            expected = (jalali.format_datetime(local, digits, seconds=False) if digits
                        else local.strftime("%Y-%m-%d %H:%M"))
            self.assertIn(expected, bodies, user.login)
