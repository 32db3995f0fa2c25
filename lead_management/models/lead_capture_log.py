import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..tools.normalize import clean_text
from ..tools.notification import notification_action, soft_reload_action
from ..tools.redact import redact_secrets

STATUSES = [
    ("created", "Created"), ("matched", "Matched"), ("rejected", "Rejected"), ("error", "Error"),
    ("waiting", "Waiting"), ("test", "Test"),
]
#: what the log keeps of a payload: a broken one is kept as text, cut at this length
PAYLOAD_MAX_LENGTH = 65536


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
    # personal data of people who may not be the reader's leads: for sales managers only
    payload = fields.Text(groups="sales_team.group_sale_manager",
                          help="What was submitted (JSON, secrets replaced by ***); correct it, then replay.")
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null", ondelete="set null")
    form_id = fields.Many2one("lead.capture.form", readonly=True, ondelete="set null")
    team_id = fields.Many2one("crm.team", readonly=True, help="The sales team of the form.")
    api_user_id = fields.Many2one("res.users", string="API Key Of", readonly=True, ondelete="set null")
    remote_addr = fields.Char(string="Remote Address", readonly=True, groups="sales_team.group_sale_manager")
    idempotency_key = fields.Char(readonly=True, index="btree_not_null")
    company_id = fields.Many2one("res.company", readonly=True, default=lambda self: self.env.company)
    # the submission's origin: a touch of its lead in the source performance report
    source_id = fields.Many2one("utm.source", readonly=True, ondelete="set null")
    medium_id = fields.Many2one("utm.medium", readonly=True, ondelete="set null")
    campaign_id = fields.Many2one("utm.campaign", readonly=True, ondelete="set null")

    def init(self):
        # the rate limits count the recent requests of a form, a key or an address
        for key, column in (("form", "form_id"), ("api", "api_user_id"), ("addr", "remote_addr")):
            create_index(self.env.cr, f"lead_capture_log_{key}_rate_index", self._table,
                         [column, "create_date"], where=f"{column} IS NOT NULL")
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
        unfetched = logs._requeue_meta_fetch()
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
        return notification_action(
            self.env._("%(captured)s of %(total)s submissions captured.", captured=len(captured), total=len(logs)),
            type="success" if captured == logs else "warning", next_action=soft_reload_action())

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
            **{fname: item.get("vals", {}).get(fname) or False for fname in ("source_id", "medium_id", "campaign_id")},
        } for item in items]
        if replay_log:
            replay_log.write({key: values[0][key] for key in ("status", "error", "note", "payload", "lead_id",
                                                              "idempotency_key", "source_id", "medium_id",
                                                              "campaign_id")})
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
        """``payload`` as the log keeps it: text, without the secrets it
        carries (keys, tokens, signatures; see tools.redact)."""
        payload = redact_secrets(payload)
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
            "country": self.env._("Country"), "state": self.env._("State/Province"), "lang": self.env._("Language"),
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
