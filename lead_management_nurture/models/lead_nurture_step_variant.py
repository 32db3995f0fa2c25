from odoo import api, fields, models


class LeadNurtureStepVariant(models.Model):
    _name = "lead.nurture.step.variant"
    _description = "Nurture Step Variant"
    _order = "step_id, sequence, id"

    step_id = fields.Many2one("lead.nurture.step", required=True, ondelete="cascade", index=True)
    cadence_id = fields.Many2one(related="step_id.cadence_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(compute="_compute_name", store=True, readonly=False, translate=True)
    industry_id = fields.Many2one("res.partner.industry")
    specialty_ids = fields.Many2many(
        "lead.specialty", string="Specialties", help="Matches a lead with any of these specialties.")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", required=True, domain=[("model", "=", "crm.lead")],
        ondelete="restrict")
    mailing_id = fields.Many2one("mailing.mailing", readonly=True, copy=False, ondelete="set null")

    @api.depends("industry_id", "specialty_ids")
    def _compute_name(self):
        for variant in self:
            parts = [variant.industry_id.name] if variant.industry_id else []
            parts += variant.specialty_ids.mapped("name")
            variant.name = " / ".join(parts) or self.env._("Any lead")

    def write(self, vals):
        result = super().write(vals)
        if "mail_template_id" in vals:
            self.mailing_id._sync_from_template()
        return result
