from odoo import api, models
from odoo.tools import str2bool


class LeadManagementSettings(models.TransientModel):
    """The addon's settings for sales managers, who may not open Settings
    (CRM > Configuration > Lead Management > Settings)."""

    _name = "lead.management.settings"
    _inherit = "lead.management.settings.mixin"
    _description = "Lead Management Settings"

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # sudo: settings are readable by administrators only; this screen reads its own keys
        params = self.env["ir.config_parameter"].sudo()
        for fname, parameter in self._get_config_parameters().items():
            stored = params.get_param(parameter)
            if stored is not False:
                values[fname] = str2bool(stored) if self._fields[fname].type == "boolean" else int(stored)
        values.update(self._get_lead_management_values())
        return {fname: value for fname, value in values.items() if fname in fields_list}

    def action_save(self):
        """Store the settings as Settings does: a cleared number or an unticked
        box given by ``config_parameter`` goes back to its default."""
        self.ensure_one()
        self.check_access("write")
        # sudo: sales managers may not write ir.config_parameter; this writes these keys only
        params = self.env["ir.config_parameter"].sudo()
        for fname, parameter in self._get_config_parameters().items():
            value = self[fname].id if self._fields[fname].type == "many2one" else self[fname]
            params.set_param(parameter, str(value) if value else False)
        self._set_lead_management_values()
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _get_config_parameters(self):
        return {fname: field.config_parameter for fname, field in self._fields.items()
                if getattr(field, "config_parameter", None)}
