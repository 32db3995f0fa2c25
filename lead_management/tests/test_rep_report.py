from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import SQL

from .common import LeadManagementCase

MARCH = [("date", ">=", "2026-03-01 00:00:00"), ("date", "<", "2026-04-01 00:00:00")]
MEASURES = [
    "assigned_count", "first_response_median", "first_response_p90", "target_met_rate", "activities_done_count",
    "activities_overdue_count", "call_count", "email_count", "opportunity_rate", "win_rate", "won_revenue",
    "deal_size_avg", "cycle_days_median", "pipeline_weighted",
]
TEAM_MEASURES = [
    "team_assigned_avg", "team_first_response_median", "team_first_response_p90", "team_target_met_rate",
    "team_activities_done_avg", "team_activities_overdue_avg", "team_call_avg", "team_email_avg",
    "team_opportunity_rate", "team_win_rate", "team_won_revenue_avg", "team_deal_size_avg",
    "team_cycle_days_median", "team_pipeline_weighted_avg",
]
# salesperson A: responses 2, 10, 30, 60 minutes (2 met, 2 breached, 1 pending); 3 opportunities of 5 leads,
# 2 won (1,000 in 10 days and 3,000 in 20 days), 1 lost; an open lead of 2,000 at 50 %
FIGURES_A = {
    "assigned_count": 5, "first_response_median": 20.0, "first_response_p90": 51.0, "target_met_rate": 50.0,
    "activities_done_count": 2, "activities_overdue_count": 1, "call_count": 2, "email_count": 1,
    "opportunity_rate": 60.0, "win_rate": 200 / 3, "won_revenue": 4000.0, "deal_size_avg": 2000.0,
    "cycle_days_median": 15.0, "pipeline_weighted": 1000.0,
}
# salesperson B: responses 4 (met) and 100 (breached) minutes; 1 won opportunity (6,000 in 5 days) of 2 leads;
# an open lead of 1,000 at 20 %
FIGURES_B = {
    "assigned_count": 2, "first_response_median": 52.0, "first_response_p90": 90.4, "target_met_rate": 50.0,
    "activities_done_count": 1, "activities_overdue_count": 0, "call_count": 2, "email_count": 1,
    "opportunity_rate": 50.0, "win_rate": 100.0, "won_revenue": 6000.0, "deal_size_avg": 6000.0,
    "cycle_days_median": 5.0, "pipeline_weighted": 200.0,
}
# the team: the rows of A and B together; counts and amounts per salesperson
FIGURES_TEAM = {
    "team_assigned_avg": 3.5, "team_first_response_median": 20.0, "team_first_response_p90": 80.0,
    "team_target_met_rate": 50.0, "team_activities_done_avg": 1.5, "team_activities_overdue_avg": 0.5,
    "team_call_avg": 2.0, "team_email_avg": 1.0, "team_opportunity_rate": 400 / 7, "team_win_rate": 75.0,
    "team_won_revenue_avg": 5000.0, "team_deal_size_avg": 10000 / 3, "team_cycle_days_median": 10.0,
    "team_pipeline_weighted_avg": 600.0,
}


