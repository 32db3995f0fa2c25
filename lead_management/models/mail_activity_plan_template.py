from odoo import fields, models


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    # the summary becomes the planned activity's title, in the language of whoever launches the plan
    summary = fields.Char(translate=True)
