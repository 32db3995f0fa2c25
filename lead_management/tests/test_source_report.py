from decimal import Decimal

from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import SQL

from .common import LeadManagementCase

MODELS = ("first", "last", "linear", "u_shaped")


@tagged("post_install", "-at_install", "lead_management_reports")
class TestSourceReport(LeadManagementCase):
    """Source performance: figures computed by hand on three sources with costs in three currencies,
    the attribution shares of each model, and what each role sees."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["utm.source"]
        cls.source_search = Source.create({"name": "LM Paid Search"})
        cls.source_social = Source.create({"name": "LM Paid Social"})
        cls.source_fair = Source.create({"name": "LM Exhibition"})
        cls.sources = cls.source_search | cls.source_social | cls.source_fair
        # the company's currency is USD at 1; company rates of these dates come before the shared ones
        cls.usd = cls.company.currency_id
        cls.eur = cls.env.ref("base.EUR")
        cls.gel = cls.env.ref("base.GEL")
        cls.env["res.currency.rate"].create([
            {"currency_id": cls.eur.id, "name": "2024-01-01", "rate": 0.8, "company_id": cls.company.id},
            {"currency_id": cls.eur.id, "name": "2024-02-01", "rate": 0.5, "company_id": cls.company.id},
            {"currency_id": cls.gel.id, "name": "2024-01-01", "rate": 2.5, "company_id": cls.company.id},
        ])
        cls.env["lead.marketing.cost"].create([
            # search: 300 USD + 80 EUR at 0.8 (100 USD) + 50 EUR at 0.5 (100 USD) = 500 USD
            {"date": "2024-01-10", "source_id": cls.source_search.id, "amount": 300, "currency_id": cls.usd.id},
            {"date": "2024-01-15", "source_id": cls.source_search.id, "amount": 80, "currency_id": cls.eur.id},
            {"date": "2024-02-10", "source_id": cls.source_search.id, "amount": 50, "currency_id": cls.eur.id},
            # social: 500 GEL at 2.5 = 200 USD; the exhibition cost nothing
            {"date": "2024-01-20", "source_id": cls.source_social.id, "amount": 500, "currency_id": cls.gel.id},
        ])
        cls.stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.stage_open = cls.env["crm.stage"].search([("is_won", "=", False)], limit=1)

        def lead(name, source, user=None, **facts):
            record = cls._create_lead(name, user=user, team=cls.team_iran, source_id=source.id)
            return record, facts

        # (lead, lifecycle stage, won, revenue, days to win, returning customer, lost)
        specs = [
            lead("Search won", cls.source_search, cls.user_salesman, lifecycle="customer", won=True,
                 revenue=1000, days=10),
            lead("Search SQL", cls.source_search, cls.user_salesman, lifecycle="sql"),
            lead("Search lead", cls.source_search, cls.user_salesman_other, lifecycle="lead"),
            lead("Search lost", cls.source_search, lifecycle="lead", lost=True),
            lead("Social won", cls.source_social, cls.user_salesman_other, lifecycle="customer", won=True,
                 revenue=600, days=4, returning=True),
            lead("Social lead", cls.source_social, cls.user_salesman_other, lifecycle="mql"),
            lead("Fair won", cls.source_fair, lifecycle="customer", won=True, revenue=400, days=20),
        ]
        cls.leads = cls.env["crm.lead"].concat(*(record for record, __ in specs))
        cls.env.flush_all()
        for record, facts in specs:
            cls.env.cr.execute(SQL(
                """UPDATE crm_lead
                      SET create_date = '2024-01-05 10:00:00', lifecycle_stage = %(lifecycle)s,
                          stage_id = %(stage)s, expected_revenue = %(revenue)s, active = %(active)s,
                          probability = %(probability)s, is_returning_customer = %(returning)s,
                          date_closed = '2024-01-05 10:00:00'::timestamp + %(days)s * interval '1 day',
                          type = CASE WHEN %(won)s THEN 'opportunity' ELSE type END
                    WHERE id = %(id)s""",
                id=record.id, lifecycle=facts["lifecycle"], won=facts.get("won", False),
                stage=(cls.stage_won if facts.get("won") else cls.stage_open).id,
                revenue=facts.get("revenue", 0), active=not facts.get("lost"),
                probability=0 if facts.get("lost") else 10, returning=facts.get("returning", False),
                days=facts.get("days", 0)))
        cls.env.invalidate_all()

    def _groups(self, groupby, fields, domain=(), model="first"):
        Report = self.env["lead.source.report"]
        return Report.read_group(
            [("attribution_model", "=", model), ("source_id", "in", self.sources.ids), *domain],
            fields, groupby, lazy=False)

    def test_performance_by_source(self):
        measures = ["lead_count", "mql_count", "sql_count", "opportunity_count", "won_count", "lost_count",
                    "won_revenue", "cost", "cost_per_lead", "cost_per_sql", "cac", "roi", "lead_to_sql_rate",
                    "lead_to_won_rate", "days_to_won_median"]
        by_source = {group["source_id"][0]: group for group in self._groups(["source_id"], measures)}
        expected = {
            # 4 leads, 2 SQL, 1 won (a new customer) for 1000; 500 spent
            self.source_search: {
                "lead_count": 4, "mql_count": 2, "sql_count": 2, "opportunity_count": 1, "won_count": 1,
                "lost_count": 1, "won_revenue": 1000, "cost": 500, "cost_per_lead": 125, "cost_per_sql": 250,
                "cac": 500, "roi": 100, "lead_to_sql_rate": 50, "lead_to_won_rate": 25, "days_to_won_median": 10},
            # the won customer was a customer before: no new customer, no CAC
            self.source_social: {
                "lead_count": 2, "mql_count": 2, "sql_count": 1, "opportunity_count": 1, "won_count": 1,
                "lost_count": 0, "won_revenue": 600, "cost": 200, "cost_per_lead": 100, "cost_per_sql": 200,
                "cac": False, "roi": 200, "lead_to_sql_rate": 50, "lead_to_won_rate": 50, "days_to_won_median": 4},
            # no cost: zeros, and no ROI rather than a division error
            self.source_fair: {
                "lead_count": 1, "mql_count": 1, "sql_count": 1, "opportunity_count": 1, "won_count": 1,
                "lost_count": 0, "won_revenue": 400, "cost": 0, "cost_per_lead": 0, "cost_per_sql": 0,
                "cac": 0, "roi": False, "lead_to_sql_rate": 100, "lead_to_won_rate": 100, "days_to_won_median": 20},
        }
        for source, values in expected.items():
            for fname, value in values.items():
                with self.subTest(source=source.name, measure=fname):
                    self.assertAlmostEqual(by_source[source.id][fname], value, places=6)

    def test_grand_total(self):
        total, = self._groups([], ["lead_count", "sql_count", "won_count", "won_revenue", "cost", "cost_per_lead",
                                   "cost_per_sql", "cac", "roi", "lead_to_won_rate", "days_to_won_median"])
        self.assertEqual(total["lead_count"], 7)
        self.assertAlmostEqual(total["cost"], 700)
        self.assertAlmostEqual(total["cost_per_lead"], 100)  # 700 / 7, not the average of 125, 100 and 0
        self.assertAlmostEqual(total["cost_per_sql"], 175)  # 700 / 4
        self.assertAlmostEqual(total["cac"], 350)  # 700 / 2 new customers
        self.assertAlmostEqual(total["roi"], 100 * (2000 - 700) / 700)
        self.assertAlmostEqual(total["lead_to_won_rate"], 100 * 3 / 7)
        self.assertAlmostEqual(total["days_to_won_median"], 10)

    def test_cost_by_month_at_the_rate_of_its_date(self):
        groups = self._groups(["date:month"], ["cost", "lead_count"], [("source_id", "=", self.source_search.id)])
        by_month = {group["date:month"]: (group["cost"], group["lead_count"]) for group in groups}
        # January: 300 USD + 80 EUR at 0.8; February: 50 EUR at 0.5
        self.assertEqual(by_month, {"January 2024": (400, 4), "February 2024": (100, 0)})

    def test_reconciles_with_leads(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        for model in MODELS:
            groups = self._groups(["source_id"], ["lead_count", "won_count"], model=model)
            for group in groups:
                domain = [("source_id", "=", group["source_id"][0])]
                with self.subTest(model=model, source=group["source_id"][1]):
                    self.assertAlmostEqual(group["lead_count"], Lead.search_count(domain))
                    self.assertAlmostEqual(group["won_count"], Lead.search_count(
                        [*domain, ("stage_id.is_won", "=", True)]))

    def test_no_cost_recorded(self):
        self.env["lead.marketing.cost"].search([]).unlink()
        total, = self._groups([], ["cost", "cost_per_lead", "cost_per_sql", "cac", "roi"])
        self.assertEqual((total["cost"], total["cost_per_lead"], total["cac"]), (0, 0, 0))
        self.assertFalse(total["roi"])

    @users("lm_salesman")
    def test_salesman_sees_own_and_unassigned_leads_without_costs(self):
        rows = self.env["lead.source.report"].search([("source_id", "in", self.sources.ids)])
        own_or_unassigned = self.leads.filtered(lambda lead: not lead.user_id or lead.user_id == self.user_salesman)
        self.assertEqual(set(rows.lead_id.ids), set(own_or_unassigned.ids))
        self.assertFalse(rows.filtered(lambda row: not row.lead_id), "cost rows are for sales managers")
        self.assertNotIn("cost", self.env["lead.source.report"].fields_get())
        pivot = self.env["lead.source.report"].get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        self.assertNotIn('name="cost"', pivot)
        self.assertIn('name="lead_count"', pivot)
        with self.assertRaises(AccessError):
            self._groups(["source_id"], ["cac"])

    @users("lm_salesman_all")
    def test_salesman_all_leads_sees_all_leads_without_costs(self):
        rows = self.env["lead.source.report"].search([
            ("source_id", "in", self.sources.ids), ("attribution_model", "=", "first")])
        self.assertEqual(set(rows.lead_id.ids), set(self.leads.ids))
        self.assertEqual(len(rows), len(self.leads), "no cost row")
        total, = self._groups([], ["lead_count", "lead_to_won_rate"])
        self.assertAlmostEqual(total["lead_to_won_rate"], 100 * 3 / 7)

    @users("lm_manager")
    def test_manager_sees_costs(self):
        total, = self._groups([], ["cost", "cac"])
        self.assertAlmostEqual(total["cost"], 700)
        self.assertAlmostEqual(total["cac"], 350)

    @users("lm_employee")
    def test_employee_without_sales_rights(self):
        with self.assertRaises(AccessError):
            self.env["lead.source.report"].search([])


@tagged("post_install", "-at_install", "lead_management_reports")
class TestSourceAttribution(LeadManagementCase):
    """Attribution shares: a lead's touches are its creation and the later submissions matched to it that
    carry a source, up to its conversion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["utm.source"]
        cls.source_a, cls.source_b, cls.source_c = Source.create([
            {"name": "LM Touch A"}, {"name": "LM Touch B"}, {"name": "LM Touch C"}])
        cls.lead_four = cls._create_lead("Four touches", user=cls.user_salesman, source_id=cls.source_a.id)
        cls.lead_three = cls._create_lead("Three touches", user=cls.user_salesman, source_id=cls.source_a.id)
        cls.lead_converted = cls._create_lead("Converted", user=cls.user_salesman, source_id=cls.source_a.id)
        cls.lead_single = cls._create_lead("One touch", user=cls.user_salesman, source_id=cls.source_b.id)
        cls.leads = cls.lead_four | cls.lead_three | cls.lead_converted | cls.lead_single
        # sudo: the capture log is written by the capture pipeline, which runs as superuser
        Log = cls.env["lead.capture.log"].sudo()
        touches = [
            (cls.lead_four, cls.source_b, "2024-01-06"), (cls.lead_four, cls.source_c, "2024-01-07"),
            (cls.lead_four, cls.source_b, "2024-01-08"),
            (cls.lead_three, cls.source_b, "2024-01-06"), (cls.lead_three, cls.source_c, "2024-01-07"),
            (cls.lead_converted, cls.source_b, "2024-01-06"),
            # after the conversion: not a touch
            (cls.lead_converted, cls.source_c, "2024-01-20"),
        ]
        logs = Log.create([{"channel": "api", "status": "matched", "lead_id": lead.id, "source_id": source.id}
                           for lead, source, __ in touches])
        # a submission that created its lead, or carries no origin, is no further touch
        Log.create([{"channel": "api", "status": "created", "lead_id": cls.lead_single.id,
                     "source_id": cls.source_c.id},
                    {"channel": "api", "status": "matched", "lead_id": cls.lead_single.id}])
        cls.env.flush_all()
        cls.env.cr.execute(SQL(
            "UPDATE crm_lead SET create_date = '2024-01-05 10:00:00' WHERE id IN %s", tuple(cls.leads.ids)))
        cls.env.cr.execute(SQL(
            "UPDATE crm_lead SET date_conversion = '2024-01-10 10:00:00' WHERE id = %s", cls.lead_converted.id))
        for log, (__, __, date) in zip(logs, touches, strict=True):
            cls.env.cr.execute(SQL("UPDATE lead_capture_log SET create_date = %s WHERE id = %s", date, log.id))
        cls.env.invalidate_all()

    def _shares(self, lead, model):
        groups = self.env["lead.source.report"].read_group(
            [("lead_id", "=", lead.id), ("attribution_model", "=", model)], ["share"], ["source_id"])
        return {self.env["utm.source"].browse(group["source_id"][0]).name: round(group["share"], 6)
                for group in groups}

    def test_shares_per_model(self):
        expected = {
            # A (creation), B, C, B
            self.lead_four: {
                "first": {"LM Touch A": 1}, "last": {"LM Touch B": 1},
                "linear": {"LM Touch A": 0.25, "LM Touch B": 0.5, "LM Touch C": 0.25},
                "u_shaped": {"LM Touch A": 0.4, "LM Touch B": 0.5, "LM Touch C": 0.1}},
            # A, B, C
            self.lead_three: {
                "first": {"LM Touch A": 1}, "last": {"LM Touch C": 1},
                "linear": {"LM Touch A": 0.333333, "LM Touch B": 0.333333, "LM Touch C": 0.333333},
                "u_shaped": {"LM Touch A": 0.4, "LM Touch B": 0.2, "LM Touch C": 0.4}},
            # A, B, then conversion (C comes after it)
            self.lead_converted: {
                "first": {"LM Touch A": 1}, "last": {"LM Touch B": 1},
                "linear": {"LM Touch A": 0.5, "LM Touch B": 0.5},
                "u_shaped": {"LM Touch A": 0.5, "LM Touch B": 0.5}},
            self.lead_single: {model: {"LM Touch B": 1} for model in MODELS},
        }
        for lead, by_model in expected.items():
            for model, shares in by_model.items():
                with self.subTest(lead=lead.name, model=model):
                    self.assertEqual(self._shares(lead, model), shares)

    def test_shares_sum_to_exactly_one(self):
        """In numeric, for every lead of the database and every model."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT lead_id, attribution_model, SUM(share)
              FROM lead_source_report
             WHERE lead_id IS NOT NULL
          GROUP BY lead_id, attribution_model""")
        rows = self.env.cr.fetchall()
        lead_count = self.env["crm.lead"].with_context(active_test=False).search_count([])
        self.assertEqual(len(rows), 4 * lead_count)
        self.assertEqual({total for __, __, total in rows}, {Decimal(1)})

    def test_capture_logs_keep_the_submissions_origin(self):
        self.env["crm.lead"]._capture([
            {"email_from": "touch@example.com", "utm_source": "LM Touch C", "name": "Touch"}], "api")
        log = self.env["lead.capture.log"].sudo().search([], order="id desc", limit=1)
        self.assertEqual((log.status, log.source_id), ("created", self.source_c))
