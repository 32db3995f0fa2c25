from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import SQL

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_reports")
class TestSalesCycleReport(LeadManagementCase):
    """Sales cycle report: exact days from creation to conversion and win, per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_web = cls.env["utm.source"].create({"name": "LM Cycle Website"})
        cls.source_fair = cls.env["utm.source"].create({"name": "LM Cycle Exhibition"})
        stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.lead_won = cls._create_lead("Won deal", user=cls.user_salesman, team=cls.team_iran,
                                        source_id=cls.source_web.id, type="opportunity")
        cls.lead_won.write({"stage_id": stage_won.id})
        cls.lead_converted = cls._create_lead("Converted deal", user=cls.user_salesman, team=cls.team_iran,
                                              source_id=cls.source_web.id, type="opportunity")
        cls.lead_archived = cls._create_lead("Lost lead", user=cls.user_salesman, source_id=cls.source_fair.id)
        cls.lead_archived.action_archive()
        cls.env.flush_all()
        for lead, create_date, date_conversion, date_closed in (
                (cls.lead_won, "2024-01-01 08:00:00", "2024-01-03 20:00:00", "2024-01-11 08:00:00"),
                (cls.lead_converted, "2024-03-01 09:30:00", "2024-03-01 21:30:00", None),
                (cls.lead_archived, "2024-02-10 09:00:00", None, None)):
            cls.env.cr.execute(SQL(
                "UPDATE crm_lead SET create_date = %s, date_conversion = %s, date_closed = %s WHERE id = %s",
                create_date, date_conversion, date_closed, lead.id))
        cls.env.invalidate_all()

    def _cycle(self, lead):
        return self.env["lead.sales.cycle.report"].with_context(active_test=False).search([("lead_id", "=", lead.id)])

    def test_won_deal(self):
        self.assertRecordValues(self._cycle(self.lead_won), [{
            "name": "Won deal",
            "create_date": datetime(2024, 1, 1, 8, 0),
            "date_conversion": datetime(2024, 1, 3, 20, 0),
            "date_won": datetime(2024, 1, 11, 8, 0),
            "days_to_convert": 2.5,
            "days_to_won": 10.0,
            "source_id": self.source_web.id,
            "user_id": self.user_salesman.id,
            "team_id": self.team_iran.id,
            "company_id": self.company.id,
            "type": "opportunity",
            "active": True,
            "lead_count": 1,
        }])

    def test_open_and_archived_leads(self):
        self.assertRecordValues(self._cycle(self.lead_converted), [{
            "date_won": False, "days_to_convert": 0.5, "days_to_won": False}])
        self.assertRecordValues(self._cycle(self.lead_archived), [{
            "active": False, "type": "lead", "date_conversion": False, "days_to_convert": False}])
        # like any archivable model, archived rows need active_test=False (set by the menu action)
        self.assertFalse(self.env["lead.sales.cycle.report"].search([("lead_id", "=", self.lead_archived.id)]))

    def test_averages_by_source(self):
        leads = self.lead_won | self.lead_converted | self.lead_archived
        groups = self.env["lead.sales.cycle.report"].with_context(active_test=False).read_group(
            [("lead_id", "in", leads.ids)], ["days_to_convert", "days_to_won", "lead_count"], ["source_id"])
        by_source = {group["source_id"][0]: group for group in groups}
        web = by_source[self.source_web.id]
        self.assertEqual(web["lead_count"], 2)
        self.assertAlmostEqual(web["days_to_convert"], 1.5)  # (2.5 + 0.5) / 2
        self.assertAlmostEqual(web["days_to_won"], 10.0)  # NULLs are left out
        self.assertEqual(by_source[self.source_fair.id]["lead_count"], 1)

    @users("lm_salesman")
    def test_salesman_sees_own_and_unassigned_rows(self):
        leads = self.lead_own | self.lead_other | self.lead_unassigned
        rows = self.env["lead.sales.cycle.report"].search([("lead_id", "in", leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set((self.lead_own | self.lead_unassigned).ids))

    @users("lm_salesman_other")
    def test_other_salesman_does_not_see_foreign_rows(self):
        rows = self.env["lead.sales.cycle.report"].with_context(active_test=False).search(
            [("lead_id", "in", (self.lead_won | self.lead_archived | self.lead_other).ids)])
        self.assertEqual(rows.lead_id, self.lead_other.with_env(self.env))

    @users("lm_salesman_all", "lm_manager")
    def test_all_leads_roles_see_every_row(self):
        leads = self.lead_own | self.lead_other | self.lead_unassigned
        self.assertEqual(len(self.env["lead.sales.cycle.report"].search([("lead_id", "in", leads.ids)])), 3)


@tagged("post_install", "-at_install", "lead_management_reports")
class TestResponseReport(LeadManagementCase):
    """Response time report: average and median minutes to the first response, SLA met rate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["utm.source"].create({"name": "LM Response Website"})
        assigned = datetime(2026, 3, 2, 9, 0)

        def answered(name, minutes, status, score, user=cls.user_salesman):
            lead = cls._create_lead(name, user=user, team=cls.team_iran, source_id=cls.source.id)
            cls.env.flush_all()
            lead.write({
                "score": score,
                "date_open": assigned,
                "sla_deadline": assigned + timedelta(minutes=5),
                "first_response_date": assigned + timedelta(minutes=minutes) if minutes is not None else False,
                "sla_status": status,
            })
            return lead

        # hot: answered after 2, 4 and 30 minutes, one never answered (breached by escalation)
        cls.hot_fast = answered("Hot fast", 2, "met", 90)
        cls.hot_quick = answered("Hot quick", 4, "met", 90)
        cls.hot_late = answered("Hot late", 30, "breached", 90)
        cls.hot_forgotten = answered("Hot forgotten", None, "breached", 90)
        # warm: 60 and 120 minutes, both within a 4-hour target
        cls.warm_a = answered("Warm A", 60, "met", 50)
        cls.warm_b = answered("Warm B", 120, "met", 50)
        # answered without any SLA: a response time, no met rate
        cls.no_sla = answered("No SLA", 600, "none", 10)
        # still waiting: not decided yet, not in the report
        cls.pending = answered("Pending", None, "pending", 90)
        cls.other = answered("Other salesman", 10, "met", 90, user=cls.user_salesman_other)
        cls.leads = (cls.hot_fast | cls.hot_quick | cls.hot_late | cls.hot_forgotten | cls.warm_a
                     | cls.warm_b | cls.no_sla | cls.pending | cls.other)
        cls.Report = cls.env["lead.response.report"]
        cls.env.flush_all()

    def test_response_report_rows(self):
        rows = self.Report.search([("lead_id", "in", self.leads.ids)])
        self.assertEqual(rows.lead_id, self.leads - self.pending, "pending leads are not decided yet")
        forgotten = rows.filtered(lambda r: r.lead_id == self.hot_forgotten)
        self.assertFalse(forgotten.first_response_date)
        self.assertEqual(forgotten.sla_met_rate, 0.0)
        late = rows.filtered(lambda r: r.lead_id == self.hot_late)
        self.assertAlmostEqual(late.response_time, 30.0, places=3)
        self.assertEqual(late.temperature, "hot")

    def test_response_report_average_and_median_by_temperature(self):
        groups = self.Report._read_group(
            [("lead_id", "in", self.leads.ids), ("user_id", "=", self.user_salesman.id)],
            ["temperature"],
            ["response_time:avg", "response_time_median:median", "sla_met_rate:avg", "__count"],
        )
        figures = {temperature: (avg, median, met_rate, count) for temperature, avg, median, met_rate, count in groups}
        # hot: 2, 4, 30 answered -> average 12, median 4; the forgotten lead counts for the met rate
        # (2 of 4 met) but not for the response time
        self.assertAlmostEqual(figures["hot"][0], 12.0, places=3)
        self.assertAlmostEqual(figures["hot"][1], 4.0, places=3)
        self.assertAlmostEqual(figures["hot"][2], 50.0, places=3)
        self.assertEqual(figures["hot"][3], 4)
        self.assertAlmostEqual(figures["warm"][0], 90.0, places=3)
        self.assertAlmostEqual(figures["warm"][1], 90.0, places=3)
        self.assertAlmostEqual(figures["warm"][2], 100.0, places=3)
        # no SLA: a response time, and no met rate rather than 0 %
        self.assertAlmostEqual(figures["cold"][0], 600.0, places=3)
        self.assertFalse(figures["cold"][2])

    def test_response_report_median_through_pivot_api(self):
        """The pivot view asks for each measure with the aggregator of its field."""
        self.assertEqual(self.Report.fields_get(["response_time_median"])["response_time_median"]["aggregator"],
                         "median")
        groups = self.Report.read_group(
            [("lead_id", "in", self.leads.ids)], ["response_time_median:median", "response_time:avg"],
            ["user_id"], orderby="user_id")
        by_user = {group["user_id"][0]: group for group in groups}
        mine = by_user[self.user_salesman.id]
        # answered: 2, 4, 30, 60, 120, 600 -> median 45, average 136
        self.assertAlmostEqual(mine["response_time_median"], 45.0, places=3)
        self.assertAlmostEqual(mine["response_time"], 136.0, places=3)
        self.assertAlmostEqual(by_user[self.user_salesman_other.id]["response_time_median"], 10.0, places=3)

    @users("lm_salesman")
    def test_response_report_salesman_sees_own(self):
        rows = self.env["lead.response.report"].search([("lead_id", "in", self.leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set((self.leads - self.pending - self.other).ids))

    @users("lm_manager")
    def test_response_report_manager_sees_all(self):
        rows = self.env["lead.response.report"].search([("lead_id", "in", self.leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set((self.leads - self.pending).ids))

    @users("lm_employee")
    def test_response_report_needs_sales_rights(self):
        with self.assertRaises(AccessError):
            self.env["lead.response.report"].search([])
