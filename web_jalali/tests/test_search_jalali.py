import json
from datetime import date, timedelta

import jdatetime

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

from .test_jalali_js import CHECK_JS

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


def _month_bounds(year, month):
    """The first and last Gregorian days of a Jalali month, by jdatetime."""
    first = jdatetime.date(year, month, 1).togregorian()
    following = jdatetime.date(year + month // 12, month % 12 + 1, 1).togregorian()
    return first.isoformat(), (following - timedelta(days=1)).isoformat()


@tagged("post_install", "-at_install")
class TestJalaliSearchDomainsJs(HttpCase):
    """The domains of the date filters in the browser: the Gregorian bounds of
    each Jalali period agree with jdatetime, month ends and leap years included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.user_fa = mail_new_test_user(cls.env, login="jalali_search_js_fa", lang="fa_IR",
                                         tz="Asia/Tehran", groups="base.group_user")
        cls.user_en = mail_new_test_user(cls.env, login="jalali_search_js_en", lang="en_US",
                                         tz="Asia/Tehran", groups="base.group_user")

    def test_persian_user_periods_agree_with_jdatetime(self):
        cases = []
        for year in range(1395, 1416):
            for month in range(1, 13):
                quarter_start = month - (month - 1) % 3
                cases.append({
                    "today": jdatetime.date(year, month, 15).togregorian().isoformat(),
                    "month": _month_bounds(year, month),
                    "quarter": (_month_bounds(year, quarter_start)[0], _month_bounds(year, quarter_start + 2)[1]),
                    "quarter_id": ["first", "second", "third", "fourth"][(month - 1) // 3] + "_quarter",
                    "year": (_month_bounds(year, 1)[0], _month_bounds(year, 12)[1]),
                    "previous_month": _month_bounds(year - (month == 1), (month - 2) % 12 + 1),
                    "month_last_year": _month_bounds(year - 1, month),
                })
        code = """
            const { constructDateDomain, getPeriodOptions } = odoo.loader.modules.get("@web/search/utils/dates");
            const { DateTime } = luxon;
            const optionsParams = { startYear: -2, endYear: 0, startMonth: -2, endMonth: 0, customOptions: [] };
            const item = (fieldType) => ({ fieldName: "d", fieldType, optionsParams, domain: "[]" });
            const bounds = (today, ids, comparison, fieldType = "date") => constructDateDomain(
                today, item(fieldType), ids, comparison).domain.toList().filter(Array.isArray).map((leaf) => leaf[2]);
            for (const c of CASES) {
                const today = DateTime.fromISO(`${c.today}T12:00`, { zone: "Asia/Tehran" });
                check(`month of ${c.today}`, bounds(today, ["month", "year"]), c.month);
                check(`quarter of ${c.today}`, bounds(today, [c.quarter_id, "year"]), c.quarter);
                check(`year of ${c.today}`, bounds(today, ["year"]), c.year);
                const lastMonth = getPeriodOptions(today, optionsParams).find((o) => o.id === "month-1");
                check(`last month of ${c.today}`, bounds(today, ["month-1", lastMonth.defaultYearId]),
                    c.previous_month);
                check(`previous period of ${c.today}`, bounds(today, ["month", "year"], "previous_period"),
                    c.previous_month);
                check(`previous year of ${c.today}`, bounds(today, ["month", "year"], "previous_year"),
                    c.month_last_year);
            }
            const today = DateTime.fromISO("2025-03-10T12:00", { zone: "Asia/Tehran" });
            check("datetime bounds in the user's zone", bounds(today, ["month", "year"], undefined, "datetime"),
                ["2025-02-18 20:30:00", "2025-03-20 20:29:59"]);
            check("names", getPeriodOptions(today, optionsParams).map((o) => o.description).slice(0, 3).concat(
                getPeriodOptions(today, optionsParams).slice(-3).map((o) => o.description)),
                ["اسفند", "بهمن", "دی", "۱۴۰۳", "۱۴۰۲", "۱۴۰۱"]);
            check("descriptions", ["month", "month-1", "year"].map((id) => id === "year" ? id : [id, "year"])
                .map((ids) => constructDateDomain(today, item("date"), [].concat(ids)).description),
                ["اسفند ۱۴۰۳", "بهمن ۱۴۰۳", "۱۴۰۳"]);
        """.replace("CASES", json.dumps(cases))
        self.browser_js("/odoo", CHECK_JS % code, "odoo.isReady === true", login=self.user_fa.login)

    def test_english_user_keeps_gregorian_periods(self):
        code = """
            const { constructDateDomain } = odoo.loader.modules.get("@web/search/utils/dates");
            const optionsParams = { startYear: -2, endYear: 0, startMonth: -2, endMonth: 0, customOptions: [] };
            const today = luxon.DateTime.fromISO("2025-03-10T12:00", { zone: "Asia/Tehran" });
            const item = { fieldName: "d", fieldType: "date", optionsParams, domain: "[]" };
            const result = constructDateDomain(today, item, ["month", "year"]);
            check("month", result.domain.toList().filter(Array.isArray).map((leaf) => leaf[2]),
                ["2025-03-01", "2025-03-31"]);
            check("description", result.description, "March 2025");
            check("quarter", constructDateDomain(today, item, ["first_quarter", "year"]).domain.toList()
                .filter(Array.isArray).map((leaf) => leaf[2]), ["2025-01-01", "2025-03-31"]);
        """
        self.browser_js("/odoo", CHECK_JS % code, "odoo.isReady === true", login=self.user_en.login)
