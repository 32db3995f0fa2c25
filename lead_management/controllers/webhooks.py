from odoo import http
from odoo.http import request

from ..tools import ads
from ..tools.normalize import clean_text
from .capture import TOKEN_PATTERN
from .common import RETRY_AFTER_SECONDS, CaptureRequestMixin

#: the largest notification an ad platform sends (one lead, or a few ids)
WEBHOOK_MAX_BODY = 256 * 1024
#: refused requests an address may send per minute (forged keys, unknown tokens)
WEBHOOK_REFUSED_PER_MINUTE = 60


class LeadWebhookController(CaptureRequestMixin, http.Controller):
    """Ad platforms' lead forms: Google Ads lead form extensions and Meta
    Lead Ads post each lead to the webhook of a lead.capture.form; every
    request is in the capture log, accepted or refused."""

    @http.route("/lead_management/webhook/google_ads/<string:token>", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False,
                lead_management_max_body=WEBHOOK_MAX_BODY)
    def google_ads(self, token, **_kwargs):
        """A Google Ads lead: 200 when captured (or a test lead), 403 for
        a wrong ``google_key``, 400 for a body that is not a lead, 422 when
        the lead has no way to contact the person, 500 to be retried."""
        env = request.env
        Log = env["lead.capture.log"]
        remote_addr = request.httprequest.remote_addr
        form, body, refusal = self._read_webhook("google_ads", token)
        if refusal:
            return refusal
        error, payloads, single = self._parse_json_body(body)
        if not error and not single:
            error = env._("Expected one Google Ads lead (a JSON object), got a list.")
        # sudo: the key is readable by sales managers only; the request proves it knows it
        webhook_key = form.sudo().webhook_key
        if error:
            Log._log_refused("google_ads", error, ads.redact(body.decode("utf-8", "replace"), [webhook_key]),
                             form=form, remote_addr=remote_addr)
            return self._json(400, {"error": error})
        data = payloads[0]
        if not ads.secret_matches(data.get("google_key"), webhook_key):
            data.pop("google_key", None)
            Log._log_refused("google_ads", env._("Google Ads key: the key sent is not this form's webhook key."),
                             data, form=form, remote_addr=remote_addr)
            return self._json(403, {"error": "wrong key"})
        data.pop("google_key")
        lead_id = data.get("lead_id")
        if not isinstance(lead_id, (str, int)) or isinstance(lead_id, bool) or not str(lead_id).strip():
            Log._log_refused("google_ads", env._("Google Ads lead: expected a lead_id, the lead's id in Google Ads."),
                             data, form=form, remote_addr=remote_addr)
            return self._json(400, {"error": "lead_id missing"})
        if not isinstance(data.get("user_column_data", []), list):
            Log._log_refused("google_ads", env._("Google Ads lead: expected user_column_data, a list of answers."),
                             data, form=form, remote_addr=remote_addr)
            return self._json(400, {"error": "user_column_data is not a list"})
        if data.get("is_test") is True:
            env["crm.lead"]._capture_ads_test(form, "google_ads", data, remote_addr=remote_addr)
            return self._json(200, {"status": "test"})
        payload = env["crm.lead"]._get_google_ads_payload(data)
        result = self._capture([payload], "google_ads", form=form, remote_addr=remote_addr)[0]
        return self._webhook_answer(result)

    @http.route("/lead_management/webhook/meta/<string:token>", type="http", auth="public",
                methods=["GET", "POST"], csrf=False, save_session=False,
                lead_management_max_body=WEBHOOK_MAX_BODY)
    def meta(self, token, **_kwargs):
        """Meta's verification handshake (GET), then its lead notifications
        (POST, signed with the app secret): leads carrying their answers are
        captured at once, the others are fetched from the Graph API in the
        background."""
        env = request.env
        Log = env["lead.capture.log"]
        remote_addr = request.httprequest.remote_addr
        if request.httprequest.method == "GET":
            form = self._get_webhook_form(token, "meta")
            if self._is_refusing(remote_addr):
                return self._refuse_too_many()
            args = request.httprequest.args
            # sudo: the verify token is readable by sales managers only; Meta proves it knows it
            if form and args.get("hub.mode") == "subscribe" and \
                    ads.secret_matches(args.get("hub.verify_token"), form.sudo().meta_verify_token):
                return request.make_response(args.get("hub.challenge", "")[:256],
                                             headers=[("Content-Type", "text/plain; charset=utf-8")])
            Log._log_refused("meta", env._("Meta verification: wrong verify token or mode."),
                             {key: value for key, value in args.items() if key != "hub.verify_token"},
                             form=form, remote_addr=remote_addr)
            return self._json(403, {"error": "verification failed"})
        form, body, refusal = self._read_webhook("meta", token)
        if refusal:
            return refusal
        signature = request.httprequest.headers.get("X-Hub-Signature-256")
        # sudo: see above, for the app secret
        if not ads.meta_signature_valid(body, signature, form.sudo().meta_app_secret):
            Log._log_refused("meta", env._(
                "Meta signature: X-Hub-Signature-256 is not the HMAC-SHA256 of the body with the app secret."),
                body, form=form, remote_addr=remote_addr)
            return self._json(403, {"error": "bad signature"})
        error, payloads, single = self._parse_json_body(body)
        changes = ads.meta_leadgen_changes(payloads[0]) if not error and single else []
        if not error and not changes:
            error = env._("Meta notification: expected leadgen changes (entry, changes, value).")
        if error:
            Log._log_refused("meta", error, body, form=form, remote_addr=remote_addr)
            return self._json(400, {"error": error})
        direct = [value for value in changes if value.get("field_data")]
        results = self._capture([env["crm.lead"]._get_meta_payload(value) for value in direct], "meta", form=form,
                                remote_addr=remote_addr) if direct else []
        results += Log._queue_meta_fetch(form, [value for value in changes if not value.get("field_data")],
                                         remote_addr=remote_addr)
        statuses = {result["status"] for result in results}
        return self._json(500 if statuses == {"error"} else 200, {"results": [
            {key: result[key] for key in ("status", "errors")} for result in results]})

    def _read_webhook(self, channel, token):
        """``(form, body, refusal)`` of a webhook's POST: the active form of
        the token and the raw body, or the answer refusing the request (429
        for an address refused too often, 413 beyond WEBHOOK_MAX_BODY, 404
        for an unknown token), logged but for the 429."""
        env = request.env
        httprequest = request.httprequest
        form = self._get_webhook_form(token, channel)
        if self._is_refusing(httprequest.remote_addr):
            return form, None, self._refuse_too_many()
        too_large = self._is_body_too_large(WEBHOOK_MAX_BODY)
        body = b"" if too_large else httprequest.get_data(cache=True)
        if too_large or len(body) > WEBHOOK_MAX_BODY:
            env["lead.capture.log"]._log_refused(
                channel, env._("The request is larger than %(max)s bytes.", max=WEBHOOK_MAX_BODY),
                form=form, remote_addr=httprequest.remote_addr)
            return form, None, self._json(413, {"error": "too large"})
        if not form:
            env["lead.capture.log"]._log_refused(
                channel, env._("Unknown or archived form token: %(token)s", token=clean_text(token)[:64]), body,
                remote_addr=httprequest.remote_addr)
            return form, None, self._json(404, {"error": "unknown webhook"})
        return form, body, None

    def _refuse_too_many(self):
        return self._json(429, {"error": "too many refused requests"}, headers={"Retry-After": RETRY_AFTER_SECONDS})

    def _is_refusing(self, remote_addr):
        """Whether ``remote_addr`` sent too many refused requests in the last
        minute: the next ones are not even logged."""
        return bool(remote_addr) and request.env["lead.capture.log"]._count_recent(
            "remote_addr", remote_addr, status="rejected") >= WEBHOOK_REFUSED_PER_MINUTE

    def _get_webhook_form(self, token, channel):
        """The active form of the token, or an empty recordset."""
        Form = request.env["lead.capture.form"]
        if not TOKEN_PATTERN.fullmatch(token):
            return Form
        # sudo: the token is the platform's only right; it finds the form, nothing else
        return Form.sudo().search([("token", "=", token), ("channel", "=", channel)], limit=1)

    def _webhook_answer(self, result):
        status = {"created": 200, "matched": 200, "rejected": 422}.get(result["status"], 500)
        return self._json(status, {"status": result["status"], "errors": result["errors"]})
