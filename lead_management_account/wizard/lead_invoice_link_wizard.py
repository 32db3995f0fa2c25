from odoo import api, fields, models


class LeadInvoiceLinkWizard(models.TransientModel):
    """Link customer invoices created elsewhere to the opportunity."""

    _name = "lead.invoice.link.wizard"
    _description = "Link Invoices to an Opportunity"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True)
    commercial_partner_id = fields.Many2one("res.partner", compute="_compute_commercial_partner_id")
    move_ids = fields.Many2many(
        "account.move", string="Invoices",
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '!=', 'cancel'), "
               "('lead_id', '=', False), ('commercial_partner_id', '=', commercial_partner_id)]",
        help="Customer invoices and credit notes of the same customer not linked to an opportunity yet.")

    @api.depends("lead_id")
    def _compute_commercial_partner_id(self):
        for wizard in self:
            wizard.commercial_partner_id = wizard.lead_id.partner_id.commercial_partner_id

    def action_link(self):
        self.ensure_one()
        self.move_ids.filtered(
            lambda move: move.commercial_partner_id == self.commercial_partner_id and not move.lead_id
        ).write({"lead_id": self.lead_id.id})
        return {"type": "ir.actions.act_window_close"}
