from odoo import fields, models
from odoo.tools import SQL

from .common import create_report_view


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
