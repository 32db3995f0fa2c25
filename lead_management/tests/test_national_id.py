from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install")
class TestNationalIdValidation(LeadManagementCase):
    """National ids on leads and partners: stored clean, refused when wrong."""

    def test_valid_iran_id_is_stored_clean(self):
        lead = self._create_lead("Persian digits", national_id="۰۰۱-۳۵۴۲۴۱۹")
        self.assertEqual(lead.national_id, "0013542419")

    def test_wrong_iran_id_names_field_and_format(self):
        with self.assertRaises(ValidationError) as error:
            self._create_lead("Wrong id", national_id="0013542418")
        message = str(error.exception)
        self.assertIn("National ID", message)
        self.assertIn("10 digits with a valid check digit", message)
        self.assertIn("0013542418", message)

    def test_wrong_id_keeps_stored_value(self):
        lead = self._create_lead("Keep", national_id="0013542419")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            lead.write({"national_id": "1111111111", "name": "Changed"})
        lead.invalidate_recordset()
        self.assertEqual(lead.national_id, "0013542419")
        self.assertEqual(lead.name, "Keep")

    def test_georgia(self):
        lead = self._create_lead("Georgian", country_id=self.country_ge.id, national_id="01024054321")
        self.assertEqual(lead.national_id, "01024054321")
        with self.assertRaisesRegex(ValidationError, "11 digits"):
            self._create_lead("Short Georgian", country_id=self.country_ge.id, national_id="0102405432")

    def test_changing_country_revalidates(self):
        lead = self._create_lead("Moves", country_id=self.country_us.id, national_id="123-45-6789")
        with self.assertRaises(ValidationError):
            lead.country_id = self.country_ge

    def test_other_country_free_text(self):
        lead = self._create_lead("American", country_id=self.country_us.id, national_id="A 123 b")
        self.assertEqual(lead.national_id, "A123B")

    def test_company_country_when_lead_has_none(self):
        with self.assertRaises(ValidationError):
            self._create_lead("No country", country_id=False, national_id="12345")

    def test_partner(self):
        partner = self.env["res.partner"].create({
            "name": "علی رضایی", "country_id": self.country_ir.id, "national_id": "۲۹۱۴۱۷۷۷۶۳"})
        self.assertEqual(partner.national_id, "2914177763")
        with self.assertRaisesRegex(ValidationError, "National ID"):
            partner.national_id = "2914177764"
