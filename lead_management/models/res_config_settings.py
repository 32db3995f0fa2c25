from odoo import api, models


# Settings, given the fields the sales managers' screen shares (a list
# _inherit, which the linter does not recognize as res.config)
class ResConfigSettings(models.TransientModel):  # pylint: disable=no-wizard-in-models
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "lead.management.settings.mixin"]

    @api.model
    def get_values(self):
        res = super().get_values()
        res.update(self._get_lead_management_values())
        return res

    def set_values(self):
        super().set_values()
        self._set_lead_management_values()
