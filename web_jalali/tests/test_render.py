from datetime import date, datetime

from odoo.tests import TransactionCase, tagged

from ..models.jalali_render import format_datetime


@tagged("post_install", "-at_install")
class TestRender(TransactionCase):
    """Server-side formatting follows the reader (see models/jalali_render.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("fa_IR", "ka_GE"):
            cls.env["res.lang"]._activate_lang(code)
        Partner = cls.env["res.partner"]
        cls.fa_partner = Partner.create({"name": "Persian customer", "lang": "fa_IR"})
        cls.en_partner = Partner.create({"name": "English customer", "lang": "en_US"})
        cls.ka_partner = Partner.create({"name": "Georgian customer", "lang": "ka_GE"})
        cls.fa_gregorian_user = cls.env["res.users"].create({
            "name": "Persian Gregorian", "login": "jalali_fa_gregorian", "lang": "fa_IR", "tz": "Asia/Tehran"})
        cls.fa_gregorian_user.date_calendar = "gregorian"
        cls.fa_latin_user = cls.env["res.users"].create({
            "name": "Persian Latin digits", "login": "jalali_fa_latin", "lang": "fa_IR", "tz": "Asia/Tehran"})
        cls.fa_latin_user.date_digits = "latin"
        cls.template = cls.env["mail.template"].create({
            "name": "Jalali dates",
            "model_id": cls.env["ir.model"]._get_id("res.partner"),
            "lang": "{{ object.lang }}",
            "subject": "{{ format_date(day) }} | {{ format_datetime(moment, tz='Asia/Tehran') }}",
            "body_html": '<p><t t-out="format_date(day)"/></p>',
        })

    def _render(self, partners, field="subject"):
        return self.template._render_field(
            field, partners.ids, compute_lang=True,
            add_context={"day": date(2026, 12, 2), "moment": datetime(2026, 12, 2, 10, 30)})

    def test_template_per_reader(self):
        users = self.fa_gregorian_user | self.fa_latin_user
        partners = self.fa_partner | self.en_partner | self.ka_partner | users.partner_id
        subjects = self._render(partners)
        # Persian partner (not a user): Solar Hijri, Persian digits; Tehran is UTC+3:30
        self.assertEqual(subjects[self.fa_partner.id], "۱۴۰۵/۰۹/۱۱ | ۱۴۰۵/۰۹/۱۱ ۱۴:۰۰:۰۰")
        self.assertEqual(subjects[self.fa_latin_user.partner_id.id], "1405/09/11 | 1405/09/11 14:00:00")
        # a Persian user who chose Gregorian, English and Georgian partners: Odoo's own formatting
        expected = {
            partner: self.template.with_context(lang=partner.lang)._render_field(
                "subject", partner.ids, add_context={"day": date(2026, 12, 2), "moment": datetime(2026, 12, 2, 10, 30)},
            )[partner.id]
            for partner in (self.en_partner, self.ka_partner)
        }
        self.assertEqual(subjects[self.en_partner.id], expected[self.en_partner])
        self.assertIn("12/02/2026", subjects[self.en_partner.id])
        self.assertEqual(subjects[self.ka_partner.id], expected[self.ka_partner])
        self.assertNotIn("۱۴۰۵", subjects[self.ka_partner.id])
        gregorian = subjects[self.fa_gregorian_user.partner_id.id]
        self.assertNotIn("1405", gregorian)
        self.assertNotIn("۱۴۰۵", gregorian)
        self.assertIn("2026", gregorian)

    def test_template_qweb_body(self):
        bodies = self._render(self.fa_partner | self.en_partner | self.fa_gregorian_user.partner_id, "body_html")
        self.assertIn("۱۴۰۵/۰۹/۱۱", str(bodies[self.fa_partner.id]))
        self.assertIn("12/02/2026", str(bodies[self.en_partner.id]))
        self.assertIn("2026", str(bodies[self.fa_gregorian_user.partner_id.id]))

    def test_qweb_field_converters(self):
        fa = self.env(context={"lang": "fa_IR", "tz": "Asia/Tehran"})
        self.assertEqual(fa["ir.qweb.field.date"].value_to_html(date(2026, 12, 2), {}), "۱۴۰۵/۰۹/۱۱")
        self.assertEqual(fa["ir.qweb.field.date"].value_to_html("2026-12-02", {"format": "d MMMM y"}), "۱۱ آذر ۱۴۰۵")
        DateTime = fa["ir.qweb.field.datetime"]
        moment = datetime(2026, 12, 2, 21, 0)  # 00:30 on 12 Azar in Tehran
        self.assertEqual(DateTime.value_to_html(moment, {}), "۱۴۰۵/۰۹/۱۲ ۰۰:۳۰:۰۰")
        self.assertEqual(DateTime.value_to_html(moment, {"date_only": True}), "۱۴۰۵/۰۹/۱۲")
        self.assertEqual(DateTime.value_to_html(moment, {"hide_seconds": True, "tz_name": "UTC"}), "۱۴۰۵/۰۹/۱۱ ۲۱:۰۰")
        gregorian = fa["ir.qweb.field.date"].with_context(date_calendar="gregorian")
        self.assertNotIn("۱۴۰۵", gregorian.value_to_html(date(2026, 12, 2), {}))
        latin = fa["ir.qweb.field.date"].with_context(date_digits="latin")
        self.assertEqual(latin.value_to_html(date(2026, 12, 2), {}), "1405/09/11")
        for lang in ("en_US", "ka_GE"):
            other = self.env(context={"lang": lang})["ir.qweb.field.date"]
            self.assertNotIn("1405", other.value_to_html(date(2026, 12, 2), {}))

    def test_activity_notification_in_assignee_calendar(self):
        activity = self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.en_partner.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "date_deadline": date(2026, 12, 2),
            "user_id": self.fa_latin_user.id,
        })
        message = self.env["mail.message"].search(
            [("partner_ids", "in", self.fa_latin_user.partner_id.ids)], order="id desc", limit=1)
        self.assertTrue(activity)
        self.assertIn("1405/09/11", str(message.body))

    def test_activity_email_deadline_subtitle_in_assignee_calendar(self):
        """The e-mail's "Deadline:" subtitle (written by Odoo with strftime) follows the assignee too."""
        en_user = self.env["res.users"].create({"name": "English", "login": "jalali_en", "lang": "en_US"})
        users = self.fa_latin_user | en_user | self.fa_gregorian_user
        for user in users:
            user.write({"notification_type": "email", "email": f"{user.login}@example.com"})
        # queued, not sent at once (and deleted once sent, as Odoo's runner does)
        Activity = self.env["mail.activity"].with_context(mail_notify_force_send=False)
        for user in users:
            Activity.create({
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.en_partner.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "date_deadline": date(2026, 12, 2),
                "user_id": user.id,
            })
        bodies = {
            user: self.env["mail.mail"].search([("recipient_ids", "in", user.partner_id.ids)]).body_html
            for user in users
        }
        self.assertIn(": 1405/09/11", bodies[self.fa_latin_user])
        self.assertNotIn("2026", bodies[self.fa_latin_user])
        self.assertIn("Deadline: 12/02/2026", bodies[en_user])
        self.assertNotIn("1405", bodies[self.fa_gregorian_user])

    def test_format_datetime_for_the_current_user(self):
        """What code renders for the user reading it (e.g. a panel of the form) follows their preferences."""
        moment = datetime(2026, 12, 2, 10, 30)
        fa_user = self.env["res.users"].create({
            "name": "Persian default", "login": "jalali_fa_default", "lang": "fa_IR", "tz": "Asia/Tehran"})
        for user, expected in ((fa_user, "۱۴۰۵/۰۹/۱۱ ۱۴:۰۰"), (self.fa_latin_user, "1405/09/11 14:00")):
            env = self.env(user=user, context={"lang": "fa_IR", "tz": "Asia/Tehran"})
            self.assertEqual(format_datetime(env, moment, dt_format="short"), expected)
        env = self.env(user=self.fa_gregorian_user, context={"lang": "fa_IR", "tz": "Asia/Tehran"})
        self.assertIn("2026", format_datetime(env, moment, dt_format="short"))
        env = self.env(context={"lang": "en_US", "tz": "UTC"})
        self.assertEqual(format_datetime(env, moment, tz="UTC"), "Dec 2, 2026, 10:30:00 AM")

    def test_qweb_fields_for_the_current_user(self):
        """A report or page a Persian user renders for themselves, with no reader in the context, follows
        their preferences; a rendering by the superuser (a cron) keeps the Persian defaults."""
        day = date(2026, 12, 2)
        for user, check in ((self.fa_gregorian_user, lambda html: self.assertIn("2026", html)),
                            (self.fa_latin_user, lambda html: self.assertEqual(html, "1405/09/11"))):
            env = self.env(user=user, context={"lang": "fa_IR", "tz": "Asia/Tehran"})
            check(env["ir.qweb.field.date"].value_to_html(day, {}))
        cron = self.env(user=self.env.ref("base.user_root"), context={"lang": "fa_IR"})
        self.assertEqual(cron["ir.qweb.field.date"].value_to_html(day, {}), "۱۴۰۵/۰۹/۱۱")
