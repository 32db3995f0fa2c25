import unittest
from datetime import datetime

from odoo.addons.lead_management_nurture.tools import send_window
from odoo.addons.lead_management_nurture.tools.send_window import (
    FRIDAY,
    MONDAY,
    SATURDAY,
    SUNDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
)


class TestSendWindow(unittest.TestCase):
    """Working days and hours per country and timezone, and the over-contact guard."""

    IRAN = send_window.country_working_days("IR")
    GEORGIA = send_window.country_working_days("GE")

    def test_country_working_days(self):
        self.assertEqual(self.IRAN, {SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY})
        self.assertNotIn(THURSDAY, self.IRAN)
        self.assertIn(THURSDAY, send_window.country_working_days("ir", iran_thursday=True))
        self.assertEqual(self.GEORGIA, {MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY})
        self.assertEqual(send_window.country_working_days("GE", iran_thursday=True), self.GEORGIA)
        self.assertEqual(send_window.country_working_days(None), send_window.DEFAULT_WORKING_DAYS)

    def test_inside_the_window_is_now(self):
        now = datetime(2026, 3, 2, 8, 0)   # Monday 11:30 in Tehran
        self.assertEqual(send_window.next_slot(now, "Asia/Tehran", self.IRAN, 9, 17), now)

    def test_iran_friday_moves_to_saturday_morning(self):
        friday = datetime(2026, 3, 6, 8, 0)   # Friday 11:30 in Tehran
        # Saturday 09:00 in Tehran is 05:30 UTC
        self.assertEqual(send_window.next_slot(friday, "Asia/Tehran", self.IRAN, 9, 17), datetime(2026, 3, 7, 5, 30))

    def test_iran_thursday_optional(self):
        thursday = datetime(2026, 3, 5, 8, 0)
        self.assertEqual(send_window.next_slot(thursday, "Asia/Tehran", self.IRAN, 9, 17), datetime(2026, 3, 7, 5, 30))
        with_thursday = send_window.country_working_days("IR", iran_thursday=True)
        self.assertEqual(send_window.next_slot(thursday, "Asia/Tehran", with_thursday, 9, 17), thursday)

    def test_georgia_weekend_moves_to_monday(self):
        saturday = datetime(2026, 3, 7, 8, 0)   # Saturday 12:00 in Tbilisi
        # Monday 09:00 in Tbilisi is 05:00 UTC
        self.assertEqual(send_window.next_slot(saturday, "Asia/Tbilisi", self.GEORGIA, 9, 17),
                         datetime(2026, 3, 9, 5, 0))

    def test_after_hours_moves_to_next_working_morning(self):
        evening = datetime(2026, 3, 2, 15, 0)   # Monday 18:30 in Tehran
        self.assertEqual(send_window.next_slot(evening, "Asia/Tehran", self.IRAN, 9, 17), datetime(2026, 3, 3, 5, 30))
        early = datetime(2026, 3, 2, 3, 0)      # Monday 06:30 in Tehran
        self.assertEqual(send_window.next_slot(early, "Asia/Tehran", self.IRAN, 9, 17), datetime(2026, 3, 2, 5, 30))
        # Wednesday evening in Tehran: Thursday and Friday are off
        self.assertEqual(send_window.next_slot(datetime(2026, 3, 4, 15, 0), "Asia/Tehran", self.IRAN, 9, 17),
                         datetime(2026, 3, 7, 5, 30))

    def test_half_hours_and_whole_day(self):
        now = datetime(2026, 3, 2, 5, 45)   # Monday 09:15 in Tehran
        self.assertEqual(send_window.next_slot(now, "Asia/Tehran", self.IRAN, 9.5, 17), datetime(2026, 3, 2, 6, 0))
        self.assertEqual(send_window.next_slot(now, "UTC", {MONDAY}, 0, 24), now)

    def test_invalid_windows(self):
        now = datetime(2026, 3, 2, 8, 0)
        with self.assertRaises(ValueError):
            send_window.next_slot(now, "UTC", set(), 9, 17)
        with self.assertRaises(ValueError):
            send_window.next_slot(now, "UTC", {MONDAY}, 17, 9)

    def test_guard(self):
        now = datetime(2026, 3, 10, 12, 0)
        self.assertEqual(send_window.guard_release([], now, 2, 7), now)
        one = [datetime(2026, 3, 8, 12, 0)]
        self.assertEqual(send_window.guard_release(one, now, 2, 7), now)
        two = [datetime(2026, 3, 8, 12, 0), datetime(2026, 3, 5, 12, 0)]
        # the older of the two leaves the 7-day period on March 12 at noon
        self.assertEqual(send_window.guard_release(two, now, 2, 7), datetime(2026, 3, 12, 12, 0))
        # touches older than the period do not count
        self.assertEqual(send_window.guard_release([datetime(2026, 3, 1)] * 5, now, 2, 7), now)
        # three recent touches, at most two: the two oldest must leave the period
        three = [datetime(2026, 3, 9), datetime(2026, 3, 8), datetime(2026, 3, 7)]
        self.assertEqual(send_window.guard_release(three, now, 2, 7), datetime(2026, 3, 15))
        self.assertEqual(send_window.guard_release(three, now, 0, 7), now)
