from datetime import datetime
from unittest import TestCase

from ..tools.matching import (
    best_match,
    index_candidates,
    index_ranked,
    lock_key,
    match_keys,
    normalize_email,
    normalize_phone,
    phone_country_code,
    rank_matches,
)


class TestMatching(TestCase):
    """The matching engine's pure parts: keys, normalization, best match."""

    def test_email(self):
        self.assertEqual(normalize_email("  Ali.Rezaei@Example.COM "), "ali.rezaei@example.com")
        self.assertEqual(normalize_email("user۱@example.ir"), "user1@example.ir")
        for value in ("not-an-email", "a@b", "two@example.com other@example.com", "", None, 42):
            with self.subTest(value=value):
                self.assertFalse(normalize_email(value))

    def test_phone_forms_of_the_same_number(self):
        expected = "+989121234567"
        for value in ("09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "+98 912 123 4567", "00989121234567",
                      "+۹۸۹۱۲۱۲۳۴۵۶۷", "0912-123-4567"):
            with self.subTest(value=value):
                self.assertEqual(normalize_phone(value, "IR"), expected)

    def test_phone_country(self):
        self.assertEqual(normalize_phone("555 12 34 56", "GE"), "+995555123456")
        self.assertEqual(normalize_phone("+995 555 12 34 56", "IR"), "+995555123456")
        self.assertFalse(normalize_phone("09121234567", None))
        for value in ("abc", "12", "", None, "+98 912"):
            with self.subTest(value=value):
                self.assertFalse(normalize_phone(value, "IR"))

    def test_keys_strongest_first(self):
        keys = match_keys(email="a@example.com", phones=["+989121234567", "+989121234567", False],
                          national_id="0013542419", vat="411111111111", external_id="fb-1")
        self.assertEqual(keys, [
            ("external_id", "fb-1"), ("national_id", "0013542419"), ("vat", "411111111111"),
            ("email", "a@example.com"), ("phone", "+989121234567")])
        self.assertEqual(match_keys(), [])

    def test_lock_key(self):
        key = lock_key("email", "a@example.com")
        self.assertEqual(key, lock_key("email", "a@example.com"))
        self.assertNotEqual(key, lock_key("phone", "a@example.com"))
        self.assertTrue(-2**63 <= key < 2**63)

    def test_best_match_strongest_key_then_newest(self):
        old, new = datetime(2026, 1, 1), datetime(2026, 6, 1)
        candidates = index_candidates([
            (1, old, [("email", "a@example.com")]),
            (2, new, [("email", "a@example.com")]),
            (3, old, [("national_id", "0013542419")]),
        ])
        self.assertEqual(best_match([("email", "a@example.com")], candidates), 2)
        self.assertEqual(best_match([("email", "a@example.com"), ("national_id", "0013542419")], candidates), 3)
        self.assertIsNone(best_match([("phone", "+989121234567")], candidates))

    def test_rank_matches_strongest_key_then_order(self):
        index = index_ranked([
            (1, (True, 1), [("email", "a@example.com"), ("phone", "+989121234567")]),
            (2, (False, 2), [("email", "a@example.com")]),
            (3, (True, 3), [("vat", "411"), ("phone", "+989121234567")]),
            (4, (True, 4), [("email", "other@example.com")]),
        ])
        keys = [("vat", "411"), ("email", "a@example.com"), ("phone", "+989121234567")]
        self.assertEqual(rank_matches(keys, index), [(3, "vat"), (2, "email"), (1, "email")],
                         "the economic code first; then, on the same key, the lower order (a company)")
        self.assertEqual(rank_matches([("phone", "+989121234567")], index), [(1, "phone"), (3, "phone")])
        self.assertEqual(rank_matches([("email", "nobody@example.com")], index), [])

    def test_phone_country_code_from_the_international_prefix(self):
        for number, code in (("+989121234567", "IR"), ("+995555123456", "GE"), ("+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "IR"),
                             ("+12025550123", "US"), ("+442071838750", "GB")):
            with self.subTest(number=number):
                self.assertEqual(phone_country_code(number), code)
        for number in ("09121234567", "+800 1234 5678", "+999123", "abc", "", None):
            with self.subTest(number=number):
                self.assertFalse(phone_country_code(number))
