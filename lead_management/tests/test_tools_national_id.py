from unittest import TestCase

from ..tools.national_id import (
    is_valid_georgia_national_id,
    is_valid_iran_national_id,
    is_valid_national_id,
    restore_leading_zeros,
)


class TestNationalId(TestCase):
    """Check digits and formats of national ids, without the ORM."""

    def test_iran_valid(self):
        for value in ("0013542419", "0499370899", "2914177763", "3740681241"):
            self.assertTrue(is_valid_iran_national_id(value), value)

    def test_iran_wrong_check_digit(self):
        self.assertFalse(is_valid_iran_national_id("0013542418"))
        self.assertFalse(is_valid_iran_national_id("2914177764"))

    def test_iran_same_digits_rejected(self):
        # 1111111111 satisfies the check digit formula but is not a real code
        for digit in "0123456789":
            self.assertFalse(is_valid_iran_national_id(digit * 10))

    def test_iran_length_and_characters(self):
        for value in ("013542419", "00135424190", "00135424a9", ""):
            self.assertFalse(is_valid_iran_national_id(value), value)

    def test_georgia(self):
        self.assertTrue(is_valid_georgia_national_id("01024054321"))
        self.assertFalse(is_valid_georgia_national_id("0102405432"))
        self.assertFalse(is_valid_georgia_national_id("0102405432X"))

    def test_by_country(self):
        self.assertTrue(is_valid_national_id("0013542419", "IR"))
        self.assertFalse(is_valid_national_id("0013542418", "ir"))
        self.assertFalse(is_valid_national_id("123", "GE"))
        # countries without a known format accept any text, empty is allowed
        self.assertTrue(is_valid_national_id("AB-123/x", "US"))
        self.assertTrue(is_valid_national_id("AB-123/x", None))
        self.assertTrue(is_valid_national_id(False, "IR"))

    def test_leading_zeros_restored_where_the_country_says(self):
        self.assertEqual(restore_leading_zeros("13542419", "IR"), "0013542419")
        self.assertEqual(restore_leading_zeros("1024054321", "GE"), "01024054321")
        self.assertEqual(restore_leading_zeros("13542418", "IR"), "13542418", "not valid with the zeros either")
        self.assertEqual(restore_leading_zeros("12345", "US"), "12345", "no known length")
        self.assertEqual(restore_leading_zeros("0013542419", "IR"), "0013542419")
