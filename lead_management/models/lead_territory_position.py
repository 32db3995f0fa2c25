from odoo import fields, models
from odoo.tools import SQL


class LeadTerritoryPosition(models.Model):
    """Round-robin position of a territory, in a row of its own: routing
    locks and writes these small rows only, for the territories it used, and
    never the territory rows that every lead write checks its reference on."""

    _name = "lead.territory.position"
    _description = "Territory Round-Robin Position"
    _log_access = False
    _rec_name = "territory_id"

    territory_id = fields.Many2one("lead.territory", required=True, ondelete="cascade", index=True)
    rr_position = fields.Integer(string="Round-Robin Position", default=-1)

    _sql_constraints = [
        ("territory_unique", "UNIQUE (territory_id)", "A territory has one round-robin position."),
    ]

    def init(self):
        # positions kept on the territories before they had rows of their own
        self.env.cr.execute("""
            SELECT 1 FROM information_schema.columns
             WHERE table_name = 'lead_territory' AND column_name = 'rr_position'""")
        position = SQL("COALESCE(rr_position, -1)") if self.env.cr.fetchone() else SQL("-1")
        self.env.cr.execute(SQL(
            "INSERT INTO lead_territory_position (territory_id, rr_position)"
            " SELECT id, %s FROM lead_territory ON CONFLICT (territory_id) DO NOTHING", position))

    def _lock_positions(self, territory_ids):
        """Lock the position rows of these territories; return {territory id: position}."""
        if not territory_ids:
            return {}
        self.env.cr.execute(SQL(
            "SELECT territory_id, rr_position FROM lead_territory_position WHERE territory_id = ANY(%s)"
            " ORDER BY territory_id FOR NO KEY UPDATE", sorted(territory_ids)))
        return dict.fromkeys(territory_ids, -1) | dict(self.env.cr.fetchall())

    def _save_positions(self, positions):
        """Write these {territory id: position} (only the changed ones)."""
        if not positions:
            return
        rows = SQL(", ").join(SQL("(%s, %s)", terr_id, position) for terr_id, position in sorted(positions.items()))
        self.env.cr.execute(SQL(
            "INSERT INTO lead_territory_position (territory_id, rr_position) VALUES %s"
            " ON CONFLICT (territory_id) DO UPDATE SET rr_position = EXCLUDED.rr_position", rows))
