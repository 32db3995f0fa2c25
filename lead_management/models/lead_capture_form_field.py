from odoo import api, fields, models

from .crm_lead_capture import CAPTURE_FIELDS


class LeadCaptureFormField(models.Model):
    """A field a web form asks, in its order: a lead field among those
    capture accepts, named in the reader's language."""

    _name = "lead.capture.form.field"
    _description = "Lead Capture Form Field"
    _order = "sequence, id"

    form_id = fields.Many2one("lead.capture.form", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Selection(selection="_selection_name", string="Field", required=True)
    required = fields.Boolean()

    _sql_constraints = [("name_unique", "UNIQUE(form_id, name)", "A form asks each field once.")]

    @api.model
    def _selection_name(self):
        lead_fields = self.env["crm.lead"]._fields
        return [(fname, lead_fields[fname].get_description(self.env)["string"]) for fname in CAPTURE_FIELDS]
