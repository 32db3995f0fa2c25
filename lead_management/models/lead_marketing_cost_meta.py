import json
import re
from collections import defaultdict
from datetime import timedelta

import requests

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import ads

#: a Meta ad account id, with or without its act_ prefix: digits only, safe in a Graph API URL
META_AD_ACCOUNT_ID = re.compile(r"(?:act_)?([0-9]{1,32})")
#: the log entry of a form's spend fetch of one day (retries and failures)
META_SPEND_KEY = "meta_spend:%s"
#: pages of insights read at most in one fetch (100 rows each: a day of 50 campaigns is one page)
META_SPEND_MAX_PAGES = 100


class LeadMarketingCost(models.Model):
    _inherit = "lead.marketing.cost"

    @api.model
    def _save_meta_spend(self, form, rows):
        """Upsert the Meta ``rows`` of ``form`` (see lead.capture.form.
        _get_meta_spend): one cost per day, campaign and form's source;
        a day fetched again replaces its amount. A campaign unknown here is
        created: a named campaign of the ad account is real data."""
        amounts, currencies = defaultdict(float), {}
        for row in rows:
            key = (row["date"], row["campaign"])
            amounts[key] += row["amount"]
            currencies[key] = row["currency"]
        names = {name for _date, name in amounts if name}
        found = self._find_campaigns(names)
        campaigns = {name: self.env["utm.campaign"].browse(found[name.lower()]) for name in names
                     if name.lower() in found}
        missing = sorted(names - campaigns.keys())
        if missing:
            campaigns.update(zip(missing, self.env["utm.campaign"].create([{"title": name} for name in missing]),
                                 strict=True))
        company = form.company_id or self.env.company
        existing = {(cost.date, cost.campaign_id.id): cost for cost in self.search([
            ("origin", "=", "meta"), ("company_id", "=", company.id), ("source_id", "=", form.source_id.id),
            ("date", "in", list({day for day, _name in amounts})),
            ("campaign_id", "in", [campaign.id for campaign in campaigns.values()] + [False]),
        ])}
        new_values = []
        for (day, name), amount in amounts.items():
            campaign = campaigns.get(name, self.env["utm.campaign"])
            values = {"amount": amount, "currency_id": currencies[day, name].id}
            cost = existing.get((day, campaign.id))
            if cost:
                if cost.amount != amount or cost.currency_id.id != values["currency_id"]:
                    cost.write(values)
            else:
                new_values.append({**values, "date": day, "campaign_id": campaign.id, "origin": "meta",
                                   "source_id": form.source_id.id, "medium_id": form.medium_id.id,
                                   "company_id": company.id})
        return self.create(new_values)


