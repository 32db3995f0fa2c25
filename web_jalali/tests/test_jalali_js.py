import json
from datetime import date, timedelta

import jdatetime

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

# in the page: fails the test by console.error, passes by the success signal
CHECK_JS = """
const errors = [];
const check = (label, actual, expected) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        errors.push(`${label}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
    }
};
const refused = (label, fn) => {
    try {
        fn();
        errors.push(`${label}: accepted`);
        return "";
    } catch (error) {
        if (error.name !== "ConversionError") {
            errors.push(`${label}: ${error}`);
        }
        return error.message;
    }
};
(async () => {
    %s
    if (errors.length) {
        console.error(errors.slice(0, 20).join("\\n"));
    } else {
        console.log("test successful");
    }
})();
"""


@tagged("post_install", "-at_install")
class TestJalaliConverterJs(HttpCase):
    """The web client's Jalali converter (the browser's ICU Persian calendar)
    agrees with jdatetime, which the server uses."""

    def test_converter_agrees_with_jdatetime_on_each_month_bound(self):
        # the first and last day of every Jalali month 1304-1502 (1925-2124) and back
        cases = []
        day = date(1925, 3, 21)
        while day < date(2124, 3, 20):  # ICU and jdatetime part on 1502's leap day
            jday = jdatetime.date.fromgregorian(date=day)
            if jday.day == 1 or (day + timedelta(days=1)).day == 1 or jday.day >= 29:
                cases.append([[day.year, day.month, day.day], [jday.year, jday.month, jday.day]])
            day += timedelta(days=1)
        self.assertGreater(len(cases), 2400 * 2)
        code = """
            const { toJalali, fromJalali } = odoo.loader.modules.get("@web_jalali/core/jalali");
            for (const [[gy, gm, gd], [jy, jm, jd]] of CASES) {
                check(`toJalali ${gy}-${gm}-${gd}`, toJalali(gy, gm, gd), { year: jy, month: jm, day: jd });
                check(`fromJalali ${jy}/${jm}/${jd}`, fromJalali(jy, jm, jd), { year: gy, month: gm, day: gd });
            }
            check("1404/12/30 does not exist", fromJalali(1404, 12, 30), null);
            check("1403/12/30 exists", fromJalali(1403, 12, 30), { year: 2025, month: 3, day: 20 });
            check("1405/07/31 does not exist", fromJalali(1405, 7, 31), null);
        """.replace("CASES", json.dumps(cases))
        self.browser_js("/odoo", CHECK_JS % code, "odoo.isReady === true", login="admin")


@tagged("post_install", "-at_install")
class TestJalaliDatesJs(HttpCase):
    """`@web/core/l10n/dates` as the views call it: Jalali for a Persian user,
    Gregorian ISO with Latin digits to the server, Odoo's own for others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.user_fa = mail_new_test_user(cls.env, login="jalali_js_fa", lang="fa_IR", tz="Asia/Tehran",
                                         groups="base.group_user")
        cls.user_en = mail_new_test_user(cls.env, login="jalali_js_en", lang="en_US", tz="Asia/Tehran",
                                         groups="base.group_user")

    def test_persian_user_formats_and_parses_jalali(self):
        code = """
            const dates = odoo.loader.modules.get("@web/core/l10n/dates");
            const { DateTime, Settings } = luxon;
            const day = DateTime.local(2026, 12, 2);
            check("date", dates.formatDate(day), "۱۴۰۵/۰۹/۱۱");
            check("condensed", dates.formatDate(day, { condensed: true }), "۱۴۰۵/۹/۱۱");
            check("month name", dates.formatDate(day, { format: "d MMMM yyyy" }), "۱۱ آذر ۱۴۰۵");
            check("datetime", dates.formatDateTime(DateTime.utc(2026, 12, 2, 6, 30), { tz: "Asia/Tehran" }),
                "۱۴۰۵/۰۹/۱۱ ۱۰:۰۰:۰۰");
            check("new year", dates.formatDate(DateTime.local(2026, 3, 21)), "۱۴۰۵/۰۱/۰۱");
            for (const typed of ["۱۴۰۵/۰۹/۱۱", "1405-09-11", "1405/9/11", "11 آذر 1405", "۱۱ آذر ۱۴۰۵", "2026-12-02"]) {
                check(`parse ${typed}`, dates.parseDate(typed)?.toISODate(), "2026-12-02");
            }
            const tehran = { tz: "Asia/Tehran" };
            check("parse datetime", dates.parseDateTime("۱۴۰۵/۰۹/۱۱ ۱۰:۰۰:۰۰", tehran).toISO(),
                "2026-12-02T10:00:00.000+03:30");
            check("serialized", dates.serializeDate(dates.parseDate("۱۴۰۵/۰۹/۱۱")), "2026-12-02");
            check("serialized datetime",
                dates.serializeDateTime(dates.parseDateTime("1405/09/11 10:00:00", tehran)), "2026-12-02 06:30:00");
            check("not leap", refused("1404/12/30", () => dates.parseDate("1404/12/30")),
                "«1404/12/30» روزی از تقویم هجری شمسی نیست: ۱۴۰۴/۱۲ روز ۳۰ ندارد.");  // in Persian, from fa.po
            refused("mixed digits", () => dates.parseDate("۱۴۰۵/09/11"));
            refused("misread as a Gregorian year 1405", () => dates.parseDate("14050911"));
            const { session } = odoo.loader.modules.get("@web/session");
            session.date_calendar = "gregorian";  // Gregorian calendar, Persian digits
            check("gregorian, Persian digits", dates.formatDate(day), "۲۰۲۶/۱۲/۰۲");
            check("gregorian, Persian digits typed", dates.parseDate("۲۰۲۶/۱۲/۰۲").toISODate(), "2026-12-02");
            session.date_calendar = "jalali";
            check("luxon's calendar untouched",
                [Settings.defaultOutputCalendar || "gregory", day.toFormat("yyyy-MM-dd")], ["gregory", "2026-12-02"]);
        """
        self.browser_js("/odoo", CHECK_JS % code, "odoo.isReady === true", login="jalali_js_fa")

    def test_english_user_keeps_gregorian(self):
        code = """
            const dates = odoo.loader.modules.get("@web/core/l10n/dates");
            const day = luxon.DateTime.local(2026, 12, 2);
            check("date", dates.formatDate(day), "12/02/2026");
            check("month name", dates.formatDate(day, { format: "d MMMM yyyy" }), "2 December 2026");
            check("parse", dates.parseDate("12/02/2026").toISODate(), "2026-12-02");
        """
        self.browser_js("/odoo", CHECK_JS % code, "odoo.isReady === true", login="jalali_js_en")
