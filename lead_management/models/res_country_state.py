from odoo import fields, models


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    # Province names are shown to users in their language (تهران, თბილისი).
    name = fields.Char(translate=True)
