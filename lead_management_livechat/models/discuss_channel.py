from odoo import models


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    def _convert_visitor_to_lead(self, partner, key):
        """The operator's /lead command: the lead goes through the capture
        pipeline (see crm.lead._capture_chat)."""
        return super(DiscussChannel, self.with_context(lead_management_chat=True))._convert_visitor_to_lead(
            partner, key)
