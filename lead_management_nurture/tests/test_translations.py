from freezegun import freeze_time

from odoo.addons.lead_management.tests.test_translations import LANGS, check_catalogs
from odoo.tests import tagged

from .common import MONDAY_MORNING, NurtureCase


@tagged("post_install", "-at_install", "lead_management_nurture", "lead_management_i18n")
class TestNurtureTranslations(NurtureCase):
    """fa and ka of the nurturing addon are complete, and the demo e-mails go
    out in the lead's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["lead_management_nurture"], list(LANGS), overwrite=True)

    def test_po_files_are_complete(self):
        check_catalogs(self, "lead_management_nurture", min_terms=100)

    def test_interface_is_translated(self):
        Enrollment = self.env["lead.nurture.enrollment"]
        reasons = dict(Enrollment.with_context(lang="fa_IR").fields_get(["exit_reason"])["exit_reason"]["selection"])
        self.assertEqual(reasons["sql"], "رسیده به SQL")
        menu = self.env.ref("lead_management_nurture.menu_lead_nurture_cadence")
        self.assertEqual(menu.with_context(lang="ka_GE").name, "მოვლის კადენციები")

    @freeze_time(MONDAY_MORNING)
    def test_demo_emails_in_the_lead_language(self):
        welcome = self.env.ref("lead_management_nurture.mail_template_nurture_cold_welcome", raise_if_not_found=False)
        if not welcome:
            self.skipTest("demo data not installed")
        self.step_welcome.mail_template_id = welcome
        self.step_welcome.variant_ids.unlink()
        langs = {code: self.env["res.lang"]._lang_get(code) for code in LANGS}
        persian = self._create_nurtured_lead("Persian", partner_name="پارس", lang_id=langs["fa_IR"].id)
        georgian = self._create_nurtured_lead("Georgian", partner_name="კავკასია", lang_id=langs["ka_GE"].id,
                                              country_id=self.country_ge.id)
        english = self._create_nurtured_lead("English", partner_name="Acme")
        self._enroll(persian | georgian | english)
        self._run_due()
        mails = {lead: self._trace(lead).mail_mail_id for lead in (persian, georgian, english)}
        self.assertEqual(mails[persian].subject, "چند ایده برای پارس")
        self.assertIn("از علاقهٔ شما سپاسگزاریم", mails[persian].body_html)
        self.assertIn('dir="rtl"', mails[persian].body_html)
        self.assertEqual(mails[georgian].subject, "რამდენიმე იდეა კავკასია-სთვის")
        self.assertIn("გმადლობთ დაინტერესებისთვის", mails[georgian].body_html)
        self.assertEqual(mails[english].subject, "A few ideas for Acme")
        self.assertIn("Thank you for your interest", mails[english].body_html)

    @freeze_time(MONDAY_MORNING)
    def test_mailing_named_in_the_cadence_author_language(self):
        """The mailing a cadence step sends under is listed by its subject:
        the cadence and step names in the language of the cadence's author,
        never the template's raw placeholders."""
        self.user_marketing.lang = "fa_IR"
        # sales rights: the default audience filters leads, which only those who read leads may do
        self.user_marketing.groups_id |= self.env.ref("sales_team.group_sale_salesman")
        cadence = self.env["lead.nurture.cadence"].with_user(self.user_marketing).create({
            "name": "Welcome cadence",
            "team_id": self.team_iran.id,
            "step_ids": [(0, 0, {"name": "First e-mail", "kind": "email", "delay": 0,
                                 "mail_template_id": self.template_welcome.id})],
        })
        cadence.with_context(lang="fa_IR").name = "پرورش خوش‌آمد"
        cadence.step_ids.with_context(lang="fa_IR").name = "نخستین ایمیل"
        lead = self._create_nurtured_lead("Persian reader", partner_name="پارس")
        self._enroll(lead, cadence)
        self._run_due()
        mailing = cadence.step_ids.mailing_id
        self.assertEqual(mailing.subject, "پرورش خوش‌آمد / نخستین ایمیل")
        self.assertNotIn("{{", mailing.display_name)
        self.assertEqual(self._trace(lead).mail_mail_id.subject, "Welcome پارس")
