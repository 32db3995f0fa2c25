from odoo import fields, models


class LeadEngagement(models.Model):
    _inherit = "lead.engagement"

    mailing_trace_id = fields.Many2one(
        "mailing.trace", readonly=True, index="btree_not_null", ondelete="set null",
        help="The e-mail of a cadence this open or click is of.")