class LeadCaptureForm(models.Model):
    """A Meta lead form's ad account: its daily campaign spend is fetched
    from the Graph API into the marketing costs."""

    _inherit = "lead.capture.form"

    meta_ad_account_id = fields.Char(
        string="Ad Account ID", copy=False, groups="sales_team.group_sale_manager",
        help="The Meta ad account of the form's ads (act_1234567890 or its digits): every day, the spend of its "
             "campaigns yesterday and today is fetched into the marketing costs with the access token, which then "
             "needs the ads_read permission.")
    meta_spend_date = fields.Date(
        string="Spend Fetched On", readonly=True, copy=False, groups="sales_team.group_sale_manager",
        help="The day the ad account's spend was last fetched.")

    @api.constrains("meta_ad_account_id")
    def _check_meta_ad_account_id(self):
        for form in self:
            if form.meta_ad_account_id and not META_AD_ACCOUNT_ID.fullmatch(form.meta_ad_account_id.strip()):
                raise ValidationError(self.env._(
                    "Ad Account ID: %(value)s is not a Meta ad account id; expected its digits, with or without "
                    "the act_ prefix (act_1234567890).", value=form.meta_ad_account_id))

    @api.model
    def _get_meta_spend_due(self):
        """The Meta forms whose spend is due today: with an ad account and
        a token, not fetched yet today, nor waiting for a retry, nor given
        up today."""
        today = fields.Date.context_today(self)
        # sudo: the ad accounts and tokens are readable by sales managers only; the cron runs as superuser
        forms = self.sudo().search([
            ("channel", "=", "meta"), ("meta_ad_account_id", "!=", False), ("meta_page_token", "!=", False),
            "|", ("meta_spend_date", "=", False), ("meta_spend_date", "<", today)])
        now = fields.Datetime.now()
        waiting = self.env["lead.capture.log"].search([
            ("form_id", "in", forms.ids), ("channel", "=", "meta"), ("idempotency_key", "=", META_SPEND_KEY % today),
            "|", ("next_fetch_date", "=", False), ("next_fetch_date", ">", now)])
        return self.browse((forms - waiting.form_id).ids)

    @api.model
    def _cron_fetch_meta_spend(self):
        """Fetch the campaign spend of the first due Meta form, locked so
        that two workers never fetch the same one; the cron commits and
        calls again while due ones are left (one form per transaction: a
        slow Graph API holds no other form), within the cron's time budget."""
        return self.env["ir.cron"]._lead_management_run_batches(
            "lead_management.ir_cron_meta_spend_fetch", self._fetch_meta_spend_batch, 1)

    @api.model
    def _fetch_meta_spend_batch(self, _size):
        """One form of :meth:`_cron_fetch_meta_spend`: ``(done, remaining)``."""
        due = self._get_meta_spend_due()
        form = self.browse()
        if due:
            self.env.cr.execute(SQL(
                """SELECT id FROM lead_capture_form WHERE id = ANY(%s)
                    ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED""", due.ids))
            row = self.env.cr.fetchone()
            form = self.browse(row[0] if row else ())
            form._fetch_meta_spend()
        remaining = len(self._get_meta_spend_due())
        self.env["ir.cron"]._notify_progress(done=len(form), remaining=remaining)
        return len(form), remaining

    def _fetch_meta_spend(self, timeout=10, day=None):
        """Fetch each form's campaign spend of the day before ``day`` and of
        ``day`` (today) from the Graph API into the marketing costs; a
        failure writes nothing and is logged, retried later, each time
        later (tools.ads.retry_delay_minutes), then left until tomorrow."""
        Log = self.env["lead.capture.log"]
        base_url = Log._get_meta_graph_url()
        today = fields.Date.context_today(self)
        day = day or today
        for form in self:
            try:
                rows = form._get_meta_spend(base_url, day - timedelta(days=1), day, timeout)
            except (requests.RequestException, ValueError) as error:
                form._meta_spend_failed(day, Log._meta_error_reason(error))
                continue
            costs = self.env["lead.marketing.cost"]._save_meta_spend(form, rows)
            if day == today:
                # sudo: the fetch date is readable by sales managers only
                form.sudo().meta_spend_date = today
            log = form._get_meta_spend_log(day)
            if log:
                log.write({"status": "created", "error": False, "next_fetch_date": False, "note": self.env._(
                    "Spend fetched at attempt %(attempts)s: %(rows)s rows, %(new)s new costs.",
                    attempts=log.fetch_attempts + 1, rows=len(rows), new=len(costs))})

    def _get_meta_spend_log(self, day):
        """The capture log's entry of this form's spend fetch of ``day``."""
        self.ensure_one()
        # sudo: the log records what the cron did, readable by sales managers
        return self.env["lead.capture.log"].sudo().search([
            ("form_id", "=", self.id), ("channel", "=", "meta"), ("idempotency_key", "=", META_SPEND_KEY % day)],
            limit=1)

    def _get_meta_spend(self, base_url, since, until, timeout):
        """The ad account's spend per campaign and day from ``since`` to
        ``until``, every page of it, read before anything is written:
        [{date, campaign (name), amount, currency}].

        :raise requests.RequestException: on a network error
        :raise ValueError: on an error answer or a row that cannot be read
        """
        self.ensure_one()
        Log = self.env["lead.capture.log"]
        # sudo: the ad account and token are readable by sales managers only; the cron uses them
        form = self.sudo()
        account = META_AD_ACCOUNT_ID.fullmatch((form.meta_ad_account_id or "").strip())
        if not account:
            raise ValueError(self.env._("the Ad Account ID is not a Meta ad account id"))
        url, params = f"{base_url}/act_{account[1]}/insights", {
            "level": "campaign", "fields": "campaign_name,spend,date_start,account_currency",
            "time_increment": 1, "time_range": json.dumps({"since": str(since), "until": str(until)}),
            "limit": 100,
        }
        data = []
        for _page in range(META_SPEND_MAX_PAGES):
            page = Log._meta_graph_get(url, form.meta_page_token or "", timeout, params=params)
            if not isinstance(page.get("data", []), list):
                raise ValueError(self.env._("the Graph API answered data that is not a list"))
            data += page.get("data") or []
            url, params = (page.get("paging") or {}).get("next"), None
            if not url:
                break
            # the token goes to the Graph API only, whatever the next page's address
            if not str(url).startswith(f"{base_url}/"):
                raise ValueError(self.env._("the Graph API's next page is not on the Graph API"))
        else:
            raise ValueError(self.env._("the Graph API's answer goes on beyond %(pages)s pages",
                                        pages=META_SPEND_MAX_PAGES))
        codes = {str(row.get("account_currency") or "").upper() for row in data if isinstance(row, dict)}
        currencies = {currency.name: currency for currency in self.env["res.currency"].with_context(
            active_test=False).search([("name", "in", list(codes))])}
        rows = []
        for row in data:
            if not isinstance(row, dict):
                raise ValueError(self.env._("the Graph API answered a row that is not an object"))
            code = str(row.get("account_currency") or "").upper()
            if code not in currencies:
                raise ValueError(self.env._("unknown account currency %(code)s", code=code[:8] or "-"))
            try:
                day, amount = fields.Date.to_date(row.get("date_start")), float(row.get("spend") or 0)
            except (TypeError, ValueError):
                raise ValueError(self.env._(
                    "unreadable spend %(spend)s or day %(day)s; expected an amount and a date (YYYY-MM-DD)",
                    spend=str(row.get("spend"))[:32], day=str(row.get("date_start"))[:32])) from None
            if not day:
                raise ValueError(self.env._("a row without its day (date_start)"))
            rows.append({"date": day, "campaign": str(row.get("campaign_name") or "").strip(), "amount": amount,
                         "currency": currencies[code]})
        return rows

    def _meta_spend_failed(self, day, reason):
        """Log a failed spend fetch of ``day`` on the capture log, one entry
        per form and day: retry later, or give up until tomorrow (a
        replayed day is not retried)."""
        self.ensure_one()
        reason = reason.rstrip(". ")
        log = self._get_meta_spend_log(day)
        attempts = log.fetch_attempts + 1
        delay = ads.retry_delay_minutes(attempts)
        # sudo: the ad account is readable by sales managers only; the cron logs it
        account = self.sudo().meta_ad_account_id
        if day != fields.Date.context_today(self):
            # a replayed day: the cron retries today's fetches only
            values = {"next_fetch_date": False, "error": self.env._(
                "Attempt %(attempts)s to fetch the spend of Meta ad account %(account)s failed: %(reason)s. "
                "Replay to try again.", attempts=attempts, account=account, reason=reason)}
        elif delay is None:
            values = {"next_fetch_date": False, "error": self.env._(
                "The spend of Meta ad account %(account)s could not be fetched after %(attempts)s attempts: "
                "%(reason)s. Check the ad account id and the form's access token (it needs the ads_read "
                "permission); the spend is fetched again tomorrow.", account=account, attempts=attempts,
                reason=reason)}
        else:
            values = {"next_fetch_date": fields.Datetime.now() + timedelta(minutes=delay), "error": self.env._(
                "Attempt %(attempts)s to fetch the spend of Meta ad account %(account)s failed: %(reason)s. "
                "Next attempt in %(minutes)s minutes.", attempts=attempts, account=account, reason=reason,
                minutes=delay)}
            self.env.ref("lead_management.ir_cron_meta_spend_fetch").sudo()._trigger(at=values["next_fetch_date"])
        values["fetch_attempts"] = attempts
        if log:
            log.write({**values, "status": "error", "note": False})
        else:
            log.create({**values, "channel": "meta", "status": "error", "form_id": self.id,
                        "team_id": self.team_id.id, "company_id": (self.company_id or self.env.company).id,
                        "idempotency_key": META_SPEND_KEY % day})


class LeadCaptureLog(models.Model):
    _inherit = "lead.capture.log"

    def _requeue_meta_fetch(self):
        """Fetch again, now, the Meta spend of these logs' failed spend
        fetches (see action_replay), each of its own day and the day
        before, as if never tried."""
        spend_logs = self.filtered(lambda log: log.channel == "meta" and log.form_id
                                   and (log.idempotency_key or "").startswith(META_SPEND_KEY % ""))
        for log in spend_logs:
            day = fields.Date.to_date(log.idempotency_key.removeprefix(META_SPEND_KEY % ""))
            log.fetch_attempts = 0
            log.form_id._fetch_meta_spend(day=day)
        return super(LeadCaptureLog, self - spend_logs)._requeue_meta_fetch() | spend_logs
