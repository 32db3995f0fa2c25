from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestSendWindowAndGuard(NurtureCase):
    """Steps go out on working days and hours of the lead's country, and no
    lead gets more automated touches than the setting allows."""

    def _due_at(self, moment, **lead_values):
        lead = self._create_nurtured_lead(lead_values.pop("name", "Windowed"), **lead_values)
        with freeze_time(moment):
            enrollment = self._enroll(lead)
            self._run_due()
        return lead, enrollment

    def test_iran_friday_waits_for_saturday(self):
        friday = datetime(2026, 3, 6, 8, 0)
        lead, enrollment = self._due_at(friday)
        self.assertFalse(self._trace(lead))
        self.assertEqual(enrollment.step_id, self.step_welcome)
        self.assertEqual(enrollment.next_date, datetime(2026, 3, 7, 5, 30), "Saturday 09:00 in Tehran")
        self.assertEqual(enrollment.waiting_reason, "window")
        with freeze_time(datetime(2026, 3, 7, 5, 30)):
            self._run_due()
        self.assertTrue(self._trace(lead))
        self.assertFalse(enrollment.waiting_reason)

    def test_iran_thursday_optional(self):
        thursday = datetime(2026, 3, 5, 8, 0)
        lead, enrollment = self._due_at(thursday, name="Thursday off")
        self.assertEqual(enrollment.waiting_reason, "window")
        self.cadence.iran_thursday = True
        lead, enrollment = self._due_at(thursday, name="Thursday on")
        self.assertTrue(self._trace(lead))

    def test_georgia_saturday_waits_for_monday(self):
        saturday = datetime(2026, 3, 7, 8, 0)
        _lead, enrollment = self._due_at(saturday, country_id=self.country_ge.id)
        self.assertEqual(enrollment.next_date, datetime(2026, 3, 9, 5, 0), "Monday 09:00 in Tbilisi")
        # the same Saturday is a working day in Iran
        lead_ir, _enrollment_ir = self._due_at(saturday, name="Iranian")
        self.assertTrue(self._trace(lead_ir))

    def test_window_ignores_the_calendar_people_read(self):
        """A Persian lead of a salesperson reading Solar Hijri waits for the same Gregorian moment."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.user_salesman.lang = "fa_IR"
        self.assertEqual(self.user_salesman.date_calendar, "jalali")
        english = self.user_salesman.copy({"login": "nurture_window_en", "lang": "en_US"})
        self.assertEqual(english.date_calendar, "gregorian")
        fa = self.env["res.lang"]._lang_get("fa_IR")
        friday = datetime(2026, 3, 6, 8, 0)
        _lead, jalali = self._due_at(friday, name="Persian reader", lang_id=fa.id)
        _lead, gregorian = self._due_at(friday, name="English reader", user=english)
        self.assertEqual(jalali.next_date, datetime(2026, 3, 7, 5, 30), "Saturday 09:00 in Tehran")
        self.assertEqual(gregorian.next_date, jalali.next_date)

    def test_evening_waits_for_the_morning_in_the_lead_timezone(self):
        evening = datetime(2026, 3, 2, 13, 45)   # 17:15 in Tehran, 17:45 in Tbilisi
        _lead, enrollment = self._due_at(evening, country_id=self.country_ge.id)
        self.assertEqual(enrollment.next_date, datetime(2026, 3, 3, 5, 0))

    def test_custom_window(self):
        self.cadence.write({"window_mode": "custom", "window_saturday": True, "window_sunday": False,
                            "window_hour_from": 10, "window_hour_to": 12})
        _lead, enrollment = self._due_at(datetime(2026, 3, 7, 5, 0), country_id=self.country_ge.id)
        # Saturday 09:00 in Tbilisi: before the custom opening at 10:00
        self.assertEqual(enrollment.next_date, datetime(2026, 3, 7, 6, 0))

    def test_over_contact_guard_across_cadences(self):
        other = self.cadence.copy({"name": "Second cadence", "team_id": False})
        lead = self._create_nurtured_lead("Pressured")
        with freeze_time(MONDAY_MORNING):
            first = self._enroll(lead) | self._enroll(lead, cadence=other)
            self._run_due()
            self.assertEqual(lead.nurture_recent_touch_count, 2, "two welcome e-mails: the limit")
        third = self.cadence.copy({"name": "Third cadence", "team_id": False})
        with freeze_time(MONDAY_MORNING + timedelta(hours=1)):
            enrollment = self._enroll(lead, cadence=third)
            self._run_due()
            lead.invalidate_recordset(["nurture_recent_touch_count"])
            self.assertEqual(lead.nurture_recent_touch_count, 2)
        self.assertEqual(enrollment.waiting_reason, "guard")
        # both touches leave the 7-day period on Monday March 9 at 08:00 (11:30 in Tehran, a working day)
        self.assertEqual(enrollment.next_date, MONDAY_MORNING + timedelta(days=7))
        first._exit("removed")
        with freeze_time(MONDAY_MORNING + timedelta(days=7)):
            self._run_due()
            self.assertEqual(enrollment.touch_ids.state, "done")
            lead.invalidate_recordset(["nurture_recent_touch_count"])
            self.assertEqual(lead.nurture_recent_touch_count, 1, "the first two left the period")

    def test_guard_within_one_batch(self):
        self.env["ir.config_parameter"].set_param("lead_management_nurture.max_touches", "1")
        other = self.cadence.copy({"name": "Second cadence", "team_id": False})
        lead = self._create_nurtured_lead("One only")
        with freeze_time(MONDAY_MORNING):
            first = self._enroll(lead)
            second = self._enroll(lead, cadence=other)
            self._run_due()
        self.assertEqual(len(lead.nurture_touch_ids), 1)
        self.assertEqual(sorted((first | second).mapped("waiting_reason"), key=str), [False, "guard"])
