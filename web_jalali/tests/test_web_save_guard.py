from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestWebSaveGuard(TransactionCase):
    """web_save refuses dates before 1700: a Jalali date the client sent as Gregorian."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "Jalali guard"})
        cls.activity_type = cls.env.ref("mail.mail_activity_data_todo")

    def _activity_vals(self, deadline):
        return {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.partner.id,
            "activity_type_id": self.activity_type.id, "date_deadline": deadline, "user_id": self.env.uid,
        }

    def test_date_before_1700_refused(self):
        Activity = self.env["mail.activity"]
        with self.assertRaises(UserError) as caught:
            Activity.web_save(self._activity_vals("1405-09-11"), {"date_deadline": {}})
        self.assertIn("Due Date", str(caught.exception))
        self.assertIn("1405-09-11", str(caught.exception))
        self.assertFalse(Activity.search([("res_id", "=", self.partner.id), ("res_model", "=", "res.partner")]))

    def test_write_refused_nothing_written(self):
        activity = self.env["mail.activity"].create(self._activity_vals("2026-12-02"))
        with self.assertRaises(UserError):
            activity.web_save({"summary": "changed", "date_deadline": "1405-09-11"}, {})
        activity.invalidate_recordset()
        self.assertEqual(str(activity.date_deadline), "2026-12-02")
        self.assertFalse(activity.summary)

    def test_datetime_and_x2many_lines(self):
        with self.assertRaises(UserError):
            self.partner.web_save({"name": "Renamed", "activity_ids": [(0, 0, {
                "activity_type_id": self.activity_type.id, "date_deadline": "1405-09-11", "user_id": self.env.uid,
            })]}, {})
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.name, "Jalali guard")
        self.assertFalse(self.partner.activity_ids)
        with self.assertRaises(UserError) as caught:
            self.env["mail.message"].web_save({"body": "x", "date": "1405-09-11 10:00:00"}, {})
        self.assertIn("Date", str(caught.exception))

    def test_gregorian_dates_saved(self):
        result = self.env["mail.activity"].web_save(self._activity_vals("2026-12-02"), {"date_deadline": {}})
        self.assertEqual(str(result[0]["date_deadline"]), "2026-12-02")
