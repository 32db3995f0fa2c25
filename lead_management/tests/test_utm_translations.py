import os

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

LANGS = {"fa_IR": "fa.po", "ka_GE": "ka.po"}
SOURCES = ("website_form", "landing_page", "google_ads", "meta_ads", "social_media", "email",
           "live_chat", "incoming_call", "exhibition", "referral", "import", "outbound")
MEDIUMS = ("paid_search", "paid_social", "social", "chat", "event", "word_of_mouth", "file")
# brand names, kept as they are in Georgian
SAME_IN_EVERY_LANGUAGE = {"Google Ads", "Meta Ads"}


@tagged("post_install", "-at_install", "lead_management_i18n")
class TestUtmTranslations(TransactionCase):
    """Source and medium names are shown in the user's language, and Odoo's
    UTM helpers still find sources and mediums by name in any language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["lead_management"], list(LANGS), overwrite=True)
        i18n = os.path.join(get_module_path("lead_management"), "i18n")
        cls.po = {code: {entry.msgid: entry.msgstr for entry in polib.pofile(os.path.join(i18n, name))}
                  for code, name in LANGS.items()}
        cls.sources = [cls.env.ref(f"lead_management.utm_source_{xmlid}") for xmlid in SOURCES]
        cls.mediums = [cls.env.ref(f"lead_management.utm_medium_{xmlid}") for xmlid in MEDIUMS]

    def test_names_are_translatable(self):
        for model in ("utm.source", "utm.medium"):
            self.assertTrue(self.env[model]._fields["name"].translate, model)

    def test_shipped_names_are_translated(self):
        for record in self.sources + self.mediums:
            english = record.with_context(lang="en_US").name
            for code in LANGS:
                with self.subTest(name=english, lang=code):
                    name = record.with_context(lang=code).name
                    self.assertTrue(self.po[code].get(english), "translated in the .po file")
                    self.assertEqual(name, self.po[code][english])
                    if english not in SAME_IN_EVERY_LANGUAGE:
                        self.assertNotEqual(name, english)
                    if code == "fa_IR":
                        self.assertFalse(set(name) & {"ي", "ك"}, "Persian ی and ک, not the Arabic letters")
        website_form = self.env.ref("lead_management.utm_source_website_form")
        self.assertEqual(website_form.with_context(lang="fa_IR").name, "فرم وب‌سایت")
        self.assertEqual(website_form.with_context(lang="ka_GE").name, "ვებსაიტის ფორმა")
        self.assertEqual(website_form.with_context(lang="en_US").name, "Website Form")
        paid_search = self.env.ref("lead_management.utm_medium_paid_search")
        self.assertEqual(paid_search.with_context(lang="fa_IR").name, "جستجوی پولی")
        self.assertEqual(paid_search.with_context(lang="ka_GE").name, "ფასიანი ძიება")
        # a lead shows its source in the salesperson's language
        lead = self.env["crm.lead"].create({"name": "UTM lead", "source_id": website_form.id})
        self.assertEqual(lead.with_context(lang="fa_IR").source_id.display_name, "فرم وب‌سایت")

    def test_utm_names_are_found_in_any_language(self):
        """UTM parameters and cookies carry English names whatever the
        visitor's language; a Persian name finds its source too."""
        source = self.env.ref("lead_management.utm_source_website_form")
        source.update_field_translations("name", {"fa_IR": "فرم وب‌سایت", "ka_GE": "ვებსაიტის ფორმა"})
        medium = self.env.ref("lead_management.utm_medium_paid_search")
        medium.update_field_translations("name", {"fa_IR": "جستجوی پولی"})
        count = self.env["utm.source"].search_count([]), self.env["utm.medium"].search_count([])
        persian = self.env["utm.mixin"].with_context(lang="fa_IR")
        english = self.env["utm.mixin"].with_context(lang="en_US")
        self.assertEqual(persian._find_or_create_record("utm.source", "Website Form"), source)
        self.assertEqual(persian._find_or_create_record("utm.source", " website form "), source)
        self.assertEqual(persian._find_or_create_record("utm.medium", "Paid Search"), medium)
        self.assertEqual(english._find_or_create_record("utm.source", "فرم وب‌سایت"), source)
        self.assertEqual(english._find_or_create_record("utm.source", "ვებსაიტის ფორმა"), source)
        self.assertEqual(persian._find_or_create_record("utm.medium", "جستجوی پولی"), medium)
        self.assertEqual(
            (self.env["utm.source"].search_count([]), self.env["utm.medium"].search_count([])), count,
            "nothing created")
        new = persian._find_or_create_record("utm.source", "LM Brand New Source")
        self.assertEqual(new.with_context(lang="en_US").name, "LM Brand New Source")
        self.assertEqual(persian._find_or_create_record("utm.source", "LM Brand New Source"), new)

    def test_new_names_stay_unique_in_english(self):
        """A Persian user creating "Email" does not make a second source
        named "Email" in English (the database constraint compares the
        names of every language together and lets it through)."""
        email = self.env.ref("lead_management.utm_source_email")
        email.update_field_translations("name", {"fa_IR": "ایمیل"})
        source = self.env["utm.source"].with_context(lang="fa_IR").create({"name": "Email"})
        self.assertNotEqual(source.with_context(lang="en_US").name, "Email")
        self.assertRegex(source.with_context(lang="en_US").name, r"^Email \[\d+\]$")
        event = self.env.ref("lead_management.utm_medium_event")
        event.update_field_translations("name", {"ka_GE": "ღონისძიება"})
        medium = self.env["utm.medium"].with_context(lang="ka_GE").create({"name": "Event"})
        self.assertRegex(medium.with_context(lang="en_US").name, r"^Event \[\d+\]$")
        self.assertEqual(self.env["utm.mixin"].with_context(lang="en_US")._find_or_create_record(
            "utm.source", "Email"), email)
