from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lead_management_invoice_product_id = fields.Many2one(
        "product.product", string="Invoice Product", config_parameter="lead_management.invoice_product_id",
        help="Product of the line of invoices created from opportunities; without one, a line with the "
             "opportunity's name and expected revenue.")
