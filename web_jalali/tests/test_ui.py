from datetime import date, datetime

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestJalaliWebClient(HttpCase):
    """The web client shows and reads Jalali dates for a Persian user, saves
    Gregorian ones, and leaves the other users' dates unchanged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fa_IR", "ka_GE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.users = {
            lang: mail_new_test_user(cls.env, login=f"jalali_tour_{lang}", name=f"Jalali Tour {lang}",
                                     lang=lang, tz=tz, groups="base.group_user")
            for lang, tz in (("fa_IR", "Asia/Tehran"), ("ka_GE", "Asia/Tbilisi"), ("en_US", "Europe/Brussels"))
        }
        partner = cls.env["res.partner"].create({"name": "Jalali Tour Customer"})
        cls.activities = {
            lang: cls.env["mail.activity"].create({
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": partner.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Jalali tour activity",
                "user_id": user.id,
                "date_deadline": date(2026, 12, 2),
            })
            for lang, user in cls.users.items()
        }
        # a plain date column and field (Odoo's activity list shows "in 3 days" instead)
        views = cls.env["ir.ui.view"].create([{
            "name": f"web_jalali.tour.activity.{view_type}",
            "model": "mail.activity",
            "type": view_type,
            "arch": f'<{view_type}><field name="summary"/><field name="date_deadline"/></{view_type}>',
        } for view_type in ("list", "form")])
        cls.action = cls.env["ir.actions.act_window"].create({
            "name": "Jalali tour activities",
            "res_model": "mail.activity",
            "view_mode": "list,form",
            "domain": "[('summary', '=', 'Jalali tour activity'), ('user_id', '=', uid)]",
            "view_ids": [(0, 0, {"sequence": index, "view_mode": view.type, "view_id": view.id})
                         for index, view in enumerate(views)],
        })

    def _start(self, tour, lang):
        self.start_tour(f"/odoo/action-{self.action.id}", tour, login=self.users[lang].login)

    def test_persian_user_reads_and_types_jalali_dates_saved_gregorian(self):
        self._start("web_jalali_persian_dates", "fa_IR")
        self.assertEqual(self.activities["fa_IR"].date_deadline, date(2026, 12, 3))

    def test_georgian_user_sees_gregorian_dates(self):
        self._start("web_jalali_gregorian_dates", "ka_GE")
        self.assertEqual(self.activities["ka_GE"].date_deadline, date(2026, 12, 2))

    def test_english_user_sees_gregorian_dates(self):
        self._start("web_jalali_gregorian_dates", "en_US")

    def test_persian_user_picks_a_day_in_a_jalali_month(self):
        self._start("web_jalali_persian_picker", "fa_IR")
        self.assertEqual(self.activities["fa_IR"].date_deadline, date(2026, 12, 11))

    def test_persian_user_reads_jalali_days_in_the_chatter(self):
        partner = self.env["res.partner"].create({"name": "Jalali Chatter Customer"})
        message = partner.message_post(body="Jalali chatter note", message_type="comment")
        message.date = datetime(2026, 6, 1, 10, 0)
        self.start_tour(f"/odoo/res.partner/{partner.id}", "web_jalali_persian_chatter",
                        login=self.users["fa_IR"].login)
