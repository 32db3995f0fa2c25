from odoo import fields, models

from .lead_nurture_enrollment import DEFAULT_MAX_TOUCHES, DEFAULT_TOUCH_PERIOD_DAYS
from .mailing_trace import DEFAULT_BOT_SECONDS


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
    bot_open_seconds = fields.Integer(
        string="Opened Within (s)", config_parameter="lead_management.bot_open_seconds", default=DEFAULT_BOT_SECONDS,
        help="An e-mail opened this many seconds or less after it was sent was opened by a machine "
             "(a mail privacy proxy, a scanner): it scores no points. Empty: 2.")
    bot_click_seconds = fields.Integer(
        string="Clicked Within (s)", config_parameter="lead_management.bot_click_seconds", default=DEFAULT_BOT_SECONDS,
        help="A link clicked this many seconds or less after the e-mail was sent, or every link of an e-mail "
             "clicked within this many seconds, was clicked by a machine: it scores no points. Empty: 2.")
