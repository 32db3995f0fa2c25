from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index="btree_not_null", copy=False, tracking=True,
        domain="[('type', '=', 'opportunity'), ('partner_id', 'child_of', commercial_partner_id)]",
        help="The opportunity this invoice comes from.")
    # stored, accountants group and filter invoices by them; they follow the
    # opportunity through crm.lead._sync_invoices, once per transaction, not
    # through a dependency that the ORM would resolve once per lead written
    lead_user_id = fields.Many2one(
        "res.users", string="Opportunity Salesperson", compute="_compute_lead_fields", store=True)
    lead_source_id = fields.Many2one("utm.source", string="Lead Source", compute="_compute_lead_fields", store=True)
    lead_campaign_id = fields.Many2one(
        "utm.campaign", string="Lead Campaign", compute="_compute_lead_fields", store=True)

    @api.depends("lead_id")
    def _compute_lead_fields(self):
        for move in self:
            move.lead_user_id = move.lead_id.user_id
            move.lead_source_id = move.lead_id.source_id
            move.lead_campaign_id = move.lead_id.campaign_id

    @api.onchange("partner_id")
    def _onchange_partner_id_lead(self):
        if self.lead_id and self.lead_id.commercial_partner_id != self.partner_id.commercial_partner_id:
            self.lead_id = False

    def action_open_lead(self):
        """Open the opportunity of the invoice (read-only for accountants)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "views": [(False, "form")],
            "context": {"create": False},
        }
