from odoo import api, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.model
    def _lead_management_merge_proposition_stage(self):
        """Move the leads of Odoo's untouched "Proposition" stage to
        "Proposal Sent" and remove it, so the funnel has one proposal stage.
        A renamed or customised stage is left alone."""
        proposition = self.env.ref("crm.stage_lead3", raise_if_not_found=False)
        proposal_sent = self.env.ref("lead_management.crm_stage_proposal_sent", raise_if_not_found=False)
        if not proposition or not proposal_sent or proposition.with_context(lang="en_US").name != "Proposition":
            return
        leads = self.env["crm.lead"].with_context(active_test=False).search([("stage_id", "=", proposition.id)])
        leads.with_context(tracking_disable=True).write({"stage_id": proposal_sent.id})
        proposition.unlink()
