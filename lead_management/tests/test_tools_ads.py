import hashlib
import hmac
from unittest import TestCase

from ..tools import ads


class TestAds(TestCase):

    def test_google_columns(self):
        payload, questions = ads.answers_to_payload(ads.google_answers({"user_column_data": [
            {"column_id": "FIRST_NAME", "column_name": "First Name", "string_value": "Sara"},
            {"column_id": "LAST_NAME", "column_name": "Last Name", "string_value": "Karimi"},
            {"column_id": "EMAIL", "column_name": "Email", "string_value": "s@example.com"},
            {"column_id": "WORK_EMAIL", "column_name": "Work Email", "string_value": "s@work.example.com"},
            {"column_id": "PHONE_NUMBER", "column_name": "Phone", "string_value": "0912"},
            {"column_id": "WORK_PHONE", "column_name": "Work Phone", "string_value": "021"},
            {"column_name": "Budget", "string_value": "10k"},
            {"column_name": "Empty", "string_value": ""},
            "not a column",
        ]}), ads.GOOGLE_COLUMNS)
        self.assertEqual(payload, {"contact_name": "Sara Karimi", "email_from": "s@example.com", "phone": "0912",
                                   "mobile": "021"})
        self.assertEqual(questions, [("Work Email", "s@work.example.com"), ("Budget", "10k")])

    def test_full_name_wins_over_first_and_last(self):
        payload, __ = ads.answers_to_payload(
            [("FULL_NAME", "Full", "Nino Beridze"), ("FIRST_NAME", "First", "N")], ads.GOOGLE_COLUMNS)
        self.assertEqual(payload["contact_name"], "Nino Beridze")

    def test_meta_fields(self):
        answers = ads.meta_answers([
            {"name": "full_name", "values": ["Nino"]}, {"name": "zip_code", "values": ["0105"]},
            {"name": "which_plan?", "values": ["A", "B"]}, {"name": "empty", "values": []}, {"values": None}])
        self.assertEqual(answers, [("full_name", "full name", "Nino"), ("zip_code", "zip code", "0105"),
                                   ("which_plan?", "which plan?", "A, B")])
        payload, questions = ads.answers_to_payload(answers, ads.META_FIELDS)
        self.assertEqual(payload, {"contact_name": "Nino", "zip": "0105"})
        self.assertEqual(questions, [("which plan?", "A, B")])

    def test_signature(self):
        body = b'{"object": "page"}'
        good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
        self.assertTrue(ads.meta_signature_valid(body, good, "secret"))
        self.assertFalse(ads.meta_signature_valid(body + b" ", good, "secret"))
        self.assertFalse(ads.meta_signature_valid(body, good, "other"))
        self.assertFalse(ads.meta_signature_valid(body, good.replace("sha256=", "sha1="), "secret"))
        self.assertFalse(ads.meta_signature_valid(body, None, "secret"))
        self.assertFalse(ads.meta_signature_valid(body, good, ""))

    def test_leadgen_changes(self):
        data = {"entry": [{"changes": [{"field": "leadgen", "value": {"leadgen_id": "1"}},
                                       {"field": "feed", "value": {}}, "junk"]}, "junk"]}
        self.assertEqual(ads.meta_leadgen_changes(data), [{"leadgen_id": "1"}])
        self.assertEqual(ads.meta_leadgen_changes({"entry": "x"}), [])
        self.assertEqual(ads.meta_leadgen_changes([]), [])

    def test_retry_delays(self):
        self.assertEqual([ads.retry_delay_minutes(n) for n in range(8)], [None, 1, 5, 15, 60, 240, 720, None])
