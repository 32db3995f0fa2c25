from odoo import fields, models


class UtmMedium(models.Model):
    _inherit = "utm.medium"

    # Medium names are shown to users in their language.
    name = fields.Char(translate=True)
