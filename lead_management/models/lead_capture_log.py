import json
import logging
import re
from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import ads
from ..tools.normalize import clean_text

_logger = logging.getLogger(__name__)

STATUSES = [
    ("created", "Created"), ("matched", "Matched"), ("rejected", "Rejected"), ("error", "Error"),
    ("waiting", "Waiting"), ("test", "Test"),
]
#: what the log keeps of a payload: a broken one is kept as text, cut at this length
PAYLOAD_MAX_LENGTH = 65536
#: Meta's lead ids: digits only, so that they are safe in a Graph API URL
META_LEAD_ID = re.compile(r"[0-9]{1,32}")
META_GRAPH_URL = "https://graph.facebook.com/v21.0"


class LeadCaptureLog(models.Model):
    """Every request of every capture channel, whatever became of it: what
    was submitted, by whom, and the lead it created or matched or, in
    words, why it was refused. Refused and failed ones can be corrected and
    replayed."""

    _name = "lead.capture.log"
    _description = "Lead Capture Log"
    _order = "id desc"
    _rec_name = "id"

    channel = fields.Selection(selection="_selection_channel", required=True, readonly=True)
    status = fields.Selection(STATUSES, required=True, readonly=True, index=True)
    error = fields.Text(readonly=True, help="Why the submission was refused, field by field.")
    note = fields.Text(
        string="Notes", readonly=True,
        help="What the lead kept without recognizing it (a phone number that could not be read, names of unknown "
             "UTM values).")
    payload = fields.Text(help="What was submitted (JSON); correct it, then replay.")
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null", ondelete="set null")
    form_id = fields.Many2one("lead.capture.form", readonly=True, ondelete="set null")
    team_id = fields.Many2one("crm.team", readonly=True, help="The sales team of the form.")
    api_user_id = fields.Many2one("res.users", string="API Key Of", readonly=True, ondelete="set null")
    remote_addr = fields.Char(string="Remote Address", readonly=True)
    idempotency_key = fields.Char(readonly=True, index="btree_not_null")
    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    fetch_attempts = fields.Integer(readonly=True, help="Failed attempts to fetch the lead from the ad platform.")
    next_fetch_date = fields.Datetime(readonly=True, help="When the lead's fields are fetched again.")

    def init(self):
        # the rate limits count the recent requests of a form, a key or an address
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS lead_capture_log_form_rate_index"
            " ON lead_capture_log (form_id, create_date) WHERE form_id IS NOT NULL"))
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS lead_capture_log_api_rate_index"
            " ON lead_capture_log (api_user_id, create_date) WHERE api_user_id IS NOT NULL"))
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS lead_capture_log_addr_rate_index"
            " ON lead_capture_log (remote_addr, create_date) WHERE remote_addr IS NOT NULL"))
        # one row per key of a person recently captured: see crm.lead._capture_lock
        self.env.cr.execute(SQL(
            "CREATE TABLE IF NOT EXISTS lead_capture_lock (key bigint PRIMARY KEY, date timestamp NOT NULL)"))

    @api.depends("channel", "status")
    def _compute_display_name(self):
        channels, statuses = dict(self._fields["channel"]._description_selection(self.env)), \
            dict(self._fields["status"]._description_selection(self.env))
        for log in self:
            log.display_name = f"#{log.id or '-'} {channels.get(log.channel, '')} - {statuses.get(log.status, '')}"

    @api.model
    def _selection_channel(self):
        return [(channel, values["label"]) for channel, values in self.env["crm.lead"]._get_capture_channels().items()]

    def action_replay(self):
        """Capture these refused or failed submissions again, with their
        payload as it is now (corrected or not)."""
        self.check_access("write")
        logs = self.filtered(lambda log: log.status in ("rejected", "error"))
        if not logs:
            raise UserError(self.env._("Only rejected and failed submissions can be replayed."))
        # a Meta lead whose answers were never fetched: fetched again
        unfetched = logs.filtered(lambda log: log.channel == "meta" and '"leadgen_id"' in (log.payload or "")
                                  and META_LEAD_ID.fullmatch(log.idempotency_key or ""))
        if unfetched:
            unfetched.write({"status": "waiting", "fetch_attempts": 0, "next_fetch_date": fields.Datetime.now()})
            self.env.ref("lead_management.ir_cron_meta_lead_fetch")._trigger()
        for log in logs - unfetched:
            if not log.payload:
                raise UserError(self.env._("Submission #%(id)s: its payload was purged; it cannot be replayed.",
                                           id=log.id))
            try:
                payload = json.loads(log.payload)
            except ValueError as error:
                raise UserError(self.env._(
                    "Submission #%(id)s: the payload is not valid JSON (%(error)s); correct it, then replay.",
                    id=log.id, error=error)) from None
            if log.channel == "call" and isinstance(payload, dict) and ("caller" in payload or "called" in payload):
                # a telephony event: recorded as a new call, which this entry then points to
                result, = self.env["crm.lead"]._capture_calls(
                    [payload], api_user=log.api_user_id, remote_addr=log.remote_addr)
                log.write({"status": "matched" if result["lead_id"] else "rejected", "lead_id": result["lead_id"],
                           "error": clean_text("\n".join(result["errors"].values())) or False})
                continue
            self.env["crm.lead"]._capture(
                [payload], log.channel, form=log.form_id, api_user=log.api_user_id,
                remote_addr=log.remote_addr, replay_log=log)
        captured = logs.filtered(lambda log: log.status in ("created", "matched", "waiting"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if captured == logs else "warning",
                "message": self.env._("%(captured)s of %(total)s submissions captured.",
                                      captured=len(captured), total=len(logs)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _log_captures(self, items, channel, form, api_user, remote_addr, replay_log=None):
        """The log entries of captured items (see crm.lead._capture), in one
        create; a replay updates the entry replayed."""
        values = [{
            "channel": channel,
            # a retry with an idempotency key is answered as the first time, and creates nothing
            "status": "matched" if item.get("replayed") else item["status"],
            "error": clean_text("\n".join(item["errors"].values())) or False,
            "note": clean_text("\n".join(item.get("notes", {}).values())) or False,
            "payload": self._dump_payload(item["payload"]),
            "lead_id": item.get("lead_id") or False,
            "form_id": form.id if form else False,
            "team_id": form.team_id.id if form else False,
            "api_user_id": api_user.id if api_user else False,
            "remote_addr": remote_addr or False,
            "idempotency_key": item["idempotency"] if not item.get("replayed") else False,
        } for item in items]
        if replay_log:
            replay_log.write({key: values[0][key] for key in ("status", "error", "note", "payload", "lead_id",
                                                              "idempotency_key")})
            return replay_log
        return self.create(values)

    @api.model
    def _log_refused(self, channel, error, payload=None, form=None, api_user=None, remote_addr=None):
        """Log a request refused before its payloads could be read (a
        forged token, a body that is not JSON)."""
        # sudo: the log records every request, whoever sends it (a public visitor)
        return self.sudo().create({
            "channel": channel, "status": "rejected", "error": clean_text(error),
            "payload": self._dump_payload(payload) if payload is not None else False,
            "form_id": form.id if form else False, "team_id": form.team_id.id if form else False,
            "api_user_id": api_user.id if api_user else False, "remote_addr": remote_addr or False,
        })

    @api.model
    def _queue_meta_fetch(self, form, values_list, remote_addr=None):
        """Log each Meta lead notified without its answers (``leadgen_id``
        and the ad's ids) as waiting: the cron fetches its fields from the
        Graph API. A lead already logged (Meta retries) is not queued twice.

        :return: one result per value, as crm.lead._capture's
        """
        if not values_list:
            return []
        # sudo: the log records every request, whoever sends it
        Log = self.sudo()
        lead_ids = [str(value.get("leadgen_id") or "") for value in values_list]
        valid = [lead_id for lead_id in lead_ids if META_LEAD_ID.fullmatch(lead_id)]
        self.env["crm.lead"]._capture_lock([("idempotency", lead_id) for lead_id in valid])
        known = {log.idempotency_key: log for log in Log.search([
            ("idempotency_key", "in", valid), ("channel", "=", "meta"), ("form_id", "=", form.id),
            ("status", "in", ("waiting", "created", "matched"))])}
        results, queued, now = [], [], fields.Datetime.now()
        for value, lead_id in zip(values_list, lead_ids, strict=True):
            if not META_LEAD_ID.fullmatch(lead_id):
                error = self.env._("Meta lead: expected a leadgen_id of digits, got %(value)s.",
                                   value=lead_id[:64] or "-")
                Log._log_refused("meta", error, value, form=form, remote_addr=remote_addr)
                results.append({"status": "rejected", "lead_id": False, "errors": {"leadgen_id": error}})
            elif lead_id in known:
                log = known[lead_id]
                results.append({"status": log.status, "lead_id": log.lead_id.id, "errors": {}})
            else:
                queued.append({
                    "channel": "meta", "status": "waiting", "form_id": form.id, "team_id": form.team_id.id,
                    "payload": self._dump_payload(value), "remote_addr": remote_addr or False,
                    "idempotency_key": lead_id, "next_fetch_date": now, "company_id": form.company_id.id,
                })
                known[lead_id] = Log.browse()
                results.append({"status": "waiting", "lead_id": False, "errors": {}})
        if queued:
            Log.create(queued)
            self.env.ref("lead_management.ir_cron_meta_lead_fetch").sudo()._trigger()
        return results

    @api.model
    def _cron_fetch_meta_leads(self):
        """Fetch the answers of the first due waiting Meta lead and capture
        it, locked so that two workers never fetch the same one; the cron
        commits and calls again while due ones are left (one lead per
        transaction: a slow Graph API holds no other lead)."""
        now = fields.Datetime.now()
        self.flush_model(["channel", "status", "next_fetch_date"])
        self.env.cr.execute(SQL(
            """SELECT id FROM lead_capture_log
                WHERE channel = 'meta' AND status = 'waiting' AND next_fetch_date <= %s
                ORDER BY next_fetch_date, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED""", now))
        row = self.env.cr.fetchone()
        if row:
            self.browse(row[0])._fetch_meta_leads()
        remaining = self.search_count([("channel", "=", "meta"), ("status", "=", "waiting"),
                                       ("next_fetch_date", "<=", now)])
        self.env["ir.cron"]._notify_progress(done=1 if row else 0, remaining=remaining)

    def _fetch_meta_leads(self, timeout=10):
        """Fetch each waiting Meta lead's fields from the Graph API (with
        its form's page token) and capture it; a failure is retried later,
        each time later (tools.ads.retry_delay_minutes), then left as an
        error that can be replayed; an answer that cannot be captured is an
        error at once."""
        # sudo: settings are readable by administrators only
        base_url = (self.env["ir.config_parameter"].sudo().get_param("lead_management.meta_graph_url")
                    or META_GRAPH_URL).rstrip("/")
        for log in self:
            try:
                data = log._get_meta_lead(base_url, timeout)
            except (requests.RequestException, ValueError) as error:
                log._meta_fetch_failed(error)
                continue
            log._capture_meta_lead(data)

    def _get_meta_lead(self, base_url, timeout):
        """The Graph API's lead of this log (its answers and the ad's ids);
        the page token goes in a header, never in a URL an error could
        show."""
        self.ensure_one()
        response = requests.get(
            f"{base_url}/{self.idempotency_key}", timeout=timeout,
            params={"fields": "created_time,field_data,ad_id,adgroup_id,campaign_id,form_id"},
            # sudo: the page token is readable by sales managers only; the cron uses it
            headers={"Authorization": f"Bearer {self.form_id.sudo().meta_page_token or ''}"})
        data = response.json() if response.content else {}
        if response.status_code != 200 or not isinstance(data, dict):
            message = data.get("error", {}).get("message") if isinstance(data, dict) \
                and isinstance(data.get("error"), dict) else None
            raise ValueError(self.env._("the Graph API answered %(status)s %(message)s",
                                        status=response.status_code, message=str(message or "")[:200]))
        return data

    def _capture_meta_lead(self, data):
        """Capture the fetched lead ``data`` through the pipeline, this log
        becoming its entry; a lead that cannot be captured is an error."""
        self.ensure_one()
        Lead = self.env["crm.lead"]
        payload = data
        try:
            with self.env.cr.savepoint():
                value = json.loads(self.payload or "{}")
                payload = Lead._get_meta_payload({**(value if isinstance(value, dict) else {}), **data,
                                                  "leadgen_id": self.idempotency_key})
                Lead._capture([payload], "meta", form=self.form_id, remote_addr=self.remote_addr, replay_log=self)
        except psycopg2.OperationalError:
            raise
        except Exception as error:
            _logger.warning("lead_management: Meta lead %s not captured", self.idempotency_key, exc_info=True)
            self.write({"status": "error", "payload": self._dump_payload(payload),
                        "error": Lead._capture_error_message(error)})

    def _meta_fetch_failed(self, error):
        """Count a failed fetch: retry later, or give up with the reason
        (for a network error, its kind only: its text may hold addresses)."""
        self.ensure_one()
        reason = type(error).__name__ if isinstance(error, requests.RequestException) else str(error)
        attempts = self.fetch_attempts + 1
        delay = ads.retry_delay_minutes(attempts)
        if delay is None:
            self.write({"status": "error", "fetch_attempts": attempts, "error": self.env._(
                "The lead's answers could not be fetched from Meta after %(attempts)s attempts: %(reason)s. "
                "Check the form's page access token, then replay.", attempts=attempts, reason=reason)})
            return
        next_date = fields.Datetime.now() + timedelta(minutes=delay)
        self.write({"fetch_attempts": attempts, "next_fetch_date": next_date, "error": self.env._(
            "Attempt %(attempts)s to fetch the lead's answers from Meta failed: %(reason)s. Next attempt in "
            "%(minutes)s minutes.", attempts=attempts, reason=reason, minutes=delay)})

    @api.model
    def _get_idempotent_answers(self, channel, form, api_user, keys):
        """The first answer to each idempotency key of ``keys`` already seen
        from the same form or API user: {key: {status, lead_id, errors}}."""
        if not keys:
            return {}
        logs = self.search([
            ("idempotency_key", "in", keys), ("channel", "=", channel),
            ("form_id", "=", form.id if form else False),
            ("api_user_id", "=", api_user.id if api_user else False),
            ("status", "in", ("created", "matched")),
        ], order="id")
        answers = {}
        for log in logs:
            answers.setdefault(log.idempotency_key, {"status": log.status, "lead_id": log.lead_id.id, "errors": {}})
        return answers

    @api.model
    def _count_recent(self, field, value, seconds=60, status=None, channel=None):
        """How many requests the form, API user or address ``value`` sent in
        the last ``seconds`` (the rate limits), of ``status`` and through
        ``channel`` if given."""
        since = fields.Datetime.now() - timedelta(seconds=seconds)
        domain = [(field, "=", value), ("create_date", ">=", since)] + ([("status", "=", status)] if status else []) \
            + ([("channel", "=", channel)] if channel else [])
        # sudo: a rate counts every request of the sender, readable or not by the caller
        return self.sudo().search_count(domain)

    @api.model
    def _dump_payload(self, payload):
        if isinstance(payload, (bytes, bytearray)):
            payload = payload.decode("utf-8", "replace")
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, indent=1,
                                                                    default=str)
        return clean_text(text)[:PAYLOAD_MAX_LENGTH]

    @api.model
    def _get_channel_label(self, channel):
        return dict(self._fields["channel"]._description_selection(self.env)).get(channel, channel)

    @api.model
    def _get_extra_field_labels(self):
        """Labels of what a payload may carry besides lead fields."""
        return {
            "country": self.env._("Country"), "state": self.env._("State"), "lang": self.env._("Language"),
            "external_id": self.env._("Source Reference"), "idempotency_key": self.env._("Idempotency Key"),
            "utm_source": self.env._("Source"), "utm_medium": self.env._("Medium"),
            "utm_campaign": self.env._("Campaign"), "gclid": self.env._("Google Click ID"),
            "fbclid": self.env._("Facebook Click ID"), "referrer": self.env._("Referrer"),
            "landing_page": self.env._("Landing Page"), "consent": self.env._("Consent"),
        }

    @api.model
    def _cron_purge_payloads(self):
        """Forget the personal data of submissions older than the retention
        period (Settings), and the capture locks of past days."""
        # sudo: the cron purges every company's log
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "lead_management.capture_log_retention_days", 90) or 0)
        if days > 0:
            old = self.sudo().search([
                ("create_date", "<", fields.Datetime.now() - timedelta(days=days)),
                "|", ("payload", "!=", False), ("remote_addr", "!=", False),
            ])
            old.write({"payload": False, "remote_addr": False})
        self.env.cr.execute(SQL("DELETE FROM lead_capture_lock WHERE date < %s",
                                fields.Datetime.now() - timedelta(days=1)))
