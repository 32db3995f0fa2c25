import json
import logging
import time

from werkzeug.exceptions import ServiceUnavailable

from odoo.http import request
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..models.ir_http import BODY_TOO_LARGE
from ..tools.savepoint import call_in_savepoint
from ..tools.timing import padded_duration

_logger = logging.getLogger(__name__)

FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
RETRY_AFTER_SECONDS = "60"
#: a public form's answers are sent this long (ms) after the request arrived, known person or new
FORM_ANSWER_MS = 500
FORM_ANSWER_MS_PARAM = "lead_management.form_answer_ms"
#: where a capture counts, in the request's environ, the tries Odoo made that failed on concurrency
CONCURRENCY_TRIES = "lead_management.concurrency_tries"


def answer_in_constant_time(response, start):
    """``response`` of a public form, sent FORM_ANSWER_MS_PARAM
    milliseconds after ``start`` (time.monotonic()), or at the next multiple
    when the work took longer: how long a known person's capture takes,
    compared with a new one's, must not tell a visitor who is in the CRM.
    The wait is in the body's iterator, which the server reads once Odoo has
    committed and closed its cursor: it holds no transaction."""
    # sudo: settings are readable by administrators only, and apply to every request
    floor = int(request.env["ir.config_parameter"].sudo().get_param(FORM_ANSWER_MS_PARAM, FORM_ANSWER_MS)
                or 0) / 1000
    if floor <= 0:
        return response
    body = response.get_data()

    def answer_later():
        elapsed = time.monotonic() - start
        time.sleep(padded_duration(elapsed, floor) - elapsed)
        yield body

    response.response = answer_later()
    response.headers["Content-Length"] = str(len(body))
    return response


