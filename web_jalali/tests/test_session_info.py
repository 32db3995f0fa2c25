from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSessionInfo(HttpCase):
    """The web client learns the logged-in user's calendar and digits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.user_fa = mail_new_test_user(cls.env, login="jalali_session_fa", lang="fa_IR", groups="base.group_user")
        cls.user_en = mail_new_test_user(cls.env, login="jalali_session_en", lang="en_US", groups="base.group_user")

    def _session_info(self, login):
        self.authenticate(login, login)
        response = self.url_open("/web/session/get_session_info", data="{}",
                                 headers={"Content-Type": "application/json"})
        response.raise_for_status()
        return response.json()["result"]

    def test_persian_user_gets_jalali_and_persian_digits(self):
        info = self._session_info("jalali_session_fa")
        self.assertEqual((info["date_calendar"], info["date_digits"]), ("jalali", "persian"))

    def test_english_user_gets_gregorian_and_latin_digits(self):
        info = self._session_info("jalali_session_en")
        self.assertEqual((info["date_calendar"], info["date_digits"]), ("gregorian", "latin"))

    def test_preference_changed_by_the_user_is_sent(self):
        self.user_fa.write({"date_calendar": "gregorian", "date_digits": "latin"})
        info = self._session_info("jalali_session_fa")
        self.assertEqual((info["date_calendar"], info["date_digits"]), ("gregorian", "latin"))

    def test_no_preference_without_a_logged_in_user(self):
        response = self.url_open("/web/session/get_session_info", data="{}",
                                 headers={"Content-Type": "application/json"})
        self.assertNotIn("date_calendar", response.json().get("result") or {})
