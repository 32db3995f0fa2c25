import os

import polib

from odoo.exceptions import UserError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import (
    JAVASCRIPT_TRANSLATION_COMMENT,
    PYTHON_TRANSLATION_COMMENT,
    TranslationModuleReader,
    code_translations,
)

LANGS = {"fa_IR": "fa", "ka_GE": "ka"}
# Odoo modules whose model terms are complete in every language; the others
# (mail) ship a subset: the terms our users see
COMPLETE = ("crm", "sales_team")
ROOT = os.path.join(get_module_path("lead_management"), "i18n_odoo")


def shipped_catalogs():
    """{(module, lang): {msgid: msgstr}} of the files in i18n_odoo/."""
    catalogs = {}
    for module in sorted(os.listdir(ROOT)):
        for lang, name in LANGS.items():
            path = os.path.join(ROOT, module, f"{name}.po")
            if os.path.isfile(path):
                catalogs[module, lang] = {e.msgid: e.msgstr for e in polib.pofile(path) if e.msgstr}
    return catalogs


@tagged("post_install", "-at_install", "lead_management_i18n")
class TestOdooTranslations(TransactionCase):
    """Odoo's own CRM screens in Georgian and Persian: our i18n_odoo catalogs
    complete what Odoo ships, and stay through language updates and upgrades."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.catalogs = shipped_catalogs()
        cls.modules = sorted({module for module, _lang in cls.catalogs})
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        # what adding the languages does: every installed module's terms, ours last
        cls.env["ir.module.module"]._load_module_terms([*cls.modules, "lead_management"], list(LANGS))

    def _same_in_english(self, module, lang):
        """msgids that Odoo or we translate by themselves ("CRM", " / ")."""
        same = {msgid for msgid, msgstr in self.catalogs.get((module, lang), {}).items() if msgid == msgstr}
        odoo_po = os.path.join(get_module_path(module), "i18n", f"{LANGS[lang]}.po")
        if os.path.isfile(odoo_po):
            same |= {e.msgid for e in polib.pofile(odoo_po) if e.msgid == e.msgstr}
        return same

    def _model_terms(self, module, lang):
        """(type, field, xmlid, English term, term in lang or '') of the
        records of ``module``, as Odoo's export reads them from the database."""
        return [(row[1], row[2], row[3], row[4], row[5])
                for row in TranslationModuleReader(self.env.cr, [module], lang) if row[1] != "code"]

    def _code_terms(self, module, lang):
        """{(kind, English term): term in lang or ''} of the ``_()`` terms of
        ``module``'s Python and JavaScript, as they are shown: the Python ones
        as ``_()`` translates them, the JavaScript ones as the web client gets them."""
        web = self.env["ir.http"].get_translations_for_webclient([module], lang)[0][module]["messages"]
        web = {message["id"]: message["string"] for message in web}
        python = code_translations.get_python_translations(module, lang)
        terms = {}
        for row in TranslationModuleReader(self.env.cr, [module], lang):
            comments = row[6]
            if row[1] == "code" and PYTHON_TRANSLATION_COMMENT in comments:
                terms["python", row[4]] = python.get(row[4], "")
            elif row[1] == "code" and JAVASCRIPT_TRANSLATION_COMMENT in comments:
                terms["javascript", row[4]] = web.get(row[4], "")
        return terms

    def assertOdooTermsTranslated(self):
        checked = 0
        for module in self.modules:
            for lang in LANGS:
                rows = self._model_terms(module, lang)
                with self.subTest(module=module, lang=lang):
                    if module in COMPLETE:
                        same = self._same_in_english(module, lang)
                        untranslated = sorted({(field, src[:60]) for _type, field, _xmlid, src, value in rows
                                               if not value and src not in same})
                        self.assertEqual(untranslated, [], f"untranslated terms of {module} in {lang}")
                        self.assertGreater(len(rows), 100)
                        code = self._code_terms(module, lang)
                        untranslated = sorted((kind, src[:60]) for (kind, src), value in code.items()
                                              if not value and src not in same)
                        self.assertEqual(untranslated, [], f"untranslated code terms of {module} in {lang}")
                        self.assertGreaterEqual(len(code), 8)
                    catalog = self.catalogs.get((module, lang), {})
                    wrong = sorted({(xmlid, src[:60], value[:60]) for _type, _field, xmlid, src, value in rows
                                    if src in catalog and catalog[src] != src and value != catalog[src]})
                    self.assertEqual(wrong, [], f"our {module} terms in {lang} are the ones shown")
                    checked += sum(1 for row in rows if row[3] in catalog)
        self.assertGreater(checked, 500)

    def test_catalogs_are_complete_and_valid(self):
        self.assertIn(("crm", "ka_GE"), self.catalogs)
        pot = polib.pofile(os.path.join(get_module_path("crm"), "i18n", "crm.pot"))
        for lang, name in LANGS.items():
            odoo = {e.msgid for e in polib.pofile(os.path.join(get_module_path("crm"), "i18n", f"{name}.po"))
                    if e.msgstr}
            with self.subTest(lang=lang):
                ours = self.catalogs["crm", lang]
                missing = [e.msgid[:60] for e in pot if e.msgid not in odoo and e.msgid not in ours]
                self.assertEqual(missing, [], "every term of crm.pot, code terms included")
        for (module, lang), catalog in self.catalogs.items():
            path = os.path.join(ROOT, module, f"{LANGS[lang]}.po")
            msgids = {e.msgid for e in polib.pofile(os.path.join(get_module_path(module), "i18n", f"{module}.pot"))}
            with self.subTest(file=path):
                self.assertFalse(set(catalog) - msgids, "entries of Odoo's own pot only")
                self.assertTrue(all(e.comment.startswith(f"module: {module}") and e.occurrences
                                    for e in polib.pofile(path)), "Odoo's reference comments kept")

    def test_model_terms_are_translated(self):
        self.assertOdooTermsTranslated()
        probability = self.env.ref("crm.field_crm_lead__probability")
        self.assertEqual(probability.with_context(lang="ka_GE").field_description, "ალბათობა")
        self.assertEqual(self.env["crm.lead"].with_context(lang="ka_GE").fields_get(
            ["expected_revenue"], ["string"])["expected_revenue"]["string"], "მოსალოდნელი შემოსავალი")
        menu = self.env.ref("crm.crm_menu_leads")
        self.assertEqual(menu.with_context(lang="ka_GE").name, "ლიდები")

    def test_language_update_and_crm_upgrade_keep_our_terms(self):
        Module = self.env["ir.module.module"]
        # Settings > Languages > Update (overwrite), over every module
        Module._load_module_terms([*self.modules, "lead_management"], list(LANGS), overwrite=True)
        self.assertOdooTermsTranslated()
        # upgrading crm reloads crm's own catalogs, with or without --i18n-overwrite
        Module._load_module_terms(["crm"], list(LANGS), overwrite=True)
        Module._load_module_terms(["crm"], list(LANGS))
        self.assertOdooTermsTranslated()

    def test_user_edits_kept_unless_overwrite(self):
        """Installing or upgrading our addon fills the missing terms and keeps a
        user's edit; Languages > Update with overwrite puts ours back, as Odoo
        does with its own."""
        probability = self.env.ref("crm.field_crm_lead__probability")
        expected = self.env.ref("crm.field_crm_lead__expected_revenue")
        probability.update_field_translations("field_description", {"ka_GE": "შანსი"})
        self.env.cr.execute("""UPDATE ir_model_fields SET field_description = field_description - 'ka_GE'
                               WHERE id = %s""", [expected.id])
        expected.invalidate_recordset()
        self.assertEqual(expected.with_context(lang="ka_GE").field_description, "Expected Revenue")
        # what installing or upgrading lead_management runs
        Module = self.env["ir.module.module"]
        Module._get("lead_management")._update_translations(["ka_GE"])
        self.assertEqual(probability.with_context(lang="ka_GE").field_description, "შანსი")
        self.assertEqual(expected.with_context(lang="ka_GE").field_description, "მოსალოდნელი შემოსავალი")
        Module._load_module_terms(["lead_management"], ["ka_GE"], overwrite=True)
        self.assertEqual(probability.with_context(lang="ka_GE").field_description, "ალბათობა")

    def test_javascript_terms_reach_the_web_client(self):
        """Odoo reads code terms from the module's own i18n folder only: the web
        client gets ours added."""
        translations, _params = self.env["ir.http"].get_translations_for_webclient(["crm"], "ka_GE")
        messages = {message["id"]: message["string"] for message in translations["crm"]["messages"]}
        self.assertEqual(messages["<b>Create your first opportunity.</b>"],
                         "<b>შექმენით თქვენი პირველი შესაძლებლობა.</b>")
        self.assertEqual(messages["Add next %s"], "შემდეგი %s-ის დამატება")
        pot = polib.pofile(os.path.join(get_module_path("crm"), "i18n", "crm.pot"))
        javascript = {e.msgid for e in pot if "odoo-javascript" in e.comment}
        self.assertFalse(javascript - set(messages), "every JavaScript term of crm")
        translations, _params = self.env["ir.http"].get_translations_for_webclient(["crm"], "fa_IR")
        self.assertFalse(javascript - {message["id"] for message in translations["crm"]["messages"]})
        # the messaging menu of every screen (mail), where Odoo lacks them
        for lang, src, value in (("ka_GE", "Mark all read", "ყველას წაკითხულად მონიშვნა"),
                                 ("fa_IR", "Seen by everyone", "دیده‌شده توسط همه")):
            translations, _params = self.env["ir.http"].get_translations_for_webclient(["mail"], lang)
            messages = {message["id"]: message["string"] for message in translations["mail"]["messages"]}
            self.assertEqual(messages[src], value)

    def test_python_messages_of_crm_and_sales_team(self):
        """The ``_()`` messages of Odoo's Python code come out in Georgian
        (Persian is Odoo's own), Odoo's Georgian first where it has some;
        those of mail that our catalog has too."""
        lead = self.env["crm.lead"].with_context(lang="ka_GE").create({"name": "ერთი ლიდი"})
        self.assertEqual(self._raised(lead.merge_opportunity),
                         "შესარწყმელად სიიდან აირჩიეთ მინიმუმ ორი ლიდი/შესაძლებლობა.")
        team = self.env["crm.team"].create({"name": "Tbilisi", "use_opportunities": False})
        self.assertEqual(self._raised(team.with_context(lang="ka_GE")._graph_get_model),
                         "გაყიდვების გუნდის გრაფიკის მოდელი განსაზღვრული არ არის: Tbilisi")
        self.assertEqual(self._raised(team.with_context(lang="fa_IR")._graph_get_model),
                         "مدل نمودار تعریف نشده برای تیم فروش: Tbilisi")
        # the chatter's, from our mail catalog
        self.assertEqual(team.with_context(lang="ka_GE")._creation_message(), "გაყიდვების გუნდი შეიქმნა")
        odoo_ka = {e.msgid: e.msgstr for e in polib.pofile(os.path.join(get_module_path("crm"), "i18n", "ka.po"))
                   if e.msgstr and "odoo-python" in e.comment}
        python = code_translations.get_python_translations("crm", "ka_GE")
        self.assertTrue(odoo_ka)
        self.assertEqual({src: python[src] for src in odoo_ka}, odoo_ka)

    def _raised(self, method):
        with self.assertRaises(UserError) as error:
            method()
        return error.exception.args[0]