@tagged("post_install", "-at_install", "lead_management_reports")
class TestRepReport(LeadManagementCase):
    """Salesperson efficiency: exact medians, 90th percentiles, rates and amounts per salesperson
    and for their team, from leads, activities, calls and e-mails of March 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_a, cls.rep_b = cls.user_salesman, cls.user_salesman_other
        cls.team = cls.env["crm.team"].create({
            "name": "LM Efficiency Team", "use_leads": True, "use_opportunities": True,
            "member_ids": [(6, 0, (cls.rep_a | cls.rep_b).ids)],
        })
        cls.stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.customer = cls.env["res.partner"].create({"name": "LM Efficiency Customer", "email": "c@example.com"})
        with freeze_time("2026-03-15 10:00:00"):
            cls._build_fixture()
        cls.Report = cls.env["lead.rep.report"]
        cls.domain = [("team_id", "=", cls.team.id), *MARCH]

    @classmethod
    def _build_fixture(cls):
        def lead(name, rep, kind="lead", revenue=0.0):
            return cls._create_lead(name, user=rep, team=cls.team, type=kind, expected_revenue=revenue,
                                    partner_id=cls.customer.id)

        cls.a1 = lead("A won small", cls.rep_a, "opportunity", 1000.0)
        cls.a2 = lead("A won big", cls.rep_a, "opportunity", 3000.0)
        cls.a3 = lead("A lost", cls.rep_a, "opportunity", 500.0)
        cls.a4 = lead("A open", cls.rep_a, revenue=2000.0)
        cls.a5 = lead("A waiting", cls.rep_a)
        cls.b1 = lead("B won", cls.rep_b, "opportunity", 6000.0)
        cls.b2 = lead("B open", cls.rep_b, revenue=1000.0)

        # activities: A marks two done and lets one pass its deadline; B marks one done and has one due later
        todo = cls.env.ref("mail.mail_activity_data_todo")

        def activity(record, rep, deadline):
            return cls.env["mail.activity"].create({
                "res_model_id": cls.env["ir.model"]._get_id("crm.lead"), "res_id": record.id,
                "activity_type_id": todo.id, "user_id": rep.id, "date_deadline": deadline,
                "summary": "Follow up",
            })

        for record, rep in ((cls.a1, cls.rep_a), (cls.a2, cls.rep_a), (cls.b1, cls.rep_b)):
            activity(record, rep, "2026-03-20").with_user(rep).action_feedback(feedback="Done")
        cls.overdue = activity(cls.a4, cls.rep_a, "2026-03-10")
        activity(cls.b2, cls.rep_b, "2099-01-01")

        # calls: by the extension that rang, else the lead's salesperson
        call_date = datetime(2026, 3, 5, 11, 0)
        cls.env["lead.engagement"].create([
            {"lead_id": cls.a1.id, "event_type": "call", "date": call_date, "call_user_id": cls.rep_a.id},
            {"lead_id": cls.a2.id, "event_type": "call", "date": call_date},
            {"lead_id": cls.b1.id, "event_type": "call", "date": call_date, "call_user_id": cls.rep_b.id},
            {"lead_id": cls.a4.id, "event_type": "call", "date": call_date, "call_user_id": cls.rep_b.id},
            {"lead_id": cls.a4.id, "event_type": "email_open", "date": call_date},
        ])

        # e-mails: one message each to the customer; a note and the customer's own e-mail do not count
        cls.a1.with_user(cls.rep_a).message_post(
            body="Our quote", message_type="comment", subtype_xmlid="mail.mt_comment")
        cls.a1.with_user(cls.rep_a).message_post(body="Internal note", subtype_xmlid="mail.mt_note")
        cls.b1.with_user(cls.rep_b).message_post(
            body="Our offer", message_type="comment", subtype_xmlid="mail.mt_comment")
        cls.b1.message_post(body="Thanks", author_id=cls.customer.id, message_type="email",
                            subtype_xmlid="mail.mt_comment")

        (cls.a1 | cls.a2 | cls.b1).write({"stage_id": cls.stage_won.id})
        cls.a3.action_set_lost()
        cls.a4.probability = 50.0
        cls.b2.probability = 20.0
        cls.env.flush_all()
        # assignment on 2 March 9:00; the first responses, targets and wins as measured
        assigned = datetime(2026, 3, 2, 9, 0)
        for record, minutes, status, won_days in (
                (cls.a1, 2, "met", 10), (cls.a2, 10, "met", 20), (cls.a3, 30, "breached", None),
                (cls.a4, 60, "breached", None), (cls.a5, None, "pending", None),
                (cls.b1, 4, "met", 5), (cls.b2, 100, "breached", None)):
            cls.env.cr.execute(SQL(
                """UPDATE crm_lead
                      SET create_date = %s, date_open = %s, first_response_date = %s, sla_status = %s,
                          date_closed = %s, date_conversion = CASE WHEN type = 'opportunity' THEN %s END
                    WHERE id = %s""",
                assigned, assigned, assigned + timedelta(minutes=minutes) if minutes is not None else None, status,
                assigned + timedelta(days=won_days) if won_days else None, assigned, record.id))
        cls.env.invalidate_all()

    def _by_user(self, groups):
        return {group["user_id"][0]: group for group in groups}

    def assertFigures(self, group, expected):
        for fname, value in expected.items():
            with self.subTest(measure=fname):
                self.assertAlmostEqual(group[fname], value, places=6, msg=fname)

    def _pivot(self, groupby, domain=None):
        """read_group as the pivot view asks it: each measure with the aggregator of its field."""
        report = self.env["lead.rep.report"]
        measures = MEASURES + TEAM_MEASURES
        fields = report.fields_get(measures, ["aggregator"])
        return report.read_group(
            domain or self.domain, [f"{fname}:{fields[fname]['aggregator']}" for fname in measures], groupby,
            lazy=False)

    def test_rows(self):
        rows = self.Report.search(self.domain)
        kinds = {(row.kind, row.user_id): 0 for row in rows}
        for row in rows:
            kinds[row.kind, row.user_id] += 1
        self.assertEqual(kinds, {
            ("lead", self.rep_a): 5, ("lead", self.rep_b): 2,
            ("activity_done", self.rep_a): 2, ("activity_done", self.rep_b): 1,
            ("activity_overdue", self.rep_a): 1,
            ("call", self.rep_a): 2, ("call", self.rep_b): 2,
            ("email", self.rep_a): 1, ("email", self.rep_b): 1,
        })
        overdue = rows.filtered(lambda row: row.kind == "activity_overdue")
        self.assertEqual((overdue.lead_id, overdue.date), (self.a4, datetime(2026, 3, 10)))
        won = rows.filtered(lambda row: row.kind == "lead" and row.lead_id == self.a2)
        self.assertRecordValues(won, [{
            "response_time": 10.0, "won_count": 1, "closed_count": 1, "won_revenue": 3000.0, "cycle_days": 20.0,
            "win_rate": 100.0, "pipeline_weighted": 0.0, "date": datetime(2026, 3, 2, 9, 0)}])

    def test_figures_per_salesperson_with_team_benchmark(self):
        by_user = self._by_user(self._pivot(["user_id", "date:month"]))
        self.assertEqual(set(by_user), {self.rep_a.id, self.rep_b.id})
        self.assertFigures(by_user[self.rep_a.id], {**FIGURES_A, **FIGURES_TEAM})
        self.assertFigures(by_user[self.rep_b.id], {**FIGURES_B, **FIGURES_TEAM})

    def test_team_total_from_the_rows_not_an_average(self):
        """The team's cell recomputes medians and rates from all its rows."""
        [team_cell] = self._pivot(["team_id"])
        [grand_total] = self._pivot([])
        for total in (team_cell, grand_total):
            self.assertFigures(total, {
                "assigned_count": 7, "first_response_median": 20.0, "first_response_p90": 80.0,
                "target_met_rate": 50.0, "activities_done_count": 3, "activities_overdue_count": 1, "call_count": 4,
                "email_count": 2, "opportunity_rate": 400 / 7, "win_rate": 75.0, "won_revenue": 10000.0,
                "deal_size_avg": 10000 / 3, "cycle_days_median": 10.0, "pipeline_weighted": 1200.0,
                **FIGURES_TEAM,
            })
        # the same through _read_group, as the pivot's web_read_group does
        [(team, median, p90, win_rate, team_win_rate)] = self.Report._read_group(
            self.domain, ["team_id"],
            ["first_response_median:median", "first_response_p90:p90", "win_rate:ratio", "team_win_rate:avg"])
        self.assertEqual(team, self.team)
        self.assertEqual((median, p90, win_rate, team_win_rate), (20.0, 80.0, 75.0, 75.0))

    def test_no_closed_deal_is_no_division_error(self):
        [group] = self._pivot(["user_id"], [*self.domain, ("lead_id", "=", self.a5.id)])
        self.assertEqual(group["assigned_count"], 1)
        self.assertFalse(group["win_rate"])
        self.assertFalse(group["deal_size_avg"])
        self.assertFalse(group["first_response_median"])

    @users("lm_salesman")
    def test_salesman_sees_own_rows(self):
        rows = self.env["lead.rep.report"].search(self.domain)
        self.assertEqual(rows.user_id, self.rep_a)
        # the benchmark is computed over the rows the salesperson may read: nobody else's figures leak
        by_user = self._by_user(self._pivot(["user_id"]))
        self.assertEqual(list(by_user), [self.rep_a.id])
        self.assertFigures(by_user[self.rep_a.id], {
            **FIGURES_A, "team_assigned_avg": 5.0, "team_win_rate": 200 / 3, "team_call_avg": 2.0})

    @users("lm_salesman_all", "lm_manager")
    def test_all_leads_roles_see_every_row(self):
        by_user = self._by_user(self._pivot(["user_id"]))
        self.assertFigures(by_user[self.rep_a.id], {**FIGURES_A, **FIGURES_TEAM})
        self.assertFigures(by_user[self.rep_b.id], {**FIGURES_B, **FIGURES_TEAM})

    @users("lm_employee")
    def test_needs_sales_rights(self):
        with self.assertRaises(AccessError):
            self.env["lead.rep.report"].search([])

    def test_other_company_rows_hidden(self):
        company = self.env["res.company"].create({"name": "LM Other Company"})
        self.user_manager.company_ids |= company
        # the lead's team belongs to the first company: moved in SQL
        self.env.cr.execute(SQL("UPDATE crm_lead SET company_id = %s WHERE id = %s", company.id, self.a5.id))
        report = self.Report.with_user(self.user_manager).with_context(allowed_company_ids=self.company.ids)
        self.assertNotIn(self.a5, report.search(self.domain).lead_id)
        report = report.with_context(allowed_company_ids=(self.company | company).ids)
        self.assertIn(self.a5, report.search(self.domain).lead_id)


