from datetime import date, datetime, timezone

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestJalaliPickerCalendar(HttpCase):
    """A Persian user's range and datetime pickers and calendar view are
    Jalali and save Gregorian values; an English user's calendar is Odoo's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        # ir.sequence.date_range and ir.cron (two dates, a datetime) are editable by settings users
        cls.users = {
            lang: mail_new_test_user(cls.env, login=f"jalali_cal_{lang}", name=f"Jalali Calendar {lang}",
                                     lang=lang, tz=tz, groups="base.group_user,base.group_system")
            for lang, tz in (("fa_IR", "Asia/Tehran"), ("en_US", "Europe/Brussels"))
        }

    def _action(self, model, view_type, arch, **values):
        view = self.env["ir.ui.view"].create({
            "name": f"web_jalali.test.{model}.{view_type}",
            "model": model,
            "type": view_type,
            "arch": arch,
        })
        return self.env["ir.actions.act_window"].create({
            "name": f"Jalali test {model}",
            "res_model": model,
            "view_mode": view_type,
            "view_id": view.id,
            **values,
        })

    def _date_range(self):
        sequence = self.env["ir.sequence"].create({"name": "Jalali range", "use_date_range": True})
        date_range = self.env["ir.sequence.date_range"].create({
            "sequence_id": sequence.id, "date_from": date(2026, 12, 2), "date_to": date(2026, 12, 5),
        })
        action = self._action("ir.sequence.date_range", "form", """<form>
            <field name="date_from" widget="daterange" options="{'end_date_field': 'date_to'}"/>
            <field name="date_to" invisible="1"/>
            <field name="number_next_actual"/>
        </form>""")
        return date_range, f"/odoo/action-{action.id}/{date_range.id}"

    def test_persian_user_picks_a_range_in_jalali_months_saved_gregorian(self):
        date_range, url = self._date_range()
        self.start_tour(url, "web_jalali_persian_range", login=self.users["fa_IR"].login)
        # Azar 1st and Dey 5th, 1405
        self.assertEqual((date_range.date_from, date_range.date_to), (date(2026, 11, 22), date(2026, 12, 26)))

    def test_english_user_range_picker_and_zoom_levels_are_gregorian(self):
        date_range, url = self._date_range()
        self.start_tour(url, "web_jalali_gregorian_range", login=self.users["en_US"].login)
        self.assertEqual((date_range.date_from, date_range.date_to), (date(2026, 12, 2), date(2026, 12, 5)))

    def test_persian_user_picks_a_jalali_day_and_a_time(self):
        cron = self.env.ref("base.autovacuum_job")
        # the browser shows datetimes in its own time zone: the machine's
        local = datetime(2026, 12, 2, 9, 0).astimezone()
        cron.nextcall = local.astimezone(timezone.utc).replace(tzinfo=None)
        action = self._action("ir.cron", "form", '<form><field name="name"/><field name="nextcall"/></form>')
        self.start_tour(f"/odoo/action-{action.id}/{cron.id}", "web_jalali_persian_datetime",
                        login=self.users["fa_IR"].login)
        # Azar 20th, 1405 at 14:30 in the browser's time zone
        saved = cron.nextcall.replace(tzinfo=timezone.utc).astimezone()
        self.assertEqual((saved.date(), saved.hour, saved.minute), (date(2026, 12, 11), 14, 30))

    def _calendar(self, lang):
        user = self.users[lang]
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.env["res.partner"].create({"name": "Jalali Calendar Customer"}).id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "summary": "Jalali calendar activity",
            "user_id": user.id,
            "date_deadline": date(2026, 12, 2),
        })
        action = self._action(
            "mail.activity", "calendar",
            '<calendar date_start="date_deadline" mode="month"><field name="summary"/></calendar>',
            domain="[('user_id', '=', uid)]",
            context="{'initial_date': '2026-12-02 12:00:00'}",
        )
        return f"/odoo/action-{action.id}", user.login

    def test_persian_user_reads_a_jalali_calendar(self):
        url, login = self._calendar("fa_IR")
        self.start_tour(url, "web_jalali_persian_calendar", login=login)

    def test_english_user_reads_a_gregorian_calendar(self):
        url, login = self._calendar("en_US")
        self.start_tour(url, "web_jalali_gregorian_calendar", login=login)
