from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lead_management_auto_assign = fields.Boolean(
        string="Assign New Leads by Territory", config_parameter="lead_management.auto_assign",
        help="New leads without a salesperson, and leads whose address changes, are routed by territory; "
             "leads waiting in the queue are routed every 10 minutes as salespeople free up.")
    lead_management_sla_hot_minutes = fields.Integer(
        string="Hot Leads (minutes)", config_parameter="lead_management.sla_hot_minutes", default=5)
    lead_management_sla_warm_minutes = fields.Integer(
        string="Warm Leads (minutes)", config_parameter="lead_management.sla_warm_minutes", default=240)
    lead_management_sla_cold_minutes = fields.Integer(
        string="Cold Leads (minutes)", config_parameter="lead_management.sla_cold_minutes", default=2880)
    lead_management_sla_reassign = fields.Boolean(
        string="Reassign Overdue Leads", config_parameter="lead_management.sla_reassign",
        help="A lead not answered in time goes to the next salesperson of its territory.")
    lead_management_invoice_product_id = fields.Many2one(
        "product.product", string="Invoice Product", config_parameter="lead_management.invoice_product_id",
        help="Product of the line of invoices created from opportunities; without one, a line with the "
             "opportunity's name and expected revenue.")
    lead_management_followup_days = fields.Char(
        string="Post-Sale Follow-ups (days)", config_parameter="lead_management.followup_days", default="30,90",
        help="Days after a won deal when the salesperson gets a follow-up activity, separated by commas.")
