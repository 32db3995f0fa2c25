from unittest import TestCase

from ..tools.normalize import (
    clean_identifier,
    clean_text,
    normalize_digits,
    normalize_text,
    normalize_whitespace,
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

    def test_identifiers(self):
        self.assertEqual(clean_identifier("۰۰۱-۳۵۴ ۲۴۱۹"), "0013542419")
        self.assertEqual(clean_identifier("ge 123.456.789"), "GE123456789")
        self.assertEqual(clean_identifier("411-111 111 999"), "411111111999")
        self.assertFalse(clean_identifier(" - "))

    def test_identifier_digits_of_every_script(self):
        self.assertEqual(clean_identifier("\uff10\uff10\uff11\uff13"), "0013", "full-width digits")
        self.assertEqual(clean_identifier("\u00b9\u00b2\u00b3"), "123", "superscript digits")
        self.assertEqual(clean_identifier("\u0966\u0967"), "01", "Devanagari digits")

    def test_identifier_with_other_characters_is_refused(self):
        for value in ("12#45", "۱۲۳+", "abc\u0000"):
            with self.assertRaises(ValueError, msg=value):
                clean_identifier(value)

    def test_clean_text(self):
        self.assertEqual(clean_text("a\x00b"), "ab")
        self.assertEqual(clean_text("x\ud800y").encode("utf-8"), "x\ufffd\ufffd\ufffdy".encode())
        self.assertEqual(clean_text("سلام ۱"), "سلام ۱")
        self.assertFalse(clean_text(False))
