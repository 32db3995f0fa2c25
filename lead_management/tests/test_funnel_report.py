from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import SQL

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_reports")
class TestFunnelReport(LeadManagementCase):
    """Funnel report on hand-made lifecycle histories: counts, rates and percentiles per group.

    Lifecycle periods (days), L = lead, M = mql, S = sql, O = opportunity, D = disqualified:
      A  Jan 1, salesman       L 2, M 5, S (open)
      B  Jan 5, salesman       L 1, M 10, S 4, O 12, D (open, junk)
      C  Feb 10, other         L 1, S (open): skipped mql
      D  Feb 1, salesman       L 4, M (open), lost
      E  Jan 10, unassigned    L (open)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["lead.funnel.report"]

        def lead(name, created, user=None, **values):
            record = cls._create_lead(name, user=user, team=cls.team_iran, **values)
            cls.env.flush_all()
            cls.env.cr.execute(SQL("UPDATE crm_lead SET create_date = %s WHERE id = %s", created, record.id))
            return record

        cls.lead_a = lead("Funnel A", "2024-01-01 08:00:00", cls.user_salesman)
        cls.lead_b = lead("Funnel B", "2024-01-05 08:00:00", cls.user_salesman)
        cls.lead_c = lead("Funnel C", "2024-02-10 08:00:00", cls.user_salesman_other)
        cls.lead_d = lead("Funnel D", "2024-02-01 08:00:00", cls.user_salesman)
        cls.lead_e = lead("Funnel E", "2024-01-10 08:00:00")
        cls.lead_b.lead_status = "junk"
        cls.lead_d.write({"active": False, "probability": 0})
        cls.leads = cls.lead_a | cls.lead_b | cls.lead_c | cls.lead_d | cls.lead_e
        cls.env.flush_all()
        # only the periods below: whatever create() and write() recorded is replaced
        cls.env.cr.execute(SQL("DELETE FROM lead_history WHERE lead_id IN %s", tuple(cls.leads.ids)))
        cls.env.invalidate_all()

        def periods(record, dimension, *steps):
            """steps: (value, from, to) with dates as (month, day) of 2024; to None while open."""
            cls.env["lead.history"].create([{
                "lead_id": record.id,
                "dimension": dimension,
                "value": value if dimension != "stage" else False,
                "stage_id": value.id if dimension == "stage" else False,
                "date_from": datetime(2024, *date_from, 8, 0),
                "date_to": date_to and datetime(2024, *date_to, 8, 0),
                "company_id": record.company_id.id,
            } for value, date_from, date_to in steps])

        periods(cls.lead_a, "lifecycle_stage", ("lead", (1, 1), (1, 3)), ("mql", (1, 3), (1, 8)), ("sql", (1, 8), None))
        periods(cls.lead_b, "lifecycle_stage", ("lead", (1, 5), (1, 6)), ("mql", (1, 6), (1, 16)),
                ("sql", (1, 16), (1, 20)), ("opportunity", (1, 20), (2, 1)), ("disqualified", (2, 1), None))
        periods(cls.lead_c, "lifecycle_stage", ("lead", (2, 10), (2, 11)), ("sql", (2, 11), None))
        periods(cls.lead_d, "lifecycle_stage", ("lead", (2, 1), (2, 5)), ("mql", (2, 5), None))
        periods(cls.lead_e, "lifecycle_stage", ("lead", (1, 10), None))

        # pipelines: Iran's is New, Contacted, Qualified...; Georgia's has its own stage after Contacted
        Stage = cls.env["crm.stage"]
        cls.stage_new, cls.stage_contacted, cls.stage_qualified = (
            cls.env.ref("crm.stage_lead1"), Stage.search([("name", "=", "Contacted")]), cls.env.ref("crm.stage_lead2"))
        cls.stage_georgia = Stage.create({"name": "Georgia Visit", "sequence": 2, "team_id": cls.team_georgia.id})
        cls.deal_iran = lead("Funnel Iran deal", "2024-01-01 08:00:00", cls.user_salesman)
        cls.deal_georgia = cls._create_lead("Funnel Georgia deal", user=cls.user_salesman_all, team=cls.team_georgia)
        # lead status: new, attempted, contacted, then junk
        cls.junk = lead("Funnel junk", "2024-01-01 08:00:00", cls.user_salesman, lead_status="junk")
        cls.env.flush_all()
        cls.env.cr.execute(SQL("DELETE FROM lead_history WHERE lead_id IN %s",
                               (cls.deal_iran.id, cls.deal_georgia.id, cls.junk.id)))
        periods(cls.deal_iran, "stage", (cls.stage_new, (1, 1), (1, 2)), (cls.stage_contacted, (1, 2), (1, 4)),
                (cls.stage_qualified, (1, 4), None))
        periods(cls.deal_georgia, "stage", (cls.stage_new, (1, 1), (1, 3)), (cls.stage_contacted, (1, 3), (1, 5)),
                (cls.stage_georgia, (1, 5), None))
        periods(cls.junk, "lead_status", ("new", (1, 1), (1, 2)), ("attempted", (1, 2), (1, 3)),
                ("contacted", (1, 3), (1, 6)), ("junk", (1, 6), None))
        cls.Report._refresh_steps()

    def _groups(self, mode, groupby, domain=(), measures=None):
        """{group key: {measure: value}} of the lifecycle funnel of the fixture's leads."""
        measures = measures or [
            "entered_count", "moved_on_count", "dropped_count", "current_count",
            "next_rate", "cumulative_rate", "days_in_median", "days_in_p90"]
        groups = self.Report.read_group(
            [("lead_id", "in", self.leads.ids), ("dimension", "=", "lifecycle_stage"), ("mode", "=", mode),
             *domain], measures, groupby, lazy=False)
        return {tuple(group[spec] for spec in groupby): group for group in groups}

    def assertFigures(self, group, **expected):
        for measure, value in expected.items():
            with self.subTest(measure=measure):
                self.assertAlmostEqual(group[measure], value, places=2)

    def test_any_order_by_value(self):
        groups = self._groups("any", ["value"])
        self.assertEqual([key[0] for key in groups], ["lead", "mql", "sql", "opportunity"], "funnel order")
        self.assertFigures(groups["lead",], entered_count=5, moved_on_count=4, dropped_count=0, current_count=1,
                           next_rate=60.0, cumulative_rate=100.0, days_in_median=1.5, days_in_p90=3.4)
        self.assertFigures(groups["mql",], entered_count=3, moved_on_count=2, dropped_count=1, current_count=0,
                           next_rate=200 / 3, cumulative_rate=60.0, days_in_median=7.5, days_in_p90=9.5)
        self.assertFigures(groups["sql",], entered_count=3, moved_on_count=1, dropped_count=0, current_count=2,
                           next_rate=100 / 3, cumulative_rate=60.0, days_in_median=4.0, days_in_p90=4.0)
        self.assertFigures(groups["opportunity",], entered_count=1, moved_on_count=0, dropped_count=1,
                           current_count=0, next_rate=0.0, cumulative_rate=20.0, days_in_median=12.0)

    def test_strict_order_leaves_out_skipped_values(self):
        """C went from lead to sql without mql: in strict order it is counted in lead only."""
        groups = self._groups("strict", ["value"])
        self.assertFigures(groups["lead",], entered_count=5, moved_on_count=4, current_count=1,
                           next_rate=60.0, cumulative_rate=100.0)
        self.assertFigures(groups["mql",], entered_count=3, next_rate=200 / 3, cumulative_rate=60.0)
        self.assertFigures(groups["sql",], entered_count=2, moved_on_count=1, current_count=1,
                           next_rate=50.0, cumulative_rate=40.0, days_in_median=4.0)
        self.assertFigures(groups["opportunity",], entered_count=1, dropped_count=1, cumulative_rate=20.0)
        rows = self.Report.search([("lead_id", "=", self.lead_c.id), ("dimension", "=", "lifecycle_stage")])
        self.assertEqual(sorted(rows.mapped(lambda row: (row.mode, row.value))),
                         [("any", "lead"), ("any", "sql"), ("strict", "lead")])

    def test_rates_and_percentiles_from_each_group(self):
        """Two cohorts: each cell and the total come from its own rows, not from the cells."""
        groups = self._groups("any", ["cohort_month:month"], [("value", "=", "lead")])
        january, february = groups["January 2024",], groups["February 2024",]
        # January: A, B, E entered, A and B reached mql; February: C and D entered, D reached mql
        self.assertFigures(january, entered_count=3, next_rate=200 / 3, days_in_median=1.5, days_in_p90=1.9)
        self.assertFigures(february, entered_count=2, next_rate=50.0, days_in_median=2.5, days_in_p90=3.7)
        # the total is 3 of 5 (not the 58.3 average of the cells), median of 1, 1, 2, 4 (not 2.0)
        self.assertFigures(self._groups("any", [], [("value", "=", "lead")])[()],
                           entered_count=5, next_rate=60.0, days_in_median=1.5, days_in_p90=3.4)
        # cumulative: the value's entries over the cohort's leads that entered the funnel, though
        # the domain keeps the sql rows only
        groups = self._groups("any", ["cohort_month:month"], [("value", "=", "sql")])
        self.assertFigures(groups["January 2024",], entered_count=2, cumulative_rate=200 / 3)
        self.assertFigures(groups["February 2024",], entered_count=1, cumulative_rate=50.0)
        self.assertFigures(self._groups("any", [], [("value", "=", "sql")])[()], cumulative_rate=60.0)

    def test_pivot_cells_and_totals(self):
        """Value × cohort month as the pivot asks, and its totals over several values: the last
        value reached ÷ the leads that entered the funnel."""
        cells = self._groups("strict", ["value", "cohort_month:month"])
        self.assertFigures(cells["sql", "January 2024"], entered_count=2, cumulative_rate=200 / 3, next_rate=50.0)
        self.assertNotIn(("sql", "February 2024"), cells, "C skipped mql")
        self.assertFigures(cells["mql", "February 2024"], entered_count=1, dropped_count=1, cumulative_rate=50.0)
        by_month = self._groups("strict", ["cohort_month:month"])
        self.assertFigures(by_month["January 2024",], entered_count=8, cumulative_rate=100 / 3)
        self.assertFigures(by_month["February 2024",], entered_count=3, cumulative_rate=50.0)
        self.assertFigures(self._groups("strict", [])[()], entered_count=11, cumulative_rate=20.0)

    def test_mixed_modes_have_no_cumulative_rate(self):
        groups = self.Report.read_group(
            [("lead_id", "in", self.leads.ids)], ["entered_count", "cumulative_rate"], ["value"], lazy=False)
        self.assertFalse(groups[0]["cumulative_rate"])
        self.assertEqual(groups[0]["entered_count"], 10)

    def test_common_dimensions(self):
        row = self.Report.search([("lead_id", "=", self.lead_a.id), ("mode", "=", "any"), ("value", "=", "mql")])
        self.assertRecordValues(row, [{
            "dimension": "lifecycle_stage", "position": 2, "cohort_month": datetime(2024, 1, 1).date(),
            "date_entered": datetime(2024, 1, 3, 8, 0), "user_id": self.user_salesman.id,
            "team_id": self.team_iran.id, "country_id": self.country_ir.id, "company_id": self.company.id,
            "entered_count": 1, "moved_on_count": 1, "next_rate": 100.0, "days_in_median": 5.0,
        }])

    def test_pipeline_stages_in_each_team_order(self):
        """Stages in sequence order, each team's pipeline being the shared stages and its own: the
        Georgian stage is no step the Iranian deal skipped."""
        groups = self.Report.read_group(
            [("lead_id", "in", (self.deal_iran | self.deal_georgia).ids), ("mode", "=", "strict")],
            ["entered_count", "moved_on_count", "current_count", "next_rate", "cumulative_rate", "days_in_median"],
            ["stage_id"], lazy=False)
        self.assertEqual([group["stage_id"][0] for group in groups], [
            self.stage_new.id, self.stage_contacted.id, self.stage_georgia.id, self.stage_qualified.id])
        new, contacted, georgia, qualified = groups
        self.assertFigures(new, entered_count=2, moved_on_count=2, next_rate=100.0, cumulative_rate=100.0,
                           days_in_median=1.5)
        self.assertFigures(contacted, entered_count=2, moved_on_count=2, next_rate=100.0, days_in_median=2.0)
        self.assertFigures(georgia, entered_count=1, current_count=1, cumulative_rate=50.0)
        self.assertFigures(qualified, entered_count=1, current_count=1, cumulative_rate=50.0)

    def test_lead_status_dropped_at_its_last_step(self):
        """Junk is where the lead left the funnel, not a step: it dropped out at contacted."""
        rows = self.Report.search([("lead_id", "=", self.junk.id), ("mode", "=", "strict")])
        self.assertRecordValues(rows.sorted("position"), [
            {"dimension": "lead_status", "value": "new", "moved_on_count": 1, "dropped_count": 0,
             "current_count": 0, "next_rate": 100.0, "days_in_median": 1.0},
            {"dimension": "lead_status", "value": "attempted", "moved_on_count": 1, "dropped_count": 0,
             "current_count": 0, "next_rate": 100.0, "days_in_median": 1.0},
            {"dimension": "lead_status", "value": "contacted", "moved_on_count": 0, "dropped_count": 1,
             "current_count": 0, "next_rate": 0.0, "days_in_median": 3.0},
        ])

    @users("lm_salesman")
    def test_salesman_sees_own_and_unassigned_rows(self):
        rows = self.env["lead.funnel.report"].search([("lead_id", "in", self.leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set((self.lead_a | self.lead_b | self.lead_d | self.lead_e).ids))
        groups = self.env["lead.funnel.report"].read_group(
            [("lead_id", "in", self.leads.ids), ("dimension", "=", "lifecycle_stage"), ("mode", "=", "any")],
            ["entered_count", "cumulative_rate"], ["value"], lazy=False)
        # without C: 4 leads entered the funnel, A and B reached sql
        sql = next(group for group in groups if group["value"] == "sql")
        self.assertEqual(sql["entered_count"], 2)
        self.assertAlmostEqual(sql["cumulative_rate"], 50.0)

    @users("lm_salesman_other")
    def test_other_salesman_sees_own_and_unassigned_rows(self):
        rows = self.env["lead.funnel.report"].search([("lead_id", "in", self.leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set((self.lead_c | self.lead_e).ids))

    @users("lm_salesman_all", "lm_manager")
    def test_all_leads_roles_see_every_row(self):
        rows = self.env["lead.funnel.report"].search([("lead_id", "in", self.leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set(self.leads.ids))

    def test_other_company_rows_hidden(self):
        company = self.env["res.company"].create({"name": "LM Funnel Tbilisi"})
        foreign = self.env["crm.lead"].create({"name": "Funnel Tbilisi", "company_id": company.id})
        self.env.flush_all()
        self.env.cr.execute(SQL("DELETE FROM lead_history WHERE lead_id = %s", foreign.id))
        self.env["lead.history"].create({
            "lead_id": foreign.id, "dimension": "lifecycle_stage", "value": "lead",
            "date_from": datetime(2024, 1, 1), "company_id": company.id})
        self.Report._refresh_steps()
        Report = self.env["lead.funnel.report"].with_user(self.user_manager)
        self.assertFalse(Report.search([("lead_id", "=", foreign.id)]))
        self.user_manager.company_ids |= company
        self.assertEqual(len(Report.with_context(allowed_company_ids=[self.company.id, company.id]).search(
            [("lead_id", "=", foreign.id)])), 2, "strict and any order")

    @users("lm_employee")
    def test_funnel_report_needs_sales_rights(self):
        with self.assertRaises(AccessError):
            self.env["lead.funnel.report"].search([])
