import json
import logging
import re
from datetime import timedelta

import psycopg2
import requests

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import ads

_logger = logging.getLogger(__name__)

#: Meta's lead ids: digits only, so that they are safe in a Graph API URL
META_LEAD_ID = re.compile(r"[0-9]{1,32}")
META_GRAPH_URL = "https://graph.facebook.com/v21.0"


class LeadCaptureLog(models.Model):
    """The Meta Lead Ads queue: a lead notified without its answers waits in
    the log until the cron fetches them from the Graph API and captures it."""

    _inherit = "lead.capture.log"

    fetch_attempts = fields.Integer(readonly=True, help="Failed attempts to fetch the lead from the ad platform.")
    next_fetch_date = fields.Datetime(readonly=True, help="When the lead's fields are fetched again.")

    def _requeue_meta_fetch(self):
        """Queue again the Meta leads of these logs whose answers were never
        fetched (see action_replay).

        :return: those logs
        """
        unfetched = self.filtered(lambda log: log.channel == "meta" and '"leadgen_id"' in (log.payload or "")
                                  and META_LEAD_ID.fullmatch(log.idempotency_key or ""))
        if unfetched:
            unfetched.write({"status": "waiting", "fetch_attempts": 0, "next_fetch_date": fields.Datetime.now()})
            self.env.ref("lead_management.ir_cron_meta_lead_fetch")._trigger()
        return unfetched

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
        transaction: a slow Graph API holds no other lead), within the cron's
        time budget."""
        return self.env["ir.cron"]._lead_management_run_batches(
            "lead_management.ir_cron_meta_lead_fetch", self._fetch_meta_lead_batch, 1)

    @api.model
    def _fetch_meta_lead_batch(self, _size):
        """One lead of :meth:`_cron_fetch_meta_leads`: ``(done, remaining)``."""
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
        return (1 if row else 0), remaining

    def _fetch_meta_leads(self, timeout=10):
        """Fetch each waiting Meta lead's fields from the Graph API (with
        its form's page token) and capture it; a failure is retried later,
        each time later (tools.ads.retry_delay_minutes), then left as an
        error that can be replayed; an answer that cannot be captured is an
        error at once."""
        base_url = self._get_meta_graph_url()
        for log in self:
            try:
                data = log._get_meta_lead(base_url, timeout)
            except (requests.RequestException, ValueError) as error:
                log._meta_fetch_failed(error)
                continue
            log._capture_meta_lead(data)

    @api.model
    def _get_meta_graph_url(self):
        """The Graph API's base URL (a setting, for a local stand-in)."""
        # sudo: settings are readable by administrators only
        return (self.env["ir.config_parameter"].sudo().get_param("lead_management.meta_graph_url")
                or META_GRAPH_URL).rstrip("/")

    @api.model
    def _meta_graph_get(self, url, token, timeout, params=None):
        """The JSON object the Graph API answers to a GET of ``url``; the
        token goes in a header, never in a URL an error could show.

        :raise requests.RequestException: on a network error
        :raise ValueError: on an HTTP error or a Graph error object
        """
        response = requests.get(url, params=params, timeout=timeout, headers={"Authorization": f"Bearer {token}"})
        data = response.json() if response.content else {}
        if response.status_code != 200 or not isinstance(data, dict) or "error" in data:
            message = data.get("error", {}).get("message") if isinstance(data, dict) \
                and isinstance(data.get("error"), dict) else None
            raise ValueError(self.env._("the Graph API answered %(status)s %(message)s",
                                        status=response.status_code, message=str(message or "")[:200]))
        return data

    @api.model
    def _meta_error_reason(self, error):
        """What a failed Graph API request may show: for a network error,
        its kind only (its text may hold addresses)."""
        return type(error).__name__ if isinstance(error, requests.RequestException) else str(error)

    def _get_meta_lead(self, base_url, timeout):
        """The Graph API's lead of this log (its answers and the ad's ids)."""
        self.ensure_one()
        # sudo: the page token is readable by sales managers only; the cron uses it
        token = self.form_id.sudo().meta_page_token or ""
        return self._meta_graph_get(f"{base_url}/{self.idempotency_key}", token, timeout, params={
            "fields": "created_time,field_data,ad_id,adgroup_id,campaign_id,form_id"})

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
        (see _meta_error_reason)."""
        self.ensure_one()
        reason = self._meta_error_reason(error)
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
