from odoo import api, fields, models
from odoo.tools import SQL

EVENT_TYPES = [
    ("email_open", "Email Opened"),
    ("email_click", "Email Link Clicked"),
    ("email_reply", "Email Reply"),
    ("website_visit", "Website Visit"),
    ("form_submit", "Form Submitted"),
    ("call", "Call"),
    ("chat", "Chat"),
    ("meeting", "Meeting"),
    ("campaign_response", "Campaign Response"),
]
# why an open or click is a machine's, not the person's (see lead_management_nurture)
MACHINE_REASONS = [
    ("too_fast", "Too Soon After Sending"),
    ("apple_proxy", "Apple Mail Privacy Proxy"),
    ("scanner_agent", "Scanner or Proxy User Agent"),
    ("all_links", "All Links Clicked at Once"),
    ("honeypot", "Hidden Link Clicked"),
]


class LeadEngagement(models.Model):
    _name = "lead.engagement"
    _description = "Lead Engagement Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"

    # indexed by lead_engagement_lead_scoring_index (see init), which covers lead_id lookups
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    # follows the lead's customer: see crm.lead._sync_engagement_partners
    partner_id = fields.Many2one(
        "res.partner", string="Contact", compute="_compute_partner_id", store=True, readonly=False,
        precompute=True, index="btree_not_null")
    company_id = fields.Many2one(related="lead_id.company_id")
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson")
    event_type = fields.Selection(EVENT_TYPES, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    points = fields.Integer(
        help="Points of this event before decay; 0 uses the points of the scoring rule for its type.")
    note = fields.Char()
    is_machine = fields.Boolean(
        string="Machine", default=False, readonly=True,
        help="An open or click by a mail privacy proxy or a link scanner, not by the person: kept, "
             "but it scores no points.")
    machine_reason = fields.Selection(MACHINE_REASONS, readonly=True)
    call_direction = fields.Selection([("inbound", "Incoming"), ("outbound", "Outgoing")])
    call_status = fields.Selection(
        [("answered", "Answered"), ("missed", "Missed"), ("voicemail", "Voicemail")])
    call_duration = fields.Integer(string="Duration (s)")
    call_number = fields.Char(string="Phone Number", help="The lead's number: the caller, or the number called.")
    call_user_id = fields.Many2one("res.users", string="Extension Of", help="The salesperson whose extension rang.")
    call_recording_url = fields.Char(string="Recording")
    call_id = fields.Char(string="Call Reference", help="The telephone system's id of the call.")
    # set by the capture pipeline, see crm.lead._capture_update_matched
    submitted_values = fields.Json(
        readonly=True, copy=False,
        help="Values of the submission not written on the lead (contact fields sent by an anonymous visitor, "
             "or by a colleague who may not read the lead), for its salesperson to apply.")
    has_submitted_values = fields.Boolean(compute="_compute_has_submitted_values")

    def init(self):
        # covering index: scoring reads a batch of leads' events with an index-only scan;
        # an index of an older version, without is_machine, is rebuilt
        self.env.cr.execute(SQL(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'lead_engagement_lead_scoring_index'"))
        row = self.env.cr.fetchone()
        if row and "is_machine" not in row[0]:
            self.env.cr.execute(SQL("DROP INDEX lead_engagement_lead_scoring_index"))
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS lead_engagement_lead_scoring_index"
            " ON lead_engagement (lead_id) INCLUDE (event_type, date, points, is_machine)"))

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for event in self:
            event.partner_id = event.lead_id.partner_id

    @api.depends("submitted_values")
    def _compute_has_submitted_values(self):
        for event in self:
            event.has_submitted_values = bool(event.submitted_values)

    def action_apply_submitted_values(self):
        """Write the submitted values of these events on their leads, with
        the user's rights; they are then cleared."""
        events = self.filtered("submitted_values")
        Lead = self.env["crm.lead"]
        for event in events:
            event.lead_id.write({fname: value for fname, value in event.submitted_values.items()
                                 if fname in Lead._fields})
        events.submitted_values = False
        return True

    def write(self, vals):
        result = super().write(vals)
        if "lead_id" in vals:
            # the rules were checked on the event's lead before the write: check
            # them on its new lead too (an event may not move to a lead the user may not edit)
            self.check_access("write")
        return result