class CaptureRequestMixin:
    """What the capture channels' controllers share: reading and parsing
    the body, capturing in a savepoint, answering JSON."""

    def _capture(self, payloads, channel, **kwargs):
        """crm.lead._capture; a failure after validation leaves neither the
        lead nor half of it, and is logged with its error."""
        env = request.env
        return self._call_in_savepoint(
            lambda: env["crm.lead"]._capture(payloads, channel, **kwargs),
            lambda error: self._capture_failed(payloads, channel, error, **kwargs), payloads, channel, **kwargs)

    def _call_in_savepoint(self, function, on_error, payloads, channel, **kwargs):
        """call_in_savepoint(``function``, ``on_error``) in the request's
        transaction. A concurrent capture of the same person (a lock
        timeout, a serialization failure) is raised again: Odoo retries the
        request; when its last try fails so, see _refuse_on_concurrency."""
        try:
            return call_in_savepoint(request.env.cr, function, on_error)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            self._refuse_on_concurrency(payloads, channel, **kwargs)
            raise

    def _refuse_on_concurrency(self, payloads, channel, **kwargs):
        """Count a try of the request that failed on concurrency; after
        Odoo's last try, roll its transaction back, keep the payloads in the
        capture log (committed in a transaction of their own, to be
        replayed) and answer 503 with Retry-After."""
        environ = request.httprequest.environ
        environ[CONCURRENCY_TRIES] = environ.get(CONCURRENCY_TRIES, 0) + 1
        if environ[CONCURRENCY_TRIES] < MAX_TRIES_ON_CONCURRENCY_FAILURE:
            return
        env = request.env
        env.cr.rollback()
        _logger.error("lead_management: capture from %s refused after %s tries on concurrency",
                      channel, environ[CONCURRENCY_TRIES])
        error = env._("The submission could not be saved: other requests changed the same records at the same "
                      "time. It is kept in the capture log to be replayed; retry later.")
        with env.registry.cursor() as cr:
            self._keep_failed_capture(payloads, channel, error, env=env(cr=cr), **kwargs)
        raise ServiceUnavailable(response=self._json(
            503, {"errors": {"__all__": error}}, headers={"Retry-After": RETRY_AFTER_SECONDS}))

    def _capture_failed(self, payloads, channel, exception, **kwargs):
        """The results of a capture that failed with ``exception``: its
        payloads are kept in the capture log to be replayed."""
        _logger.error("lead_management: capture from %s failed", channel, exc_info=exception)
        error = request.env._("The submission could not be saved; it is kept in the capture log to be replayed.")
        self._keep_failed_capture(payloads, channel, error, **kwargs)
        return [{"status": "error", "lead_id": False, "errors": {"__all__": error}} for _payload in payloads]

    def _keep_failed_capture(self, payloads, channel, error, form=None, api_user=None, remote_addr=None, env=None,
                             **_kwargs):
        """Keep the payloads of a capture that failed in the capture log,
        with ``error``, to be replayed (in ``env``'s transaction, by default
        the request's)."""
        env = env or request.env
        Log = env["lead.capture.log"]
        form = form.with_env(form.env(cr=env.cr)) if form else form
        # sudo: the log records every request, whoever sends it
        Log.sudo().create([{
            "channel": channel, "status": "error", "error": error, "payload": Log._dump_payload(payload),
            "form_id": form.id if form else False, "team_id": form.team_id.id if form else False,
            "api_user_id": api_user.id if api_user else False, "remote_addr": remote_addr or False,
        } for payload in payloads])

    def _read_api_request(self, max_size, too_large):
        """``(body, refusal)`` of a request with an API key: its body, or
        the answer refusing it (403 for a user who may not create leads, 413
        with ``too_large`` beyond ``max_size`` bytes, 429 beyond the key's
        rate)."""
        env = request.env
        if not env.user.has_group("sales_team.group_sale_salesman"):
            return None, self._json(403, {"errors": {"__all__": env._("This API key's user may not create leads.")}})
        body = self._read_body(max_size)
        if body is None:
            return None, self._json(413, {"errors": {"__all__": too_large}})
        rate = self._get_rate_setting("lead_management.api_rate_per_minute", 600)
        if rate and env["lead.capture.log"]._count_recent("api_user_id", env.uid) >= rate:
            return None, self._json(429, {"errors": {"__all__": env._(
                "More than %(rate)s requests per minute with this key; retry in a minute.", rate=rate)}},
                headers={"Retry-After": RETRY_AFTER_SECONDS})
        return body, None

    def _read_api_json(self, channel, max_size, too_large):
        """``(body, values, single, refusal)`` of a JSON request with an API
        key: its body and the JSON objects it sends (``single``: one, not a
        list), or the answer refusing it (see _read_api_request; 400, in the
        capture log, for a body that is not one object or a list of them)."""
        body, refusal = self._read_api_request(max_size, too_large)
        if refusal:
            return body, [], True, refusal
        error, values, single = self._parse_json_body(body)
        if error:
            refusal = self._refuse_api_body(channel, error, body)
        return body, values, single, refusal

    def _refuse_api_body(self, channel, error, body):
        """The 400 answer to an API request refused for ``error``, in the capture log."""
        env = request.env
        env["lead.capture.log"]._log_refused(
            channel, error, body, api_user=env.user, remote_addr=request.httprequest.remote_addr)
        return self._json(400, {"errors": {"__all__": error}})

    def _is_body_too_large(self, max_size):
        """Whether the request's body is larger than ``max_size`` bytes: by
        its Content-Length, or as read by ir.http._pre_dispatch (a chunked
        body) on a route with ``lead_management_max_body``."""
        httprequest = request.httprequest
        return (httprequest.content_length or 0) > max_size or bool(httprequest.environ.get(BODY_TOO_LARGE))

    def _read_body(self, max_size):
        """The request body (a form's fields, already read by Odoo, as a
        dict), or None when it is larger than ``max_size``."""
        httprequest = request.httprequest
        if self._is_body_too_large(max_size):
            return None
        if httprequest.mimetype in FORM_MIMETYPES:
            return {key: (values[0] if len(values) == 1 else " ".join(values))
                    for key, values in httprequest.form.lists()}
        body = httprequest.get_data(cache=True)
        return None if len(body) > max_size else body

    def _parse_json_body(self, body):
        """(error, payloads, single) of a JSON body: one lead or a list."""
        env = request.env
        mimetype = request.httprequest.mimetype
        if mimetype != "application/json":
            return env._("Expected a body of type application/json, got %(type)s.",
                         type=mimetype or "-"), [], True
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            return env._("The body is not valid JSON: %(error)s", error=str(error)[:200]), [], True
        except RecursionError:
            return env._("The body is not valid JSON: it is nested too deeply."), [], True
        if isinstance(data, list):
            if not data:
                return env._("Expected a lead or a list of leads, got an empty list."), [], False
            return None, data, False
        if not isinstance(data, dict):
            return env._("Expected a lead (a JSON object) or a list of leads."), [], True
        return None, [data], True

    def _json(self, http_status, data, headers=None):
        return request.make_response(
            json.dumps(data, ensure_ascii=False), status=http_status,
            headers=[("Content-Type", "application/json; charset=utf-8"), *(headers or {}).items()])

    def _get_rate_setting(self, key, default):
        """Requests per minute allowed by the setting ``key``; 0: no limit."""
        # sudo: settings are readable by administrators only, and apply to every request
        return int(request.env["ir.config_parameter"].sudo().get_param(key, default) or 0)

    def _set_visitor_lang(self):
        """Errors in the visitor's language, among the installed ones."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        best = request.httprequest.accept_languages.best_match(
            [code.replace("_", "-") for code in installed] + [code.split("_")[0] for code in installed])
        if best:
            code = next((code for code in installed if code.replace("_", "-") == best or code.split("_")[0] == best),
                        None)
            if code:
                request.update_context(lang=code)
