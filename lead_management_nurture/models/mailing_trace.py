from odoo import api, fields, models


class MailingTrace(models.Model):
    """Opens, clicks, replies and bounces of cadence e-mails feed the lead's
    engagement (and so its score); a reply or a bounce ends the cadence.
    The set_* methods are what the tracking routes and the mail gateway call
    (as superuser), not an API: over RPC, they would add events to leads the
    caller may not read."""

    _inherit = "mailing.trace"

    @api.private
    def set_opened(self, domain=None):
        traces = self + (self.search(domain) if domain else self.browse())
        first_opens = traces.filtered(lambda t: t.trace_status not in ("open", "reply"))._filter_nurture()
        result = super(MailingTrace, traces).set_opened()
        first_opens._log_nurture_engagement("email_open")
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
        self.env["lead.engagement"].sudo().create([{
            "lead_id": trace.res_id,
            "event_type": event_type,
            "date": now,
            "note": (trace.mass_mailing_id.subject or "")[:200],
        } for trace in self if trace.res_id in lead_ids])

    def _exit_nurture_enrollments(self, reason):
        if not self:
            return
        # sudo: replies and bounces arrive through the mail gateway; every cadence of the lead ends
        self.env["lead.nurture.enrollment"].sudo().search(
            [("state", "=", "active"), ("lead_id", "in", self.mapped("res_id"))])._exit(reason)
