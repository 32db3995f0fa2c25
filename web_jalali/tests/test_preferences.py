from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPreferences(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("fa_IR", "ka_GE"):
            cls.env["res.lang"]._activate_lang(code)
        cls.fa_user = new_test_user(cls.env, "jalali_pref_fa", groups="base.group_user", lang="fa_IR")
        cls.ka_user = new_test_user(cls.env, "jalali_pref_ka", groups="base.group_user", lang="ka_GE")
        cls.en_user = new_test_user(cls.env, "jalali_pref_en", groups="base.group_user", lang="en_US")

    def _prefs(self, user):
        user.invalidate_recordset()
        return user.date_calendar, user.date_digits

    def test_defaults_by_language(self):
        self.assertEqual(self._prefs(self.fa_user), ("jalali", "persian"))
        self.assertEqual(self._prefs(self.ka_user), ("gregorian", "latin"))
        self.assertEqual(self._prefs(self.en_user), ("gregorian", "latin"))

    def test_defaults_follow_language_until_chosen(self):
        self.en_user.with_user(self.en_user).write({"lang": "fa_IR"})
        self.assertEqual(self._prefs(self.en_user), ("jalali", "persian"))
        self.ka_user.write({"lang": "en_US"})
        self.assertEqual(self._prefs(self.ka_user), ("gregorian", "latin"))

    def test_own_choice_survives_language_change(self):
        """Through the Preferences dialog (the user writes on themselves), then the language changes."""
        user = self.fa_user.with_user(self.fa_user)
        with Form(user, view="base.view_users_form_simple_modif") as form:
            form.date_calendar = "gregorian"
        self.assertEqual(self._prefs(self.fa_user), ("gregorian", "persian"))
        user.write({"lang": "en_US"})
        self.assertEqual(self._prefs(self.fa_user), ("gregorian", "persian"))
        user.write({"lang": "fa_IR"})
        self.assertEqual(self._prefs(self.fa_user), ("gregorian", "persian"))
        # choosing the language's defaults again follows the language again
        user.write({"date_calendar": "jalali"})
        user.write({"lang": "en_US"})
        self.assertEqual(self._prefs(self.fa_user), ("gregorian", "latin"))

    def test_language_change_in_dialog_is_not_a_choice(self):
        """The dialog sends the new language's defaults with the language: they still follow it."""
        user = self.en_user.with_user(self.en_user)
        with Form(user, view="base.view_users_form_simple_modif") as form:
            form.lang = "fa_IR"
            self.assertEqual((form.date_calendar, form.date_digits), ("jalali", "persian"))
        self.assertEqual(self._prefs(self.en_user), ("jalali", "persian"))
        user.write({"lang": "ka_GE"})
        self.assertEqual(self._prefs(self.en_user), ("gregorian", "latin"))

    def test_choice_keeps_both_preferences(self):
        """A Georgian choosing Solar Hijri keeps it, with the digits they had, in any language."""
        user = self.ka_user.with_user(self.ka_user)
        user.write({"date_calendar": "jalali"})
        self.assertTrue(self.ka_user.date_preferences_chosen)
        for lang in ("fa_IR", "en_US"):
            user.write({"lang": lang})
            self.assertEqual(self._prefs(self.ka_user), ("jalali", "latin"))

    def test_views(self):
        for view in ("base.view_users_form_simple_modif", "base.view_users_form"):
            arch = self.env["res.users"].get_view(self.env.ref(view).id)["arch"]
            self.assertIn('name="date_calendar"', arch)
            self.assertIn('name="date_digits"', arch)

    def test_user_of_a_persian_partner_with_the_persian_defaults_made_no_choice(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        partner = self.env["res.partner"].create({"name": "Persian partner", "lang": "fa_IR"})
        user = self.env["res.users"].with_context(lang="en_US").create({
            "login": "jalali_partner_user", "partner_id": partner.id,
            "date_calendar": "jalali", "date_digits": "persian"})
        self.assertFalse(user.date_preferences_chosen)

    def test_copy_follows_the_language_of_the_copy(self):
        """A copy of a Persian user (Odoo's template user, a colleague) reads in its own language's calendar."""
        english = self.fa_user.copy({"login": "jalali_pref_copy_en", "lang": "en_US"})
        self.assertEqual(self._prefs(english), ("gregorian", "latin"))
        self.assertFalse(english.date_preferences_chosen)
        persian = self.en_user.copy({"login": "jalali_pref_copy_fa", "lang": "fa_IR"})
        self.assertEqual(self._prefs(persian), ("jalali", "persian"))
