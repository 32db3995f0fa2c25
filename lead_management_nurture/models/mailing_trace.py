from datetime import timedelta

from odoo import api, fields, models, tools

from ..tools import bot_detection

#: settings of the bot rules (seconds after sending, and for a burst of clicks)
BOT_SECONDS_PARAMS = {"open": "lead_management.bot_open_seconds", "click": "lead_management.bot_click_seconds"}
DEFAULT_BOT_SECONDS = 2


class MailingTrace(models.Model):
    """Opens, clicks, replies and bounces of cadence e-mails feed the lead's
    engagement (and so its score); a reply or a bounce ends the cadence.
    The set_* methods are what the tracking routes and the mail gateway call
    (as superuser), not an API: over RPC, they would add events to leads the
    caller may not read.

    Opens and clicks of machines (mail privacy proxies, link scanners) are
    kept as events marked is_machine, which score nothing (see
    tools/bot_detection.py). The tracking routes give the request's address
    and user agent in the context key ``lead_engagement_client``
    ({"ip", "user_agent"}), and the clicked link's code in
    ``lead_engagement_link_code``."""

    _inherit = "mailing.trace"

    @api.private
    def set_opened(self, domain=None):
        traces = self + (self.search(domain) if domain else self.browse())
        nurture = traces._filter_nurture()
        first_opens = nurture.filtered(lambda t: t.trace_status not in ("open", "reply"))
        result = super(MailingTrace, traces).set_opened()
        first_opens._log_nurture_engagement("email_open")
        (nurture - first_opens)._filter_first_human_open()._log_nurture_engagement("email_open")
        return result

    @api.private
    def set_clicked(self, domain=None):
        traces = self + (self.search(domain) if domain else self.browse())
        result = super(MailingTrace, traces).set_clicked()
        traces._filter_nurture()._log_nurture_engagement("email_click")
        return result

    @api.private
    def set_replied(self, domain=None):
        """The reply itself is an engagement event of the lead when it reaches
        its thread (crm.lead.message_update); here the cadence ends."""
        traces = self + (self.search(domain) if domain else self.browse())
        result = super(MailingTrace, traces).set_replied()
        traces._filter_nurture()._exit_nurture_enrollments("replied")
        return result

    @api.private
    def set_bounced(self, domain=None, bounce_message=False):
        traces = self + (self.search(domain) if domain else self.browse())
        result = super(MailingTrace, traces).set_bounced(bounce_message=bounce_message)
        traces._filter_nurture()._exit_nurture_enrollments("bounced")
        return result

    def _filter_nurture(self):
        return self.filtered(lambda t: t.model == "crm.lead" and t.res_id and t.mass_mailing_id.nurture_step_id)

    def _log_nurture_engagement(self, event_type):
        if not self:
            return
        # sudo: opens and clicks arrive through public routes (tracking pixel, link redirection)
        lead_ids = set(self.env["crm.lead"].sudo().browse(self.mapped("res_id")).exists().ids)
        now = fields.Datetime.now()
        reasons = self._get_machine_reasons(event_type, now)
        self.env["lead.engagement"].sudo().create([{
            "lead_id": trace.res_id,
            "event_type": event_type,
            "date": now,
            "note": (trace.mass_mailing_id.subject or "")[:200],
            "mailing_trace_id": trace.id,
            "is_machine": bool(reasons[trace.id]),
            "machine_reason": reasons[trace.id],
        } for trace in self if trace.res_id in lead_ids])
        burst = self.filtered(lambda trace: reasons[trace.id] in ("all_links", "honeypot"))
        if burst:
            burst._mark_machine_burst(reasons)

    def _get_machine_reasons(self, event_type, now):
        """{trace id: why this open or click of the trace is a machine's, or
        False}, for the client of the context (see the class docstring); in a
        few queries for the whole batch."""
        client = self.env.context.get("lead_engagement_client") or {}
        ip, user_agent = client.get("ip"), client.get("user_agent")
        bot_markers = self.env["ir.http"].bots
        if event_type == "email_open" and self.env.context.get("lead_engagement_link_code"):
            # the open a click implies: judged as the click (a person browsing through
            # iCloud Private Relay comes from Apple's addresses too)
            seconds = self._get_bot_seconds("open")
            honeypot = self._is_honeypot_click()
            return {trace.id: bot_detection.click_reason(
                user_agent, trace.sent_datetime, now, bot_markers, seconds, honeypot=honeypot) or False
                for trace in self}
        if event_type == "email_open":
            seconds = self._get_bot_seconds("open")
            apple_ranges = self._get_apple_ranges() if ip else bot_detection.RangeIndex()
            return {trace.id: bot_detection.open_reason(
                ip, user_agent, trace.sent_datetime, now, apple_ranges, bot_markers, seconds) or False
                for trace in self}
        seconds = self._get_bot_seconds("click")
        honeypot = self._is_honeypot_click()
        all_links = self._get_all_links_clicked(seconds)
        return {trace.id: bot_detection.click_reason(
            user_agent, trace.sent_datetime, now, bot_markers, seconds,
            honeypot=honeypot, all_links=trace.id in all_links) or False
            for trace in self}

    def _is_honeypot_click(self):
        code = self.env.context.get("lead_engagement_link_code")
        if not code:
            return False
        link = self.env["link.tracker.code"].sudo().search([("code", "=", code)], limit=1).link_id
        return bot_detection.is_honeypot_url(link.url)

    def _get_all_links_clicked(self, seconds):
        """Ids of these traces whose every link was clicked within ``seconds``
        (the clicks' database timestamps); two queries for the batch."""
        # sudo: clicks and links of the mailings these traces belong to, whoever follows the link
        links = self.env["link.tracker"].sudo().search_fetch(
            [("mass_mailing_id", "in", self.mass_mailing_id.ids)], ["url", "mass_mailing_id"])
        links = links.filtered(lambda link: not bot_detection.is_honeypot_url(link.url))
        link_counts = {}
        for link in links:
            link_counts[link.mass_mailing_id.id] = link_counts.get(link.mass_mailing_id.id, 0) + 1
        first_clicks = {}
        for trace, _link, first_click in self.env["link.tracker.click"].sudo()._read_group(
                [("mailing_trace_id", "in", self.ids), ("link_id", "in", links.ids)],
                ["mailing_trace_id", "link_id"], ["create_date:min"]):
            first_clicks.setdefault(trace.id, []).append(first_click)
        return {trace.id for trace in self if bot_detection.clicked_all_links(
            first_clicks.get(trace.id, []), link_counts.get(trace.mass_mailing_id.id, 0), seconds)}

    def _mark_machine_burst(self, reasons):
        """The opens and clicks logged during the burst that revealed a
        machine (all links, or the hidden link, clicked) were its too."""
        since = self.env.cr.now() - timedelta(seconds=self._get_bot_seconds("click"))
        events = self.env["lead.engagement"].sudo().search([
            ("mailing_trace_id", "in", self.ids), ("is_machine", "=", False),
            ("event_type", "in", ("email_open", "email_click")), ("create_date", ">=", since)])
        for reason, reason_events in events.grouped(lambda event: reasons[event.mailing_trace_id.id]).items():
            reason_events.write({"is_machine": True, "machine_reason": reason})

    def _filter_first_human_open(self):
        """Traces opened before only by machines, opened now by a person:
        the person's open is an event too."""
        reasons = self._get_machine_reasons("email_open", fields.Datetime.now()) if self else {}
        humans = self.filtered(lambda trace: not reasons[trace.id])
        if not humans:
            return self.browse()
        opened = self.env["lead.engagement"].sudo()._read_group(
            [("mailing_trace_id", "in", humans.ids), ("event_type", "=", "email_open")],
            ["mailing_trace_id"], ["is_machine:bool_and"])
        return self.browse([trace.id for trace, machine_only in opened if machine_only])

    @api.model
    def _get_bot_seconds(self, kind):
        """Seconds after sending within which an open or click (``kind``) is
        a machine's; also the span of a burst of clicks. Empty setting: 2."""
        value = self.env["ir.config_parameter"].sudo().get_param(BOT_SECONDS_PARAMS[kind])
        try:
            return int(value) if value else DEFAULT_BOT_SECONDS
        except ValueError:
            return DEFAULT_BOT_SECONDS

    @api.model
    @tools.ormcache()
    def _get_apple_ranges(self):
        """Apple's egress IP ranges (the attachment lead_management_nurture.apple_egress_ranges,
        replaced by uploading Apple's CSV, see lead.nurture.bot.ranges.upload)."""
        # sudo: the list is configuration, read for every tracked open
        attachment = self.env.ref("lead_management_nurture.apple_egress_ranges", raise_if_not_found=False)
        text = attachment.sudo().raw.decode() if attachment else ""
        return bot_detection.RangeIndex(bot_detection.parse_ranges(text)[0])

    def _exit_nurture_enrollments(self, reason):
        if not self:
            return
        # sudo: replies and bounces arrive through the mail gateway; every cadence of the lead ends
        self.env["lead.nurture.enrollment"].sudo().search(
            [("state", "=", "active"), ("lead_id", "in", self.mapped("res_id"))])._exit(reason)
