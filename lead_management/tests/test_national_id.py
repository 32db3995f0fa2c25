import os

from odoo.exceptions import ValidationError
from odoo.modules.migration import load_script
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_identifiers")
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


@tagged("post_install", "-at_install", "lead_management_identifiers")
class TestIdentifierNormalization(LeadManagementCase):
    """One normalizer for national ids and economic codes, on leads and
    contacts, for what is stored and what is matched."""

    def test_economic_code_on_contact_and_lead_alike(self):
        customer = self.env["res.partner"].create({"name": "Paydar Co", "is_company": True, "vat": "411-111 111 999"})
        self.assertEqual(customer.vat, "411111111999")
        lead = self._create_lead("Same company", partner_name="Paydar", vat="۴۱۱ ۱۱۱ ۱۱۱ ۹۹۹")
        self.assertEqual(lead.vat, customer.vat)
        self.assertEqual(lead._get_partner_candidates()[0][0], customer, "the conversion finds the customer")

    def test_values_of_every_type_and_script(self):
        cases = {
            "\uff10\uff10\uff11\uff13\uff15\uff14\uff12\uff14\uff11\uff19": "0013542419",   # full-width digits
            13542419: "0013542419",   # a spreadsheet number lost its leading zeros: restored for Iran
            "2914177763": "2914177763",
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(self._create_lead("Id", national_id=value).national_id, expected)
        georgian = self._create_lead("Georgian number", country_id=self.country_ge.id, national_id=1024054321)
        self.assertEqual(georgian.national_id, "01024054321")
        with self.assertRaisesRegex(ValidationError, "National ID"):
            self._create_lead("Zeros do not make it valid", national_id=13542418)

    def test_bad_values_get_a_clear_error(self):
        for value in (True, ["0013542419"], {"id": 1}, "00135#2419", "۱" * 10000):
            with self.subTest(value=str(value)[:20]), self.assertRaisesRegex(ValidationError, "National ID"):
                self._create_lead("Bad", national_id=value)
        with self.assertRaisesRegex(ValidationError, "Economic Code: expected at most 32"):
            self._create_lead("Long", vat="9" * 40)

    def test_migration_normalizes_stored_values(self):
        partner = self.env["res.partner"].create({"name": "Before", "vat": "411111111999"})
        lead = self._create_lead("Before", vat="411111111999", national_id="0013542419")
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_partner SET vat = %s WHERE id = %s", ["411-111 111 999", partner.id])
        self.env.cr.execute("UPDATE crm_lead SET vat = %s, national_id = %s WHERE id = %s",
                            ["411.111.111.999", "۰۰۱-۳۵۴۲۴۱۹", lead.id])
        self.env.cr.execute("UPDATE crm_lead SET national_id = %s WHERE id = %s", ["12#4", self.lead_other.id])
        self.env.invalidate_all()
        script = os.path.join(get_module_path("lead_management"), "migrations", "18.0.1.1.0", "post-migrate.py")
        load_script(script, "lead_management_post_migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(partner.vat, "411111111999")
        self.assertEqual((lead.vat, lead.national_id), ("411111111999", "0013542419"))
        self.assertEqual(self.lead_other.national_id, "12#4", "what is not an identifier is left alone")
