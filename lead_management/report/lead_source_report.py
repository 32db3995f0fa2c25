from odoo import fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

ATTRIBUTION_MODELS = [
    ("first", "First Touch"),
    ("last", "Last Touch"),
    ("linear", "Linear"),
    ("u_shaped", "U-Shaped"),
]
#: measures summed over the group (as float: the view keeps exact numeric shares)
SUM_MEASURES = (
    "share", "lead_count", "mql_count", "sql_count", "opportunity_count", "won_count", "lost_count",
    "new_customer_count", "won_revenue", "cost",
)
#: ratio measures: (numerator, denominator, factor), computed from the group's sums
RATIO_MEASURES = {
    "cost_per_lead": ("cost", "lead_count", 1),
    "cost_per_sql": ("cost", "sql_count", 1),
    "cac": ("cost", "new_customer_count", 1),
    "lead_to_sql_rate": ("sql_count", "lead_count", 100),
    "lead_to_won_rate": ("won_count", "lead_count", 100),
}
#: digits of a share: the rest of a lead's 1 goes to its first touch, so that its shares sum to exactly 1
SHARE_SCALE = 10


class LeadSourceReport(models.Model):
    """Source performance: one row per lead, touch and attribution model, weighted by the touch's
    share of the lead, and one row per marketing cost and attribution model (in the company's
    currency at the cost's date), so that leads, qualified leads, won deals and costs add up per
    source, medium, campaign and period.

    The touches of a lead are its creation (its source, medium and campaign) and the later
    submissions matched to it that carry a source, medium or campaign (``lead.capture.log``), up
    to its conversion into an opportunity. ``lead.engagement`` carries no origin and adds none.
    """

    _name = "lead.source.report"
    _inherit = [
        "lead.report.mixin", "lead.report.place.mixin", "lead.report.quality.mixin", "lead.report.jalali.mixin",
    ]
    _description = "Source Performance"
    _auto = False
    _order = "date desc, id desc"

    attribution_model = fields.Selection(
        ATTRIBUTION_MODELS, readonly=True,
        help="How a lead is shared between its touches: all to the first (its origin at creation), all to the "
             "last before it became an opportunity, equally (linear), or 40% to the first, 40% to the last and "
             "20% spread over the others (U-shaped).")
    date = fields.Date(
        string="Period", readonly=True,
        help="The day the lead was created, or the day of the marketing cost.")
    share = fields.Float(
        string="Attribution Share", digits=(16, 4), readonly=True, aggregator="sum",
        help="The part of the lead given to this touch by the attribution model; the shares of a lead sum to 1.")
    currency_id = fields.Many2one("res.currency", readonly=True)
    state_id = fields.Many2one(string="State/Province")
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    lead_count = fields.Float(string="# Leads", digits=(16, 2), readonly=True, aggregator="sum")
    mql_count = fields.Float(
        string="# MQL", digits=(16, 2), readonly=True, aggregator="sum",
        help="Leads marketing qualified or further (sales qualified, opportunity, customer).")
    sql_count = fields.Float(
        string="# SQL", digits=(16, 2), readonly=True, aggregator="sum",
        help="Leads sales qualified or further (opportunity, customer).")
    opportunity_count = fields.Float(string="# Opportunities", digits=(16, 2), readonly=True, aggregator="sum")
    won_count = fields.Float(string="# Won", digits=(16, 2), readonly=True, aggregator="sum")
    lost_count = fields.Float(string="# Lost", digits=(16, 2), readonly=True, aggregator="sum")
    new_customer_count = fields.Float(
        string="# New Customers", digits=(16, 2), readonly=True, aggregator="sum",
        help="Won deals of customers who were not customers before.")
    won_revenue = fields.Monetary(
        readonly=True, aggregator="sum",
        help="Expected revenue of the won deals, weighted by the attribution share.")
    cost = fields.Monetary(
        readonly=True, aggregator="sum", groups="sales_team.group_sale_manager",
        help="Marketing costs, in the company's currency at the rate of their date.")
    cost_per_lead = fields.Monetary(
        string="Cost per Lead", readonly=True, aggregator="sum", groups="sales_team.group_sale_manager",
        help="Cost divided by the number of leads of the group.")
    cost_per_sql = fields.Monetary(
        string="Cost per SQL", readonly=True, aggregator="sum", groups="sales_team.group_sale_manager",
        help="Cost divided by the number of sales qualified leads of the group.")
    cac = fields.Monetary(
        string="CAC", readonly=True, aggregator="sum", groups="sales_team.group_sale_manager",
        help="Customer acquisition cost: cost divided by the number of new customers won.")
    roi = fields.Float(
        string="ROI (%)", digits=(16, 1), readonly=True, aggregator="sum", groups="sales_team.group_sale_manager",
        help="Return on investment: won revenue minus cost, divided by cost.")
    lead_to_sql_rate = fields.Float(
        string="Lead to SQL (%)", digits=(16, 1), readonly=True, aggregator="sum",
        help="Share of the leads that became sales qualified.")
    lead_to_won_rate = fields.Float(
        string="Lead to Won (%)", digits=(16, 1), readonly=True, aggregator="sum",
        help="Share of the leads that were won.")
    days_to_won_median = fields.Float(
        string="Median Days to Won", digits=(16, 1), readonly=True, aggregator="median",
        help="Median of the days from the creation of the lead to its win, over the won deals of the group.")

    _depends = {
        "crm.lead": [
            "name", "create_date", "date_conversion", "date_closed", "stage_id", "type", "active", "probability",
            "lifecycle_stage", "expected_revenue", "is_returning_customer", "company_id", "industry_id",
        ],
        "crm.stage": ["is_won"],
        "lead.capture.log": ["lead_id", "status", "source_id", "medium_id", "campaign_id"],
        "lead.marketing.cost": ["date", "source_id", "medium_id", "campaign_id", "amount", "currency_id",
                                "company_id"],
        "res.currency.rate": ["name", "rate", "currency_id", "company_id"],
    }

    # ------------------------------------------------------------
    # Aggregates
    # ------------------------------------------------------------

    def _read_group(self, *args, **kwargs):
        """Without PostgreSQL's JIT compilation: the view's many expressions make the planner compile them,
        which on a million leads takes longer than the query itself (1 s for the first-touch pivot, 9 s for
        the linear one, see bench/bench_reports.py)."""
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        result = super()._read_group(*args, **kwargs)
        self.env.cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        return result

    def _read_group_select(self, aggregate_spec, query):
        """Ratios from the group's sums (never an average of the rows' ratios), the median of the days
        to win (``median``, not offered by ``read_group``), and sums as float (the view's numeric)."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            if not property_name:
                def total(name):
                    return SQL("COALESCE(SUM(%s), 0)", self._field_to_sql(self._table, name, query))

                if fname in RATIO_MEASURES:
                    numerator, denominator, factor = RATIO_MEASURES[fname]
                    return SQL("(%s * %s / NULLIF(%s, 0))::float", factor, total(numerator), total(denominator))
                if fname == "roi":
                    return SQL("(100 * (%s - %s) / NULLIF(%s, 0))::float",
                               total("won_revenue"), total("cost"), total("cost"))
                if fname == "days_to_won_median":
                    return SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
                               self._field_to_sql(self._table, fname, query))
                if func == "sum" and fname in self._sum_measures():
                    return SQL("SUM(%s)::float", self._field_to_sql(self._table, fname, query))
        return super()._read_group_select(aggregate_spec, query)

    def _sum_measures(self):
        """The summed measures (numeric in the view): [field name]."""
        return list(SUM_MEASURES)

    # ------------------------------------------------------------
    # Query
    # ------------------------------------------------------------

    def _query(self):
        """One part per attribution model and kind of touch, each with its model as a constant (a filter on
        the model skips the other parts: the default first-touch filter reads the leads alone), and the
        cost rows."""
        ctes = self._with()
        # the creation's share, computed once per lead with later touches (``n`` of them in all): a lead
        # without any has its creation's share only, 1
        n_agg = SQL("(COUNT(*) + 1)")
        n = SQL("touch_count.total")
        middle = SQL("ROUND(0.2 / (%s - 2), %s)", n, SHARE_SCALE)
        parts = [
            self._query_first_touch(),
            self._query_creation_touch("last", 1, SQL("1"), SQL("touch_count.lead_id IS NULL")),
            self._query_log_touch("last", 1, SQL("1"), SQL("touch.rank_desc = 1")),
            # a share rounds to SHARE_SCALE digits and the creation (the first touch) takes the rest of 1
            self._query_creation_touch(
                "linear", 2, SQL("1 - (%s - 1) * ROUND(1::numeric / %s, %s)", n_agg, n_agg, SHARE_SCALE)),
            self._query_log_touch("linear", 2, SQL("ROUND(1::numeric / %s, %s)", n, SHARE_SCALE)),
            self._query_creation_touch("u_shaped", 3, SQL(
                "CASE %s WHEN 2 THEN 0.5 ELSE 0.6 - (%s - 2) * ROUND(0.2 / (%s - 2), %s) END",
                n_agg, n_agg, n_agg, SHARE_SCALE)),
            self._query_log_touch("u_shaped", 3, SQL(
                "CASE WHEN %s = 2 THEN 0.5 WHEN touch.rank_desc = 1 THEN 0.4 ELSE %s END", n, middle)),
            *(self._query_costs(model, index) for index, (model, __) in enumerate(ATTRIBUTION_MODELS)),
        ]
        return SQL(
            "%s %s",
            SQL("WITH %s", SQL(", ").join(ctes)) if ctes else SQL(),
            SQL(" UNION ALL ").join(parts),
        )

    def _touch_dimensions(self, alias):
        return [
            SQL("%s.source_id AS source_id", SQL.identifier(alias)),
            SQL("%s.medium_id AS medium_id", SQL.identifier(alias)),
            SQL("%s.campaign_id AS campaign_id", SQL.identifier(alias)),
        ]

    def _select_lead_row(self, share):
        """The columns of a lead row after ``id``, ``attribution_model``, ``share`` and the touch's
        source, medium and campaign, with the lead measures weighted by ``share``: [SQL]."""
        won = SQL("(stage.is_won AND lead.active)")

        def weighted(condition):
            return SQL("CASE WHEN %s THEN %s ELSE 0 END::numeric", condition, share)

        return [
            SQL("lead.id AS lead_id"),
            SQL("lead.name AS name"),
            SQL("lead.create_date::date AS date"),
            *self._select_jalali(SQL("lead.create_date::date")),
            SQL("lead.user_id AS user_id"),
            SQL("lead.team_id AS team_id"),
            SQL("lead.company_id AS company_id"),
            SQL("company.currency_id AS currency_id"),
            *self._select_lead_place(),
            SQL("lead.industry_id AS industry_id"),
            *self._select_lead_quality(),
            SQL("%s::numeric AS lead_count", share),
            SQL("%s AS mql_count", weighted(SQL("lead.lifecycle_stage IN ('mql', 'sql', 'opportunity', 'customer')"))),
            SQL("%s AS sql_count", weighted(SQL("lead.lifecycle_stage IN ('sql', 'opportunity', 'customer')"))),
            SQL("%s AS opportunity_count",
                weighted(SQL("lead.type = 'opportunity' OR lead.date_conversion IS NOT NULL"))),
            SQL("%s AS won_count", weighted(won)),
            # lost as in Odoo's "Lost" filter: archived with a zero probability
            SQL("%s AS lost_count", weighted(SQL("NOT lead.active AND lead.probability = 0"))),
            SQL("%s AS new_customer_count",
                weighted(SQL("%s AND NOT COALESCE(lead.is_returning_customer, FALSE)", won))),
            SQL("CASE WHEN %s THEN %s * COALESCE(lead.expected_revenue, 0) ELSE 0 END::numeric AS won_revenue",
                won, share),
            SQL("0::numeric AS cost"),
            SQL("NULL::numeric AS cost_per_lead"),
            SQL("NULL::numeric AS cost_per_sql"),
            SQL("NULL::numeric AS cac"),
            SQL("NULL::float AS roi"),
            SQL("CASE WHEN lead.lifecycle_stage IN ('sql', 'opportunity', 'customer') THEN 100.0 ELSE 0.0 END::float"
                " AS lead_to_sql_rate"),
            SQL("CASE WHEN %s THEN 100.0 ELSE 0.0 END::float AS lead_to_won_rate", won),
            SQL("CASE WHEN %s THEN (EXTRACT(EPOCH FROM (lead.date_closed - lead.create_date)) / 86400.0) END::float"
                " AS days_to_won_median", won),
        ]

    def _from_lead_row(self):
        """Joins of a lead row, after the table aliased ``lead``: [SQL]."""
        return [
            SQL("LEFT JOIN res_company company ON company.id = lead.company_id"),
            SQL("LEFT JOIN crm_stage stage ON stage.id = lead.stage_id"),
        ]

    def _query_first_touch(self):
        # ids: a touch key (lead id * 2 for a creation, log id * 2 + 1 for a submission) * 8 + the model's
        # index (0-3), and a cost id * 8 + 4 + the model's index: unique over all the parts
        return SQL(
            "SELECT %s FROM crm_lead lead %s",
            SQL(", ").join([
                SQL("lead.id::bigint * 16 AS id"),
                SQL("'first'::varchar AS attribution_model"),
                SQL("1::numeric AS share"),
                *self._touch_dimensions("lead"),
                *self._select_lead_row(SQL("1")),
            ]),
            SQL(" ").join(self._from_lead_row()),
        )

    def _touch_logs(self):
        """The submissions that are touches of their lead: matched to it after its creation, carrying a
        source, medium or campaign, up to its conversion; ``lead`` is their lead: SQL."""
        return SQL("""
                 lead_capture_log log
            JOIN crm_lead lead ON lead.id = log.lead_id
           WHERE log.status = 'matched'
             AND COALESCE(log.source_id, log.medium_id, log.campaign_id) IS NOT NULL
             AND (lead.date_conversion IS NULL OR log.create_date <= lead.date_conversion)""")

    def _query_creation_touch(self, model, model_index, share, condition=None):
        """The rows of the leads' creation (their first touch) under ``model``; ``share`` is an aggregate
        over the lead's later touches (``COUNT(*)`` of them), the share of a lead without any is 1."""
        return SQL(
            """SELECT %s FROM crm_lead lead
                 LEFT JOIN (SELECT log.lead_id, (%s)::numeric AS share FROM %s GROUP BY log.lead_id) touch_count
                        ON touch_count.lead_id = lead.id
                 %s %s""",
            SQL(", ").join([
                SQL("lead.id::bigint * 16 + %s AS id", model_index),
                SQL("%s::varchar AS attribution_model", model),
                SQL("COALESCE(touch_count.share, 1) AS share"),
                *self._touch_dimensions("lead"),
                *self._select_lead_row(SQL("COALESCE(touch_count.share, 1)")),
            ]),
            share,
            self._touch_logs(),
            SQL(" ").join(self._from_lead_row()),
            SQL("WHERE %s", condition) if condition else SQL(),
        )

    def _query_log_touch(self, model, model_index, share, condition=None):
        """The rows of the submissions that are touches under ``model``, with ``touch_count.total`` the
        number of touches of the lead and ``touch.rank_desc`` 1 for its last."""
        touches = SQL(
            """SELECT log.id, log.lead_id, log.source_id, log.medium_id, log.campaign_id,
                      ROW_NUMBER() OVER (PARTITION BY log.lead_id ORDER BY log.create_date DESC, log.id DESC)
                          AS rank_desc,
                      COUNT(*) OVER (PARTITION BY log.lead_id) + 1 AS total
                 FROM %s""",
            self._touch_logs(),
        )
        return SQL(
            """SELECT %s FROM (%s) touch
                 CROSS JOIN LATERAL (SELECT touch.total) touch_count
                 JOIN crm_lead lead ON lead.id = touch.lead_id
                 %s %s""",
            SQL(", ").join([
                SQL("(touch.id::bigint * 2 + 1) * 8 + %s AS id", model_index),
                SQL("%s::varchar AS attribution_model", model),
                SQL("(%s)::numeric AS share", share),
                *self._touch_dimensions("touch"),
                *self._select_lead_row(SQL("(%s)", share)),
            ]),
            touches,
            SQL(" ").join(self._from_lead_row()),
            SQL("WHERE %s", condition) if condition else SQL(),
        )

    def _select_cost_row(self):
        """The columns of a cost row after ``id``, ``attribution_model``, ``share`` and the cost's
        source, medium and campaign: the lead columns empty, the cost in the company's currency: [SQL]."""
        amount = SQL(
            "cost.amount::numeric * COALESCE(company_rate.rate, company_rate_first.rate, 1)"
            " / NULLIF(COALESCE(cost_rate.rate, cost_rate_first.rate, 1), 0)")
        return [
            SQL("NULL::integer AS lead_id"),
            SQL("NULL::varchar AS name"),
            SQL("cost.date AS date"),
            *self._select_jalali(SQL("cost.date")),
            SQL("NULL::integer AS user_id"),
            SQL("NULL::integer AS team_id"),
            SQL("cost.company_id AS company_id"),
            SQL("company.currency_id AS currency_id"),
            SQL("NULL::integer AS country_id"),
            SQL("NULL::integer AS state_id"),
            SQL("NULL::varchar AS city"),
            SQL("NULL::integer AS industry_id"),
            SQL("NULL::varchar AS temperature"),
            SQL("NULL::text AS score_band"),
            *(SQL("0::numeric AS %s", SQL.identifier(name)) for name in (
                "lead_count", "mql_count", "sql_count", "opportunity_count", "won_count", "lost_count",
                "new_customer_count", "won_revenue")),
            SQL("COALESCE(%s, 0) AS cost", amount),
            SQL("NULL::numeric AS cost_per_lead"),
            SQL("NULL::numeric AS cost_per_sql"),
            SQL("NULL::numeric AS cac"),
            SQL("NULL::float AS roi"),
            SQL("NULL::float AS lead_to_sql_rate"),
            SQL("NULL::float AS lead_to_won_rate"),
            SQL("NULL::float AS days_to_won_median"),
        ]

    def _from_currency_rate(self, alias, currency):
        """The rate of ``currency`` at the cost's date, as Odoo looks it up (res.currency._get_rates): the
        company's or else a shared rate, of the day or before (``alias``), else the first one after
        (``alias``_first), else 1. Anti-joins rather than correlated subqueries or LIMIT, so that the
        view may run in parallel: [SQL]."""
        def lookup(name, on_or_before):
            # the rate with no better one: the company's over a shared one, then the latest of the day or
            # before (the earliest for the fallback)
            return SQL(
                """LEFT JOIN (
                       SELECT cost.id AS cost_id, rate.rate
                         FROM lead_marketing_cost cost
                         JOIN res_company company ON company.id = cost.company_id
                         JOIN res_currency_rate rate
                           ON rate.currency_id = %(currency)s
                          AND (rate.company_id = %(root)s OR rate.company_id IS NULL) %(rate_date)s
                        WHERE NOT EXISTS (
                              SELECT 1 FROM res_currency_rate better
                               WHERE better.currency_id = rate.currency_id
                                 AND (better.company_id = %(root)s OR better.company_id IS NULL) %(better_date)s
                                 AND (better.company_id IS NOT NULL AND rate.company_id IS NULL
                                      OR better.company_id IS NOT DISTINCT FROM rate.company_id
                                         AND better.name %(order)s rate.name))
                   ) %(alias)s ON %(alias)s.cost_id = cost.id""",
                currency=currency, root=SQL("split_part(company.parent_path, '/', 1)::integer"),
                rate_date=SQL("AND rate.name <= cost.date") if on_or_before else SQL(),
                better_date=SQL("AND better.name <= cost.date") if on_or_before else SQL(),
                order=SQL(">") if on_or_before else SQL("<"),
                alias=SQL.identifier(name),
            )

        return [lookup(alias, True), lookup(f"{alias}_first", False)]

    def _query_costs(self, model, model_index):
        """The cost rows under ``model``: the same under every model, so that a filter on one keeps them."""
        return SQL(
            """SELECT %s FROM lead_marketing_cost cost
                 JOIN res_company company ON company.id = cost.company_id
                 %s""",
            SQL(", ").join([
                SQL("cost.id::bigint * 8 + 4 + %s AS id", model_index),
                SQL("%s::varchar AS attribution_model", model),
                SQL("0::numeric AS share"),
                *self._touch_dimensions("cost"),
                *self._select_cost_row(),
            ]),
            SQL(" ").join([*self._from_currency_rate("company_rate", SQL("company.currency_id")),
                           *self._from_currency_rate("cost_rate", SQL("cost.currency_id"))]),
        )
