import logging

from odoo import http
from odoo.http import request

from .capture import API_MAX_LEADS
from .common import CaptureRequestMixin

_logger = logging.getLogger(__name__)

#: the largest body the calls route reads (100 calls)
CALLS_MAX_BODY = 256 * 1024


class LeadTelephonyController(CaptureRequestMixin, http.Controller):
    """The telephone system's channel: it posts each call (Asterisk,
    Issabel, any PBX that can call a URL) with an API key of a technical
    user of the group Lead Management: Integration; a salesperson's own key
    posts the calls of his own extension."""

    @http.route("/lead_management/api/v1/calls", type="http", auth="bearer", methods=["POST"], csrf=False,
                save_session=False, lead_management_max_body=CALLS_MAX_BODY)
    def api_calls(self, **_kwargs):
        """Record one call (a JSON object) or up to 100 (a list). Answers
        201 when a caller became a new lead, 200 when the number was known
        (or the call already received), 422 with the field errors, 400 for
        a body that is not JSON, 403 for the call of an extension that is
        not the key's user's (unless a sales manager or an integration
        user). A lead the key's user may not read is not revealed: the
        call is answered as a new caller's (201, no ``lead_id``, as to every
        new caller for a user who may read only his own leads)."""
        env = request.env
        remote_addr = request.httprequest.remote_addr
        body, events, single, refusal = self._read_api_json("call", CALLS_MAX_BODY, env._(
            "The request is larger than %(max)s bytes; send fewer calls per request.", max=CALLS_MAX_BODY))
        if not refusal and not single and len(events) > API_MAX_LEADS:
            refusal = self._refuse_api_body("call", env._(
                "Expected at most %(max)s calls per request, got %(count)s.", max=API_MAX_LEADS, count=len(events)),
                body)
        if refusal:
            return refusal
        foreign = env["crm.lead"]._get_foreign_call_extensions(events, env.user)
        if foreign:
            return self._json(403, {"errors": {"extension": env["crm.lead"]._get_foreign_extension_error(
                foreign, env.user)}})
        results = self._call_in_savepoint(
            lambda: env["crm.lead"]._capture_calls(events, api_user=env.user, remote_addr=remote_addr),
            lambda error: error, events, "call", api_user=env.user, remote_addr=remote_addr)
        if isinstance(results, Exception):
            _logger.warning("lead_management: calls not recorded", exc_info=results)
            error = env._("The call could not be recorded; it is kept in the capture log to be replayed.")
            self._keep_failed_capture(events, "call", error, api_user=env.user, remote_addr=remote_addr)
            return self._json(500, {"errors": {"__all__": error}})
        # a lead the key's user may not read is answered as a new caller's (a retry too), and
        # a new caller's lead is not named to a user limited to his own, so that both read the same
        results = env["crm.lead"]._capture_answers(results, env)
        statuses = {result["status"] for result in results}
        status = 201 if "created" in statuses else 200 if "matched" in statuses else 422
        return self._json(status, results[0] if single else {"results": results})
