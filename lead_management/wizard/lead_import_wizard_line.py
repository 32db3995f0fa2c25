from odoo import api, fields, models


class LeadImportWizardLine(models.TransientModel):
    """A column of the file being imported, and the lead field it fills."""

    _name = "lead.import.wizard.line"
    _description = "Lead Import Column"
    _order = "column_index"
    _transient_max_hours = 1.0  # its sample is a cell of the file (see lead.import.wizard)

    wizard_id = fields.Many2one("lead.import.wizard", required=True, ondelete="cascade")
    column_index = fields.Integer(required=True)
    header = fields.Char(string="Column", readonly=True)
    sample = fields.Char(string="First Row", readonly=True)
    field_name = fields.Selection(selection="_get_field_selection", string="Lead Field",
                                  help="Empty: the column is not imported.")

    @api.model
    def _get_field_selection(self):
        return sorted(self.env["crm.lead"]._get_import_fields().items(), key=lambda item: item[1])
