from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Give the web client the user's calendar and digits, which its date
        formatters and parsers follow."""
        info = super().session_info()
        if request.session.uid:
            user = self.env.user
            info.update(date_calendar=user.date_calendar, date_digits=user.date_digits)
        return info
