from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_settings")
class TestSettings(LeadManagementCase):
    """Every setting round-trips through Settings: ticked, unticked, cleared,
    and the addon does what the screen shows."""

    def _save(self, **values):
        self.env["res.config.settings"].create(values).execute()

    def _shown(self, fname):
        return self.env["res.config.settings"].create({})[fname]

    def test_auto_assign(self):
        Lead = self.env["crm.lead"]
        self.env["ir.config_parameter"].search([("key", "=", "lead_management.auto_assign")]).unlink()
        self.assertTrue(self._shown("lead_management_auto_assign"), "on by default")
        self.assertTrue(Lead._is_auto_assign_enabled())
        self._save(lead_management_auto_assign=False)
        self.assertFalse(self._shown("lead_management_auto_assign"))
        self.assertFalse(Lead._is_auto_assign_enabled(), "unticked stays off")
        self._save(lead_management_auto_assign=True)
        self.assertTrue(self._shown("lead_management_auto_assign"))
        self.assertTrue(Lead._is_auto_assign_enabled())

    def test_auto_assign_off_leaves_new_leads_unassigned(self):
        self.env["lead.territory"].search([]).active = False
        self.env["lead.territory"].create({
            "name": "Everyone", "user_ids": [(6, 0, self.user_salesman.ids)],
            "country_ids": [(6, 0, self.country_ir.ids)]})
        self._save(lead_management_auto_assign=False)
        off = self._create_lead("Off")
        self.flush_deferred()
        self.assertFalse(off.user_id)
        self._save(lead_management_auto_assign=True)
        on = self._create_lead("On")
        self.flush_deferred()
        self.assertEqual(on.user_id, self.user_salesman)

    def test_response_time_targets(self):
        Lead = self.env["crm.lead"]
        self.assertTrue(self._shown("lead_management_sla_enabled"), "on by default")
        self._save(lead_management_sla_enabled=False)
        self.assertFalse(self._shown("lead_management_sla_enabled"))
        self.assertFalse(Lead._is_sla_enabled())
        lead = self._create_lead("No target", user=self.user_salesman)
        lead._start_sla()
        self.assertEqual((lead.sla_status, lead.sla_deadline), ("none", False))
        self.assertFalse(lead.activity_ids)
        self._save(lead_management_sla_enabled=True, lead_management_sla_hot_minutes=10,
                   lead_management_sla_warm_minutes=60, lead_management_sla_cold_minutes=600)
        self.assertTrue(Lead._is_sla_enabled())
        for temperature, minutes in {"hot": 10, "warm": 60, "cold": 600}.items():
            self.assertEqual(self._shown(f"lead_management_sla_{temperature}_minutes"), minutes)
        self.assertEqual(Lead._get_sla_minutes(), {"hot": 10, "warm": 60, "cold": 600})
        lead._start_sla()
        self.assertEqual(lead.sla_status, "pending")
        self._save(lead_management_sla_hot_minutes=0, lead_management_sla_warm_minutes=0,
                   lead_management_sla_cold_minutes=0)
        for temperature, minutes in {"hot": 5, "warm": 240, "cold": 2880}.items():
            self.assertEqual(self._shown(f"lead_management_sla_{temperature}_minutes"), minutes,
                             "cleared: back to the default")
        self.assertEqual(Lead._get_sla_minutes(), {"hot": 5, "warm": 240, "cold": 2880})

    def test_reassign_overdue_leads(self):
        self.assertFalse(self._shown("lead_management_sla_reassign"), "off by default")
        self._save(lead_management_sla_reassign=True)
        self.assertTrue(self._shown("lead_management_sla_reassign"))
        self._save(lead_management_sla_reassign=False)
        self.assertFalse(self._shown("lead_management_sla_reassign"))

    def test_follow_up_days(self):
        Lead = self.env["crm.lead"]
        self.assertEqual(self._shown("lead_management_followup_days"), "30,90", "the default")
        self._save(lead_management_followup_days="۷، 45")
        self.assertEqual(Lead._get_followup_days(), [7, 45])
        self.assertEqual(self._shown("lead_management_followup_days"), "7,45")
        self._save(lead_management_followup_days="")
        self.assertEqual(Lead._get_followup_days(), [], "cleared: no follow-up, not the default")
        self.assertFalse(self._shown("lead_management_followup_days"))
        lead = self._create_lead("Won without follow-ups", user=self.user_salesman, type="opportunity")
        lead.action_set_won()
        self.flush_deferred()
        self.assertFalse(lead.activity_ids)

    def test_capture_settings(self):
        Lead = self.env["crm.lead"]
        shown = {fname: self._shown(fname) for fname in (
            "lead_management_capture_match_days", "lead_management_capture_match_customers",
            "lead_management_capture_log_retention_days", "lead_management_api_rate_per_minute",
            "lead_management_form_rate_per_ip", "lead_management_import_background_rows")}
        self.assertEqual(shown, {
            "lead_management_capture_match_days": 90, "lead_management_capture_match_customers": True,
            "lead_management_capture_log_retention_days": 90, "lead_management_api_rate_per_minute": 600,
            "lead_management_form_rate_per_ip": 10, "lead_management_import_background_rows": 2000}, "the defaults")
        self._save(lead_management_capture_match_days=30, lead_management_capture_match_customers=False,
                   lead_management_capture_log_retention_days=7, lead_management_api_rate_per_minute=5,
                   lead_management_form_rate_per_ip=3, lead_management_import_background_rows=50)
        self.assertEqual(Lead._get_capture_match_days(), 30)
        self.assertEqual(self.env["lead.import.job"]._get_background_threshold(), 50)
        self.assertFalse(Lead._is_capture_customer_matching_enabled(), "unticked stays off")
        self.assertFalse(self._shown("lead_management_capture_match_customers"))
        Param = self.env["ir.config_parameter"]
        self.assertEqual([Param.get_param(f"lead_management.{key}") for key in (
            "capture_log_retention_days", "api_rate_per_minute", "form_rate_per_ip")], ["7", "5", "3"])
        self._save(lead_management_capture_match_days=0, lead_management_capture_match_customers=True,
                   lead_management_capture_log_retention_days=0, lead_management_api_rate_per_minute=0,
                   lead_management_form_rate_per_ip=0, lead_management_import_background_rows=0)
        self.assertEqual(Lead._get_capture_match_days(), 0, "cleared: open leads of any age")
        self.assertEqual(self.env["lead.import.job"]._get_background_threshold(), 0, "cleared: always at once")
        self.assertTrue(Lead._is_capture_customer_matching_enabled())
        self.assertEqual([Param.get_param(f"lead_management.{key}") for key in (
            "capture_log_retention_days", "api_rate_per_minute", "form_rate_per_ip")], ["0", "0", "0"],
            "cleared: kept forever, no limits")

    def test_country_of_numbers_of_the_api_and_the_calls(self):
        Lead = self.env["crm.lead"]
        self.company.country_id = self.country_us
        for fname, channel in (("lead_management_api_phone_country_id", "api"),
                               ("lead_management_call_phone_country_id", "call")):
            with self.subTest(channel=channel):
                self.assertFalse(self._shown(fname))
                self.assertEqual(Lead._get_capture_phone_country(channel, None, self.company), self.country_us,
                                 "empty: the company's country")
                self._save(**{fname: self.country_ir.id})
                self.assertEqual(self._shown(fname), self.country_ir)
                self.assertEqual(Lead._get_capture_phone_country(channel, None, self.company), self.country_ir)
                self._save(**{fname: False})
                self.assertFalse(self._shown(fname))
                self.assertEqual(Lead._get_capture_phone_country(channel, None, self.company), self.country_us)
        self._save(lead_management_call_phone_country_id=self.country_ge.id)
        self.assertEqual(Lead._get_capture_phone_country("api", None, self.company), self.country_us,
                         "each channel its own")

