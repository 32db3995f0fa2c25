from datetime import date, datetime, timedelta

import jdatetime

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase, tagged, users

from ..tools.jalali import MONTHS, to_digits

TEHRAN = "Asia/Tehran"


@tagged("post_install", "-at_install")
class TestReadGroupJalali(TransactionCase):
    """The web client's grouped reads (context key ``jalali_groups``) group
    dates by Jalali months, quarters and years, with Jalali labels and the
    Gregorian bounds of the periods; without the key, Odoo's groups."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.fa_user = mail_new_test_user(cls.env, login="jalali_groups_fa", lang="fa_IR", tz=TEHRAN,
                                         groups="base.group_user,base.group_partner_manager")
        cls.en_user = mail_new_test_user(cls.env, login="jalali_groups_en", lang="en_US", tz=TEHRAN,
                                         groups="base.group_user,base.group_partner_manager")
        # UTC creation moments: 30 Aban 1405 23:30, 1 Azar 00:30, 30 Azar 13:30, 1 Dey 00:30 in Tehran
        moments = [datetime(2026, 11, 21, 20, 0), datetime(2026, 11, 21, 21, 0),
                   datetime(2026, 12, 21, 10, 0), datetime(2026, 12, 21, 21, 0)]
        cls.partners = cls.env["res.partner"].create([{"name": f"Jalali group {i}"} for i in range(len(moments))])
        cls._set_create_dates(cls.partners, moments)
        cls.domain = [("id", "in", cls.partners.ids)]

    @classmethod
    def _set_create_dates(cls, records, moments):
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = v.moment FROM (SELECT unnest(%s::int[]) AS id,"
            " unnest(%s::timestamp[]) AS moment) v WHERE res_partner.id = v.id",
            [records.ids, moments])
        records.invalidate_recordset(["create_date"])

    def _groups(self, groupby, jalali=True, **kwargs):
        model = self.env["res.partner"].with_context(tz=TEHRAN, jalali_groups=jalali)
        return model.web_read_group(self.domain, ["__count"], [groupby], **kwargs)

    @users("jalali_groups_fa")
    def test_jalali_months_labels_ranges_and_domains(self):
        result = self._groups("create_date:month")
        groups = result["groups"]
        self.assertEqual(result["length"], 3)
        self.assertEqual([(g["create_date:month"], g["create_date_count"]) for g in groups],
                         [("آبان ۱۴۰۵", 1), ("آذر ۱۴۰۵", 2), ("دی ۱۴۰۵", 1)])
        # 1 Azar 00:00 and 1 Dey 00:00 in Tehran (+03:30), in UTC
        azar = groups[1]
        self.assertEqual(azar["__range"]["create_date:month"],
                         {"from": "2026-11-21 20:30:00", "to": "2026-12-21 20:30:00"})
        self.assertIn(("create_date", ">=", "2026-11-21 20:30:00"), azar["__domain"])
        self.assertIn(("create_date", "<", "2026-12-21 20:30:00"), azar["__domain"])
        self.assertEqual(self.env["res.partner"].search(azar["__domain"]), self.partners[1:3])

    @users("jalali_groups_fa")
    def test_jalali_quarters_years_and_days(self):
        quarters = self._groups("create_date:quarter")["groups"]
        self.assertEqual([(g["create_date:quarter"], g["create_date_count"]) for g in quarters],
                         [("Q3 ۱۴۰۵", 3), ("Q4 ۱۴۰۵", 1)])
        self.assertEqual(quarters[1]["__range"]["create_date:quarter"]["from"], "2026-12-21 20:30:00")  # 1 Dey
        years = self._groups("create_date:year")["groups"]
        self.assertEqual([(g["create_date:year"], g["create_date_count"]) for g in years], [("۱۴۰۵", 4)])
        self.assertEqual(years[0]["__range"]["create_date:year"],
                         {"from": "2026-03-20 20:30:00", "to": "2027-03-20 20:30:00"})  # 1 Farvardin 1405, 1406
        days = self._groups("create_date:day")["groups"]
        self.assertEqual([g["create_date:day"] for g in days],
                         ["۳۰ آبان ۱۴۰۵", "۱ آذر ۱۴۰۵", "۳۰ آذر ۱۴۰۵", "۱ دی ۱۴۰۵"])
        self.assertEqual(days[1]["__range"]["create_date:day"],
                         {"from": "2026-11-21 20:30:00", "to": "2026-11-22 20:30:00"})

    @users("jalali_groups_fa")
    def test_date_field_fill_temporal_and_limit(self):
        """A date field (an activity's due date), with the graph's
        fill_temporal: the Jalali months in between, empty; a limit counts
        Jalali groups."""
        partner = self.env["res.partner"].create({"name": "Jalali activities"})
        activities = self.env["mail.activity"].create([{
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": partner.id,
            "summary": "Jalali group activity",
            "user_id": self.env.user.id,
            "date_deadline": day,
        } for day in (date(2026, 11, 21), date(2026, 11, 22), date(2027, 1, 21))])  # Aban, Azar, 1 Bahman
        model = self.env["mail.activity"].with_context(tz=TEHRAN, jalali_groups=True, fill_temporal=True)
        domain = [("id", "in", activities.ids)]
        groups = model.read_group(domain, ["__count"], ["date_deadline:month"])
        self.assertEqual([(g["date_deadline:month"], g["date_deadline_count"]) for g in groups],
                         [("آبان ۱۴۰۵", 1), ("آذر ۱۴۰۵", 1), ("دی ۱۴۰۵", 0), ("بهمن ۱۴۰۵", 1)])
        self.assertEqual(groups[2]["__range"]["date_deadline:month"], {"from": "2026-12-22", "to": "2027-01-21"})
        limited = model.with_context(fill_temporal=False).web_read_group(
            domain, ["__count"], ["date_deadline:month"], limit=2)
        self.assertEqual(limited["length"], 3)

    @users("jalali_groups_en")
    def test_without_the_key_odoo_groups(self):
        """Without the key (a Gregorian user's client, or server code), Odoo's groups."""
        groups = self._groups("create_date:month", jalali=False)["groups"]
        self.assertEqual([(g["create_date:month"], g["create_date_count"]) for g in groups],
                         [("November 2026", 2), ("December 2026", 2)])
        self.assertEqual(groups[0]["__range"]["create_date:month"],
                         {"from": "2026-10-31 20:30:00", "to": "2026-11-30 20:30:00"})

    @users("jalali_groups_fa")
    def test_server_read_group_stays_gregorian(self):
        """_read_group, which server code calls, keeps Gregorian months even
        in a context of the web client that asks for Jalali groups."""
        model = self.env["res.partner"].with_context(tz=TEHRAN, jalali_groups=True)
        rows = model._read_group(self.domain, ["create_date:month"], ["__count"])
        self.assertEqual(rows, [(datetime(2026, 11, 1), 2), (datetime(2026, 12, 1), 2)])
        jalali_rows = model._read_group(self.domain, ["create_date:jalali_month"], ["__count"])
        self.assertEqual(jalali_rows, [(datetime(2026, 10, 23), 1), (datetime(2026, 11, 22), 2),
                                       (datetime(2026, 12, 22), 1)])

    @users("jalali_groups_fa")
    def test_jalali_month_counts_equal_gregorian_day_ranges(self):
        """A Persian user's count per Jalali month is the number of records
        created in the Gregorian days of that month (Tehran), found by search."""
        partners = self.env["res.partner"].create([{"name": f"Jalali count {i}"} for i in range(80)])
        # every 4 days and 7 hours from 1 March 2026, UTC
        moments = [datetime(2026, 3, 1) + i * timedelta(days=4, hours=7) for i in range(80)]
        self._set_create_dates(partners, moments)
        self.domain = [("id", "in", partners.ids)]
        groups = self._groups("create_date:month")["groups"]
        self.assertEqual(sum(g["create_date_count"] for g in groups), 80)
        self.assertGreater(len(groups), 10)
        for group in groups:
            # the Jalali month of the label, its days computed by jdatetime
            name, year = group["create_date:month"].split(" ")
            month, year = MONTHS.index(name) + 1, int(to_digits(year, "latin"))
            first = jdatetime.date(year, month, 1)
            after = jdatetime.date(year + (month == 12), month % 12 + 1, 1)
            start = f"{first.togregorian()} 00:00:00"
            end = f"{after.togregorian()} 00:00:00"
            # the days in Tehran's time zone, whose offset is +03:30 (no DST since 2022)
            count = self.env["res.partner"].search_count([
                *self.domain, ("create_date", ">=", _minus_offset(start)), ("create_date", "<", _minus_offset(end))])
            self.assertEqual(group["create_date_count"], count, group["create_date:month"])


def _minus_offset(moment):
    """A Tehran wall-clock moment in UTC (Tehran is at +03:30)."""
    return str(datetime.fromisoformat(moment) - timedelta(hours=3, minutes=30))
