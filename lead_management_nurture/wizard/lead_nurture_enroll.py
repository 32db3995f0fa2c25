from odoo import api, fields, models
from odoo.addons.lead_management.tools.notification import notification_action


class LeadNurtureEnroll(models.TransientModel):
    """Enrol in cadence: the selected leads enter a cadence by hand."""

    _name = "lead.nurture.enroll"
    _description = "Enrol Leads in a Nurture Cadence"

    cadence_id = fields.Many2one("lead.nurture.cadence", required=True)
    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True)
    apply_audience = fields.Boolean(
        string="Only Leads of the Audience", default=True,
        help="Enrol only the selected leads that match the cadence's audience and re-enrolment rule; "
             "untick to enrol every selected lead not already in the cadence.")
    skipped_count = fields.Integer(compute="_compute_skipped_count", string="Already In the Cadence")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "lead_ids" in fields_list and self.env.context.get("active_model") == "crm.lead":
            values["lead_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    @api.depends("cadence_id", "lead_ids")
    def _compute_skipped_count(self):
        for wizard in self:
            wizard.skipped_count = self.env["lead.nurture.enrollment"].search_count([
                ("cadence_id", "=", wizard.cadence_id.id), ("state", "=", "active"),
                ("lead_id", "in", wizard.lead_ids._origin.ids)]) if wizard.cadence_id else 0

    def action_enroll(self):
        self.ensure_one()
        self.lead_ids.check_access("write")
        if self.apply_audience:
            self.cadence_id._check_audience_access()
            # sudo: the audience is the cadence's, read whatever the salesperson's rights on cadences
            enrollments = self.cadence_id.sudo()._enroll_audience(lead_ids=self.lead_ids.ids)
        else:
            busy = self.env["lead.nurture.enrollment"].search([
                ("cadence_id", "=", self.cadence_id.id), ("state", "=", "active"),
                ("lead_id", "in", self.lead_ids.ids)]).lead_id
            enrollments = self.env["lead.nurture.enrollment"].create([
                {"cadence_id": self.cadence_id.id, "lead_id": lead.id} for lead in self.lead_ids - busy])
        return notification_action(
            self.env._("%(count)s of %(total)s leads enrolled in %(cadence)s.",
                       count=len(enrollments), total=len(self.lead_ids), cadence=self.cadence_id.name),
            type="success" if enrollments else "warning", next_action={"type": "ir.actions.act_window_close"})
