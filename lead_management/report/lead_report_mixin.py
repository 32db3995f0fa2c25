from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_lead import TEMPERATURES
from .common import create_report_view

SCORE_BANDS = [
    ("0_19", "0–19"),
    ("20_39", "20–39"),
    ("40_59", "40–59"),
    ("60_79", "60–79"),
    ("80_100", "80–100"),
]


class LeadReportMixin(models.AbstractModel):
    """Shared by the SQL-view reports on leads: the lead with its salesperson, team, company and
    origin, and the view built from the query's parts (``_with``, ``_select``, ``_from``,
    ``_where``: lists of SQL that inheriting reports extend)."""

    _name = "lead.report.mixin"
    _description = "Lead Report Mixin"

    name = fields.Char(string="Lead Name", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    _depends = {
        "crm.lead": ["source_id", "medium_id", "campaign_id", "user_id", "team_id"],
    }

    def _select_lead(self):
        """The lead's origin and owner, from the table aliased ``lead``: [SQL]."""
        return [
            SQL("lead.source_id AS source_id"),
            SQL("lead.medium_id AS medium_id"),
            SQL("lead.campaign_id AS campaign_id"),
            SQL("lead.user_id AS user_id"),
            SQL("lead.team_id AS team_id"),
        ]

    def _with(self):
        """Common table expressions of the query: [SQL]."""
        return []

    def _select(self):
        """The selected columns: [SQL]."""
        raise NotImplementedError

    def _from(self):
        """The table and its joins: [SQL]."""
        raise NotImplementedError

    def _where(self):
        """The conditions, joined by AND: [SQL]."""
        return []

    def _query(self):
        ctes, conditions = self._with(), self._where()
        return SQL(
            "%s SELECT %s FROM %s %s",
            SQL("WITH %s", SQL(", ").join(ctes)) if ctes else SQL(),
            SQL(", ").join(self._select()),
            SQL(" ").join(self._from()),
            SQL("WHERE %s", SQL(" AND ").join(SQL("(%s)", cond) for cond in conditions)) if conditions else SQL(),
        )

    def init(self):
        if not self._abstract:
            create_report_view(self.env.cr, self._table, self._query())


class LeadReportPlaceMixin(models.AbstractModel):
    """Where the lead is, for the reports that group by it: the fields and their columns."""

    _name = "lead.report.place.mixin"
    _description = "Lead Report Place Mixin"

    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Province", readonly=True)
    city = fields.Char(readonly=True)

    _depends = {
        "crm.lead": ["country_id", "state_id", "city"],
    }

    def _select_lead_place(self):
        """Where the lead is (country, province, city), from the table aliased ``lead``: [SQL]."""
        return [
            SQL("lead.country_id AS country_id"),
            SQL("lead.state_id AS state_id"),
            SQL("lead.city AS city"),
        ]


class LeadReportQualityMixin(models.AbstractModel):
    """How good the lead is, for the reports that group by it: the fields and their columns."""

    _name = "lead.report.quality.mixin"
    _description = "Lead Report Quality Mixin"

    temperature = fields.Selection(TEMPERATURES, readonly=True)
    score_band = fields.Selection(
        SCORE_BANDS, readonly=True, help="The lead's score today, by bands of 20 points.")

    _depends = {
        "crm.lead": ["temperature", "score"],
    }

    def _select_lead_quality(self):
        """The lead's temperature and score band (``SCORE_BANDS``), from the table aliased ``lead``:
        [SQL]."""
        return [
            SQL("lead.temperature AS temperature"),
            SQL("""CASE WHEN lead.score < 20 THEN '0_19'
                        WHEN lead.score < 40 THEN '20_39'
                        WHEN lead.score < 60 THEN '40_59'
                        WHEN lead.score < 80 THEN '60_79'
                        WHEN lead.score >= 80 THEN '80_100' END AS score_band"""),
        ]


class LeadReportJalaliMixin(models.AbstractModel):
    """The report's date in Solar Hijri periods, for grouping by them: the fields and their columns,
    computed by web_jalali's IMMUTABLE SQL functions (``jalali_month(date)``...)."""

    _name = "lead.report.jalali.mixin"
    _description = "Lead Report Jalali Periods Mixin"

    jalali_month = fields.Char(
        readonly=True, help="The month of the report's date in the Solar Hijri calendar: 1405-09 is Azar 1405.")
    jalali_quarter = fields.Char(
        readonly=True,
        help="The quarter of the report's date in the Solar Hijri calendar: 1405-Q1 is Farvardin to Khordad 1405.")
    jalali_year = fields.Integer(
        readonly=True, aggregator=False, help="The year of the report's date in the Solar Hijri calendar.")

    def _select_jalali(self, date_sql):
        """The Solar Hijri month, quarter and year of ``date_sql`` (SQL of type date): [SQL]."""
        return [
            SQL("jalali_month(%s) AS jalali_month", date_sql),
            SQL("jalali_quarter(%s) AS jalali_quarter", date_sql),
            SQL("jalali_year(%s) AS jalali_year", date_sql),
        ]
