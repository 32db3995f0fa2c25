from odoo import fields, models


class UtmSource(models.Model):
    _inherit = "utm.source"

    # Source names are shown to users in their language (فرم وب‌سایت, ვებსაიტის ფორმა).
    name = fields.Char(translate=True)
    medium_id = fields.Many2one(
        "utm.medium", string="Default Medium", ondelete="set null",
        help="Medium set on new leads of this source that have none.")
