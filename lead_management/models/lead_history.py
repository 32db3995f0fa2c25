from odoo import fields, models

from .crm_lead import LEAD_STATUSES, LIFECYCLE_STAGES, TEMPERATURES

HISTORY_DIMENSIONS = [
    ("stage", "Pipeline Stage"),
    ("lead_status", "Lead Status"),
    ("lifecycle_stage", "Lifecycle Stage"),
    ("temperature", "Temperature"),
    ("user", "Salesperson"),
    ("team", "Sales Team"),
]


class LeadHistory(models.Model):
    """One period a lead spent in one value of a dimension: the source of the
    funnel and time-in-stage figures. Written by crm.lead's create() and
    write() once per batch (see crm_lead_history.py)."""

    _name = "lead.history"
    _description = "Lead History Period"
    _order = "lead_id, dimension, date_from, id"
    _rec_name = "dimension"

    lead_id = fields.Many2one("crm.lead", string="Lead", required=True, ondelete="cascade", index=True)
    dimension = fields.Selection(HISTORY_DIMENSIONS, required=True)
    stage_id = fields.Many2one("crm.stage", string="Stage", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Salesperson", ondelete="set null")
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="set null")
    value = fields.Char(help="The selection key of lead status, lifecycle stage and temperature periods.")
    date_from = fields.Datetime(string="From", required=True)
    date_to = fields.Datetime(string="To", help="Empty while the lead is still in this value.")
    changed_by = fields.Many2one("res.users", string="Changed By", ondelete="set null")
    company_id = fields.Many2one("res.company", string="Company", ondelete="cascade")

    #: selections whose keys a period stores in `value`
    _VALUE_SELECTIONS = {
        "lead_status": LEAD_STATUSES,
        "lifecycle_stage": LIFECYCLE_STAGES,
        "temperature": TEMPERATURES,
    }
