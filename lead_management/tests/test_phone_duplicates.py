from odoo.tests import Form, tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_identifiers")
class TestPhoneAndDuplicates(LeadManagementCase):
    """Phones kept as typed and matched in E.164; duplicate warning."""

    def test_persian_digits_match_e164(self):
        lead = self._create_lead("Persian phone", phone="۰۹۱۲ ۳۴۵ ۶۷۸۹")
        self.assertEqual(lead.phone, "۰۹۱۲ ۳۴۵ ۶۷۸۹", "the phone is kept as typed")
        self.assertEqual(lead.phone_sanitized, "+989123456789")
        found = self.env["crm.lead"].search([("phone_sanitized", "=", "+989123456789")])
        self.assertIn(lead, found)

    def test_company_country_when_lead_has_none(self):
        lead = self._create_lead("No country", country_id=False, mobile="0935 123 4567")
        self.assertEqual(lead.phone_sanitized, "+989351234567")

    def test_unparseable_phone_is_kept(self):
        lead = self._create_lead("Bad phone", phone="call after 5pm")
        self.assertEqual(lead.phone, "call after 5pm")
        self.assertFalse(lead.phone_sanitized)
        self.assertEqual(lead.duplicate_lead_count, 0)

    def test_duplicate_by_phone_in_persian_digits(self):
        first = self._create_lead("First", phone="+98 912 765 4321")
        second = self._create_lead("Second", mobile="۰۹۱۲۷۶۵۴۳۲۱")
        self.assertIn(first, second.duplicate_lead_ids)
        self.assertEqual(second.duplicate_lead_count, 1)

    def test_duplicate_by_mobile_when_phone_is_sanitized(self):
        # phone_sanitized holds only one number: the mobile must match too
        first = self._create_lead("Has both", mobile="09121112233", phone="021 8888 1234")
        second = self._create_lead("Landline only", phone="+982188881234")
        self.assertIn(first, second.duplicate_lead_ids)

    def test_duplicate_by_exact_email(self):
        # Odoo ignores generic domains such as gmail.com; the exact address still matches
        first = self._create_lead("Mail 1", email_from="sara.karimi@gmail.com")
        second = self._create_lead("Mail 2", email_from="Sara.Karimi@Gmail.com")
        third = self._create_lead("Mail 3", email_from="other@gmail.com")
        self.assertIn(first, second.duplicate_lead_ids)
        self.assertNotIn(third, second.duplicate_lead_ids)

    def test_duplicate_by_national_id_and_vat(self):
        first = self._create_lead("Id 1", national_id="0013542419", vat="411111111111")
        by_id = self._create_lead("Id 2", national_id="۰۰۱۳۵۴۲۴۱۹")
        by_vat = self._create_lead("Vat", vat="411-111-111-111")
        self.assertIn(first, by_id.duplicate_lead_ids)
        self.assertIn(first, by_vat.duplicate_lead_ids)
        self.assertEqual(first.duplicate_lead_count, 2)

    def test_duplicate_warning_in_form(self):
        self._create_lead("Existing", national_id="2914177763")
        with Form(self.env["crm.lead"].with_context(default_type="lead")) as form:
            form.name = "Typed in the form"
            form.country_id = self.country_ir
            form.national_id = "2914177763"
            self.assertEqual(form.duplicate_lead_count, 1)
