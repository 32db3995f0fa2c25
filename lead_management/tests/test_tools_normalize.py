from unittest import TestCase

from ..tools.normalize import (
    clean_identifier,
    normalize_digits,
    normalize_email,
    normalize_phone,
    normalize_text,
    normalize_whitespace,
    only_digits,
)


class TestNormalize(TestCase):
    """Pure normalization helpers, without the ORM."""

    def test_persian_digits(self):
        self.assertEqual(normalize_digits("۰۹۱۲ ۳۴۵ ۶۷۸۹"), "0912 345 6789")

    def test_arabic_indic_digits(self):
        self.assertEqual(normalize_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789")
        self.assertEqual(normalize_digits("Tel 021-۸۸ ٨٨"), "Tel 021-88 88")
        self.assertFalse(normalize_digits(False))

    def test_arabic_letters_become_persian(self):
        # علي with Arabic yeh, كرمان with Arabic kaf, tatweel in the middle
        self.assertEqual(normalize_text("علي"), "علی")
        self.assertEqual(normalize_text("كرمان"), "کرمان")
        self.assertEqual(normalize_text("مـوسى"), "موسی")
        self.assertEqual(normalize_text("علي"), normalize_text("علی"))

    def test_whitespace_and_direction_marks(self):
        self.assertEqual(normalize_whitespace("  Tehran\u00a0\u200f  Iran \n"), "Tehran Iran")

    def test_text_is_case_insensitive_for_latin(self):
        self.assertEqual(normalize_text("  ISFAHAN "), normalize_text("isfahan"))
        self.assertNotEqual(normalize_text("Isfahan"), normalize_text("اصفهان"))

    def test_phone_persian_digits_iran(self):
        self.assertEqual(normalize_phone("۰۹۱۲ ۳۴۵ ۶۷۸۹", "IR"), "+989123456789")
        self.assertEqual(normalize_phone("٠٩١٢٣٤٥٦٧٨٩", "ir"), "+989123456789")

    def test_phone_international_prefixes(self):
        self.assertEqual(normalize_phone("0098 912 345 6789", "GE"), "+989123456789")
        self.assertEqual(normalize_phone("+98 21 8888 1234", None), "+982188881234")

    def test_phone_georgia_national(self):
        self.assertEqual(normalize_phone("599 12 34 56", "GE"), "+995599123456")

    def test_phone_unparseable_is_false(self):
        for number in ("call me", "12", "", False, "+98 12"):
            self.assertFalse(normalize_phone(number, "IR"), number)

    def test_email(self):
        self.assertEqual(normalize_email("  Ali.Rezaei@Example.COM "), "ali.rezaei@example.com")
        self.assertFalse(normalize_email("   "))

    def test_identifiers(self):
        self.assertEqual(clean_identifier("۰۰۱-۳۵۴ ۲۴۱۹"), "0013542419")
        self.assertEqual(clean_identifier("ge 123.456.789"), "GE123456789")
        self.assertEqual(only_digits("IR-۱۲ ab ٣"), "123")
