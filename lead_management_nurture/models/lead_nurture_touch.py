from odoo import fields, models


class LeadNurtureTouch(models.Model):
    """One step of a cadence done (or skipped) for a lead: the enrolment's
    history, what the over-contact guard counts, and what the report reads."""

    _name = "lead.nurture.touch"
    _description = "Nurture Touch"
    _order = "date desc, id desc"
    _rec_name = "step_id"

    enrollment_id = fields.Many2one("lead.nurture.enrollment", required=True, ondelete="cascade", index=True)
    cadence_id = fields.Many2one(related="enrollment_id.cadence_id", store=True)
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", groups="sales_team.group_sale_salesman")
    step_id = fields.Many2one("lead.nurture.step", ondelete="set null", index="btree_not_null")
    kind = fields.Selection(related="step_id.kind")
    variant_id = fields.Many2one("lead.nurture.step.variant", ondelete="set null")
    state = fields.Selection(
        [("done", "Done"), ("skipped", "Skipped")], required=True, default="done",
        help="Skipped: the lead no longer matched the step's condition, or had no e-mail address.")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    mailing_trace_id = fields.Many2one("mailing.trace", string="E-mail", ondelete="set null", index="btree_not_null")
    trace_status = fields.Selection(related="mailing_trace_id.trace_status", string="E-mail Status")

    def init(self):
        # the over-contact guard reads the recent touches of a batch of leads
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS lead_nurture_touch_guard_index ON lead_nurture_touch (lead_id, date)"
            " WHERE state = 'done'")
