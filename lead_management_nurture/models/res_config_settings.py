from odoo import fields, models

from .lead_nurture_enrollment import DEFAULT_MAX_TOUCHES, DEFAULT_TOUCH_PERIOD_DAYS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    nurture_max_touches = fields.Integer(
        string="Automated Touches At Most", config_parameter="lead_management_nurture.max_touches",
        default=DEFAULT_MAX_TOUCHES,
        help="Across all cadences, a lead gets at most this many automated e-mails and activities per period; "
             "a step that would exceed it waits. Empty: 2.")
    nurture_touch_period_days = fields.Integer(
        string="Per (days)", config_parameter="lead_management_nurture.touch_period_days",
        default=DEFAULT_TOUCH_PERIOD_DAYS, help="Length of the over-contact period in days. Empty: 7.")
