from datetime import date

import jdatetime

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

# the days of the tours' activities: both sides of the bounds of Esfand 1403
# (a leap year: 30 days), of Q4 1403 and of March 2025; the browser's today is
# 2025-03-10 (1403/12/20), set by the tours
DAYS = [
    date(2024, 12, 20), date(2024, 12, 21), date(2025, 2, 18), date(2025, 2, 19), date(2025, 3, 1),
    date(2025, 3, 20), date(2025, 3, 21), date(2025, 3, 31), date(2025, 4, 1),
]


@tagged("post_install", "-at_install")
class TestJalaliSearch(HttpCase):
    """The date filters of the search offer Jalali months, quarters and years
    to a Persian user and filter on their Gregorian bounds; an English user
    keeps Odoo's Gregorian periods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.users = {
            lang: mail_new_test_user(cls.env, login=f"jalali_search_{lang}", name=f"Jalali Search {lang}",
                                     lang=lang, tz=tz, groups="base.group_user")
            for lang, tz in (("fa_IR", "Asia/Tehran"), ("en_US", "Europe/Brussels"))
        }
        cls.env["mail.activity"].create([{
            "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
            "res_id": user.partner_id.id,
            "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
            "summary": f"Jalali search {day.isoformat()}",
            "user_id": user.id,
            "date_deadline": day,
        } for user in cls.users.values() for day in DAYS])
        views = cls.env["ir.ui.view"].create([{
            "name": "web_jalali.search_tour.activity.list",
            "model": "mail.activity",
            "type": "list",
            "arch": '<list><field name="summary"/><field name="date_deadline"/></list>',
        }, {
            "name": "web_jalali.search_tour.activity.search",
            "model": "mail.activity",
            "type": "search",
            "arch": '<search><filter name="jalali_due" string="Jalali Due" date="date_deadline"/></search>',
        }])
        cls.action = cls.env["ir.actions.act_window"].create({
            "name": "Jalali search activities",
            "res_model": "mail.activity",
            "view_mode": "list",
            "view_id": views[0].id,
            "search_view_id": views[1].id,
            "domain": "[('summary', '=like', 'Jalali search %'), ('user_id', '=', uid)]",
        })

    def test_tour_days_bound_esfand_of_a_leap_year(self):
        """The tours' days are the bounds the Python library gives."""
        first, last = jdatetime.date(1403, 12, 1), jdatetime.date(1403, 12, 30)
        self.assertTrue(jdatetime.date(1403, 1, 1).isleap())
        self.assertEqual((first.togregorian(), last.togregorian()), (date(2025, 2, 19), date(2025, 3, 20)))
        self.assertEqual(jdatetime.date(1403, 10, 1).togregorian(), date(2024, 12, 21))
        self.assertEqual(jdatetime.date(1404, 1, 1).togregorian(), date(2025, 3, 21))

    def test_persian_user_filters_jalali_month_and_quarter(self):
        self.start_tour(f"/odoo/action-{self.action.id}", "web_jalali_persian_search",
                        login=self.users["fa_IR"].login)

    def test_english_user_filters_gregorian_month(self):
        self.start_tour(f"/odoo/action-{self.action.id}", "web_jalali_gregorian_search",
                        login=self.users["en_US"].login)
