import math
import re
import time

from odoo import http
from odoo.http import request
from odoo.tools import html_escape

from ..tools.normalize import clean_text
from .common import FORM_MIMETYPES, RETRY_AFTER_SECONDS, CaptureRequestMixin, answer_in_constant_time

#: the largest body the lead API reads (100 leads of a few kilobytes)
API_MAX_BODY = 1024 * 1024
API_MAX_LEADS = 100
#: the largest body a web form posts
FORM_MAX_BODY = 64 * 1024
#: what secrets.token_urlsafe() makes: anything else is not a form's token
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class LeadCaptureController(CaptureRequestMixin, http.Controller):
    """HTTP channels of the capture pipeline (crm.lead._capture): the lead
    API, for scripts and other systems, with Odoo's API keys; and the
    public web forms, embedded on any site."""

    @http.route("/lead_management/api/v1/leads", type="http", auth="bearer", methods=["POST"], csrf=False,
                save_session=False, lead_management_max_body=API_MAX_BODY)
    def api_leads(self, **_kwargs):
        """Capture one lead (a JSON object) or up to 100 (a list). Answers
        201 when a lead was created, 200 when the person was known (a lead
        the key's user may not read is answered as a new one), 422 with
        the field errors, 400 for a body that is not JSON, 413 for one that
        is too large, 429 beyond the key's rate."""
        env = request.env
        remote_addr = request.httprequest.remote_addr
        _body, payloads, single, refusal = self._read_api_json("api", API_MAX_BODY, env._(
            "The request is larger than %(max)s bytes; send fewer leads per request.", max=API_MAX_BODY))
        if refusal:
            return refusal
        if not single and len(payloads) > API_MAX_LEADS:
            return self._json(413, {"errors": {"__all__": env._(
                "Expected at most %(max)s leads per request, got %(count)s.", max=API_MAX_LEADS, count=len(payloads))}})
        idempotency_key = request.httprequest.headers.get("Idempotency-Key")
        if idempotency_key:
            # the header covers the whole request: each lead of a list gets its own key from it,
            # so that a retried request replays every first answer with no effect
            for index, payload in enumerate(payloads):
                if isinstance(payload, dict):
                    payload.setdefault("idempotency_key",
                                       idempotency_key[:128] if single else f"{idempotency_key[:120]}#{index}")
        results = self._capture(payloads, "api", api_user=env.user, remote_addr=remote_addr)
        answers = [{key: result[key] for key in ("status", "lead_id", "errors")} for result in results]
        statuses = {result["status"] for result in results}
        status = 201 if "created" in statuses else 200 if "matched" in statuses \
            else 500 if statuses == {"error"} else 422
        return self._json(status, answers[0] if single else {"results": answers})

    @http.route("/lead_management/form/<string:token>", type="http", auth="public", methods=["POST", "OPTIONS"],
                csrf=False, save_session=False, lead_management_max_body=FORM_MAX_BODY)
    def form_submit(self, token, **_kwargs):
        """A web form's submission (form-encoded, multipart or JSON). Known
        and new people get the same answer, at the same time (see
        answer_in_constant_time); refused values get 422 with the field
        errors; a visitor without JavaScript is redirected to the form's
        thank-you page."""
        start = time.monotonic()
        response = self._form_submit(token)
        if request.httprequest.method == "OPTIONS":
            return response
        return answer_in_constant_time(response, start)

    def _form_submit(self, token):
        env = request.env
        self._set_visitor_lang()
        Log = env["lead.capture.log"]
        remote_addr = request.httprequest.remote_addr
        origin = clean_text(request.httprequest.headers.get("Origin"))
        # sudo: the token is the visitor's only right; it finds the form, nothing else
        form = env["lead.capture.form"].sudo().search([("token", "=", token), ("channel", "=", "web_form")], limit=1) \
            if TOKEN_PATTERN.fullmatch(token) else env["lead.capture.form"]
        cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} \
            if form and origin and form._is_origin_allowed(origin) else {"Vary": "Origin"}
        if request.httprequest.method == "OPTIONS":
            if len(cors) == 1:
                return self._json(403, {"errors": {"__all__": env._("This site may not send this form.")}})
            return request.make_response("", status=204, headers=list({
                **cors, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "86400"}.items()))
        body = self._read_body(FORM_MAX_BODY)
        if body is None:
            return self._json(413, {"errors": {"__all__": env._(
                "The form is larger than %(max)s bytes.", max=FORM_MAX_BODY)}}, headers=cors)
        ip_rate = self._get_rate_setting("lead_management.form_rate_per_ip", 10)
        # the address's form submissions only: an office's server posting through the API shares the address
        address_count = Log._count_recent("remote_addr", remote_addr, channel="web_form") \
            if ip_rate and remote_addr else 0
        if (ip_rate and address_count >= ip_rate) or \
                (form and Log._count_recent("form_id", form.id) >= form.rate_limit_per_minute):
            return self._json(429, {"errors": {"__all__": env._(
                "Too many submissions; please try again in a minute.")}},
                headers={**cors, "Retry-After": RETRY_AFTER_SECONDS})
        if not form or not form.active:
            Log._log_refused("web_form", env._("Unknown or archived form token: %(token)s",
                                               token=clean_text(token)[:64]),
                             body, remote_addr=remote_addr)
            return self._json(404, {"errors": {"__all__": env._("This form does not exist any more.")}}, headers=cors)
        if origin and len(cors) == 1 and origin.rstrip("/") != form.get_base_url().rstrip("/"):
            Log._log_refused("web_form", env._("Sent from a site that is not allowed: %(origin)s", origin=origin[:255]),
                             body, form=form, remote_addr=remote_addr)
            return self._json(403, {"errors": {"__all__": env._("This site may not send this form.")}}, headers=cors)
        error, payload = self._parse_form_body(body)
        if error:
            Log._log_refused("web_form", error, body, form=form, remote_addr=remote_addr)
            return self._json(400, {"errors": {"__all__": error}}, headers=cors)
        spam = self._get_spam_reason(form, payload)
        if spam:
            Log._log_refused("web_form", spam, payload, form=form, remote_addr=remote_addr)
            return self._form_answer(form, 200, cors)
        for control in ("lm_hp", "lm_elapsed"):
            payload.pop(control, None)
        result = self._capture([payload], "web_form", form=form, remote_addr=remote_addr)[0]
        if result["status"] == "rejected":
            return self._form_answer(form, 422, cors, errors=result["errors"])
        if result["status"] == "error":
            return self._form_answer(form, 500, cors, errors=result["errors"])
        return self._form_answer(form, 200, cors)

    # helpers

    def _parse_form_body(self, body):
        """(error, payload) of a form's body: form-encoded, multipart or JSON."""
        env = request.env
        httprequest = request.httprequest
        if httprequest.mimetype == "application/json":
            error, payloads, single = self._parse_json_body(body)
            if not error and not (single and isinstance(payloads[0], dict)):
                error = env._("Expected one submission (a JSON object).")
            return error, (payloads[0] if not error else None)
        if httprequest.mimetype not in FORM_MIMETYPES:
            return env._("Expected a form submission, got %(type)s.", type=httprequest.mimetype or "-"), None
        if httprequest.files:
            return env._("Files cannot be sent with this form."), None
        return None, body

    def _get_spam_reason(self, form, payload):
        """Why the submission looks sent by a robot, or None."""
        env = request.env
        if payload.get("lm_hp"):
            return env._("Spam: the hidden field was filled in.")
        if form.min_fill_seconds:
            try:
                elapsed = float(payload.get("lm_elapsed") or 0)
            except (TypeError, ValueError):
                elapsed = 0
            if not math.isfinite(elapsed) or elapsed < form.min_fill_seconds:
                return env._("Spam: sent %(elapsed)s seconds after the page loaded, less than %(min)s.",
                             elapsed=round(elapsed, 1), min=form.min_fill_seconds)
        return None

    def _form_answer(self, form, status, cors, errors=None):
        """JSON for the embed code's fetch; for a browser posting the form
        itself, the thank-you page or the errors."""
        accept = request.httprequest.accept_mimetypes
        if accept.best == "text/html" or (accept.accept_html and not accept.accept_json):
            if status == 200:
                return request.redirect(form.redirect_url or form.get_base_url(), code=303, local=False)
            items = "".join(f"<li>{html_escape(message)}</li>" for message in (errors or {}).values())
            return request.make_response(
                f"<!DOCTYPE html><html><body><ul>{items}</ul></body></html>", status=status,
                headers=[("Content-Type", "text/html; charset=utf-8"), *cors.items()])
        if status == 200:
            return self._json(200, {"ok": True}, headers=cors)
        return self._json(status, {"errors": errors or {}}, headers=cors)
