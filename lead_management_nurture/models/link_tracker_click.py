from odoo import api, models


class LinkTrackerClick(models.Model):
    _inherit = "link.tracker.click"

    @api.model
    def add_click(self, code, **route_values):
        """The trace's click event knows which link was clicked (the hidden
        link of cadence e-mails is a machine's, see mailing.trace)."""
        return super(LinkTrackerClick, self.with_context(lead_engagement_link_code=code)).add_click(
            code, **route_values)
