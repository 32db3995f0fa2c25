from odoo import fields, models, tools
from odoo.tools import SQL


class LeadNurtureConversionReport(models.Model):
    """How well each cadence and variant brings leads to SQL: the rate, and
    the median days from enrolment to SQL (a median is no sum or average, so
    it is computed per cadence and variant here rather than in the pivot)."""

    _name = "lead.nurture.conversion.report"
    _description = "Nurture Conversion to SQL"
    _auto = False
    _order = "cadence_id, variant_id"

    cadence_id = fields.Many2one("lead.nurture.cadence", readonly=True)
    variant_id = fields.Many2one(
        "lead.nurture.step.variant", readonly=True,
        help="The variant of the last e-mail the leads got; empty: the default templates.")
    company_id = fields.Many2one("res.company", readonly=True)
    enrolled = fields.Integer(readonly=True, aggregator="sum")
    reached_sql = fields.Integer(string="Reached SQL", readonly=True, aggregator="sum")
    sql_rate = fields.Float(string="SQL Rate (%)", readonly=True, aggregator="avg")
    median_days_to_sql = fields.Float(string="Median Days to SQL", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("""
            CREATE OR REPLACE VIEW %(table)s AS (
                SELECT ROW_NUMBER() OVER (ORDER BY enrollment.cadence_id, enrollment.variant_id) AS id,
                       enrollment.cadence_id, enrollment.variant_id, cadence.company_id,
                       COUNT(*) AS enrolled,
                       COUNT(enrollment.sql_date) AS reached_sql,
                       100.0 * COUNT(enrollment.sql_date) / COUNT(*) AS sql_rate,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (
                           ORDER BY EXTRACT(EPOCH FROM enrollment.sql_date - enrollment.enroll_date) / 86400.0
                       ) AS median_days_to_sql
                  FROM lead_nurture_enrollment enrollment
                  JOIN lead_nurture_cadence cadence ON cadence.id = enrollment.cadence_id
              GROUP BY enrollment.cadence_id, enrollment.variant_id, cadence.company_id
            )""", table=SQL.identifier(self._table)))
