from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


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
    lead_source_id = fields.Many2one("utm.source", compute="_compute_lead_fields", store=True)
    lead_campaign_id = fields.Many2one("utm.campaign", compute="_compute_lead_fields", store=True)

    @api.depends("lead_id")
    def _compute_lead_fields(self):
        for move in self:
            move.lead_user_id = move.lead_id.user_id
            move.lead_source_id = move.lead_id.source_id
            move.lead_campaign_id = move.lead_id.campaign_id

    @api.constrains("lead_id", "partner_id")
    def _check_lead_id(self):
        for move in self.filtered("lead_id"):
            lead = move.lead_id.sudo()   # sudo: compare what the user linked, whatever he may read
            if lead.type != "opportunity" or lead.partner_id.commercial_partner_id != move.commercial_partner_id:
                raise ValidationError(self.env._(
                    "Opportunity: %(invoice)s can only come from an opportunity of its customer %(customer)s.",
                    invoice=move.display_name, customer=move.commercial_partner_id.display_name))

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if defaults.get("lead_id"):
            # a default of the context or of the user links as a value would,
            # and shows the lead's name in a new invoice's form
            self._check_lead_access({defaults["lead_id"]})
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        lead_ids = {vals["lead_id"] for vals in vals_list if vals.get("lead_id")}
        self._check_lead_access(lead_ids)
        if any("lead_id" not in vals for vals in vals_list):
            # the default of the context or of the user, checked by default_get
            # once for the batch rather than by the ORM for each invoice
            default_lead_id = self.default_get(["lead_id"]).get("lead_id")
            if default_lead_id:
                vals_list = [{"lead_id": default_lead_id, **vals} for vals in vals_list]
                lead_ids.add(default_lead_id)
        moves = super().create(vals_list)
        moves._check_lead_linked(lead_ids)
        return moves

    def write(self, vals):
        if not vals.get("lead_id"):
            return super().write(vals)
        self._check_lead_access({vals["lead_id"]})
        result = super().write(vals)
        self._check_lead_linked({vals["lead_id"]})
        return result

    @api.onchange("partner_id")
    def _onchange_partner_id_lead(self):
        if self.lead_id and self.lead_id.partner_id.commercial_partner_id != self.partner_id.commercial_partner_id:
            self.lead_id = False

    @api.model
    def _check_lead_access(self, lead_ids):
        """An invoice may only be linked to an opportunity its author may read
        before the link: accountants read the opportunities of their
        invoices, linking one must not be a way to read any lead."""
        leads = self.env["crm.lead"].browse(lead_ids)
        if leads - leads._filtered_access("read"):
            raise AccessError(self._get_lead_access_error())

    def _check_lead_linked(self, lead_ids):
        """The opportunities of these invoices as stored, whatever set them
        (the values, defaults, overrides), are among ``lead_ids``, the ones
        checked by _check_lead_access before the link made them readable."""
        if set(self.lead_id.ids) - set(lead_ids):
            raise AccessError(self._get_lead_access_error())

    @api.model
    def _get_lead_access_error(self):
        """The error of a link to an opportunity the user may not read."""
        return self.env._("Opportunity: an invoice can only be linked to an opportunity you may read; "
                          "ask its salesperson to link it.")

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