@tagged("post_install", "-at_install", "lead_management_settings")
class TestManagerSettings(TestSettings):
    """The same round trips through the sales managers' own screen (CRM >
    Configuration > Lead Management > Settings), which stores the same keys."""

    def _save(self, **values):
        self.env["lead.management.settings"].with_user(self.user_manager).create(values).action_save()

    def _shown(self, fname):
        return self.env["lead.management.settings"].with_user(self.user_manager).create({})[fname]

    @users("lm_manager")
    def test_manager_ticks_unticks_and_clears(self):
        Settings = self.env["lead.management.settings"]
        Settings.create({"lead_management_sla_reassign": True, "lead_management_sla_hot_minutes": 12,
                         "lead_management_auto_assign": False, "lead_management_followup_days": "7"}).action_save()
        shown = Settings.create({})
        self.assertEqual((shown.lead_management_sla_reassign, shown.lead_management_sla_hot_minutes,
                          shown.lead_management_auto_assign, shown.lead_management_followup_days),
                         (True, 12, False, "7"))
        admin_screen = self.env["res.config.settings"].sudo().create({})
        self.assertEqual((admin_screen.lead_management_sla_reassign, admin_screen.lead_management_sla_hot_minutes),
                         (True, 12), "Settings show what the manager saved")
        Settings.create({"lead_management_sla_reassign": False, "lead_management_sla_hot_minutes": 0,
                         "lead_management_auto_assign": True, "lead_management_followup_days": ""}).action_save()
        shown = Settings.create({})
        self.assertEqual((shown.lead_management_sla_reassign, shown.lead_management_sla_hot_minutes,
                          shown.lead_management_auto_assign, shown.lead_management_followup_days),
                         (False, 5, True, ""), "unticked, cleared: back to the default; no follow-up")
        self.assertEqual(self.env["crm.lead"]._get_sla_minutes()["hot"], 5)

    @users("lm_salesman_all")
    def test_salespeople_cannot_change_the_settings(self):
        with self.assertRaises(AccessError):
            self.env["lead.management.settings"].create({"lead_management_auto_assign": False})
