from odoo import fields, models


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    # our follow-up plans are data read by Persian and Georgian salespeople
    name = fields.Char(translate=True)