@tagged("post_install", "-at_install", "lead_management_reports")
class TestReportDimensions(LeadManagementCase):
    """Temperature, score band, province and city in the sales cycle and response reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.isfahan = cls.env.ref("lead_management.state_ir_isfahan")
        cls.lead_warm = cls._create_lead("Isfahan lead", user=cls.user_salesman, team=cls.team_iran,
                                         state_id=cls.isfahan.id, city="Kashan")
        cls.lead_hot = cls._create_lead("Hot lead", user=cls.user_salesman, team=cls.team_iran,
                                        state_id=cls.isfahan.id, city="Kashan")
        cls.env.flush_all()
        cls.lead_warm.write({"score": 45, "first_response_date": datetime(2026, 3, 2, 9, 5), "sla_status": "met"})
        cls.lead_hot.write({"score": 80, "first_response_date": datetime(2026, 3, 2, 9, 5), "sla_status": "met"})
        cls.leads = cls.lead_warm | cls.lead_hot
        cls.env.flush_all()

    def test_sales_cycle_dimensions(self):
        rows = self.env["lead.sales.cycle.report"].search([("lead_id", "in", self.leads.ids)], order="id")
        self.assertRecordValues(rows, [
            {"lead_id": lead.id, "temperature": lead.temperature, "score_band": band,
             "state_id": self.isfahan.id, "city": "Kashan", "country_id": self.country_ir.id}
            for lead, band in sorted(((self.lead_warm, "40_59"), (self.lead_hot, "80_100")),
                                     key=lambda item: item[0].id)
        ])
        groups = self.env["lead.sales.cycle.report"]._read_group(
            [("lead_id", "in", self.leads.ids)], ["score_band", "state_id", "city"], ["__count"])
        self.assertEqual(sorted(groups), sorted([("40_59", self.isfahan, "Kashan", 1),
                                                 ("80_100", self.isfahan, "Kashan", 1)]))

    def test_response_dimensions(self):
        rows = self.env["lead.response.report"].search([("lead_id", "=", self.lead_warm.id)])
        self.assertRecordValues(rows, [{"score_band": "40_59", "state_id": self.isfahan.id, "city": "Kashan"}])
