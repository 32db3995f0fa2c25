from odoo import http
from odoo.addons.mass_mailing.controllers.main import MassMailController
from odoo.http import request


class NurtureMassMailController(MassMailController):
    """The open pixel and the tracked links tell who fetched them (address
    and user agent), so that opens and clicks of machines score nothing
    (see mailing.trace._get_machine_reasons). With Odoo's --proxy-mode,
    the address is the client's of X-Forwarded-For."""

    def _set_engagement_client(self):
        request.update_context(lead_engagement_client={
            "ip": request.httprequest.remote_addr,
            "user_agent": request.httprequest.user_agent.string or "",
        })

    @http.route()
    def track_mail_open(self, mail_id, token, **post):
        self._set_engagement_client()
        return super().track_mail_open(mail_id, token, **post)

    @http.route()
    def full_url_redirect(self, code, mailing_trace_id, **post):
        self._set_engagement_client()
        return super().full_url_redirect(code, mailing_trace_id, **post)
