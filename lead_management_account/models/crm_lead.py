from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")
#: lead fields that invoices show (see account.move._compute_lead_fields)
INVOICE_LEAD_FIELDS = {"user_id", "source_id", "campaign_id"}


class CrmLead(models.Model):
    """Invoices of won opportunities: created from the opportunity or linked
    to it, and the amounts invoiced and paid."""

    _inherit = "crm.lead"
    # accountants read the deals they invoice without editing them: they ask the
    # salesperson through the chatter (messages, activities); salespeople write
    # every lead they read
    _mail_post_access = "read"

    invoice_ids = fields.One2many("account.move", "lead_id", string="Invoices")
    invoice_count = fields.Integer(compute="_compute_invoice_amounts")
    amount_invoiced = fields.Monetary(
        compute="_compute_invoice_amounts", currency_field="company_currency",
        help="Posted customer invoices minus credit notes, in the company currency.")
    amount_paid = fields.Monetary(
        compute="_compute_invoice_amounts", currency_field="company_currency",
        help="Paid part of the posted customer invoices minus credit notes, in the company currency.")
    amount_to_invoice = fields.Monetary(
        compute="_compute_amount_to_invoice", store=True, currency_field="company_currency",
        help="Expected revenue not invoiced yet: minus the untaxed amounts of the customer invoices and "
             "credit notes that are not cancelled, drafts included.")

    @api.depends("invoice_ids.state", "invoice_ids.amount_total_signed", "invoice_ids.amount_residual_signed")
    def _compute_invoice_amounts(self):
        leads = self.filtered("id")
        # sudo: the salesperson sees what the deal was invoiced and paid; the
        # invoices themselves stay behind the invoicing rights
        groups = self.env["account.move"].sudo()._read_group(
            [("lead_id", "in", leads.ids), ("move_type", "in", CUSTOMER_MOVE_TYPES), ("state", "!=", "cancel")],
            ["lead_id", "state"], ["__count", "amount_total_signed:sum", "amount_residual_signed:sum"],
        ) if leads else []
        totals = defaultdict(lambda: {"count": 0, "invoiced": 0.0, "paid": 0.0})
        for lead, state, count, total, residual in groups:
            totals[lead.id]["count"] += count
            if state == "posted":
                totals[lead.id]["invoiced"] += total
                totals[lead.id]["paid"] += total - residual
        for lead in self:
            values = totals[lead._origin.id]
            lead.invoice_count = values["count"]
            lead.amount_invoiced = values["invoiced"]
            lead.amount_paid = values["paid"]

    @api.depends("expected_revenue", "invoice_ids.move_type", "invoice_ids.state",
                 "invoice_ids.amount_untaxed_signed")
    def _compute_amount_to_invoice(self):
        leads = self.filtered("id")
        # sudo: as the invoiced amounts, whoever triggers the computation
        invoiced = dict(self.env["account.move"].sudo()._read_group(
            [("lead_id", "in", leads.ids), ("move_type", "in", CUSTOMER_MOVE_TYPES), ("state", "!=", "cancel")],
            ["lead_id"], ["amount_untaxed_signed:sum"])) if leads else {}
        for lead in self:
            lead.amount_to_invoice = max(lead.expected_revenue - invoiced.get(lead._origin, 0.0), 0.0)

    def write(self, vals):
        result = super().write(vals)
        if INVOICE_LEAD_FIELDS & set(vals):
            self._defer_hook("_sync_invoices")
        return result

    def action_create_invoice(self):
        """Draft customer invoice of this won opportunity, for its commercial
        partner, with the expected revenue (or the product chosen in
        Settings); returns its form. Without a customer, or when the deal
        was invoiced already, asks for the customer and the amount (what
        remains to invoice) first."""
        self.ensure_one()
        self.env["account.move"].check_access("create")
        if not self.stage_id.is_won:
            raise UserError(self.env._("Only a won opportunity can be invoiced: mark %(name)s as won first.",
                                       name=self.name))
        if not self.partner_id or self.invoice_count:
            action = self.env["ir.actions.act_window"]._for_xml_id("lead_management_account.action_lead_invoice_wizard")
            action["context"] = {"default_lead_id": self.id}
            return action
        invoice = self._create_invoice(self.partner_id.commercial_partner_id, self.amount_to_invoice)
        return self._get_invoice_form_action(invoice)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """An accountant schedules an activity for the salesperson on a deal he
        reads without editing: the salesperson follows the deal, as he would
        for an activity from anyone who edits it. Only internal users who read
        the deal are added so, never other partners."""
        if partner_ids and not subtype_ids and not self.env.su and self.env.user.has_group(
                "account.group_account_invoice") and not self.has_access("write"):
            self.check_access("read")
            users = self.env["res.users"].sudo().search([("partner_id", "in", partner_ids), ("share", "=", False)])
            if set(users.partner_id.ids) == set(partner_ids) and all(
                    self.with_user(user)._filtered_access("read") == self for user in users):
                # sudo: following a deal its followers may read, on behalf of an accountant who may not edit it
                return super(CrmLead, self.sudo()).message_subscribe(partner_ids=partner_ids)
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update({
            "domain": [("lead_id", "=", self.id), ("move_type", "in", CUSTOMER_MOVE_TYPES)],
            "context": {"default_move_type": "out_invoice", "default_lead_id": self.id,
                        "default_partner_id": self.partner_id.commercial_partner_id.id},
        })
        return action

    def action_open_invoice_link_wizard(self):
        """Link customer invoices created elsewhere for the same customer."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lead_management_account.action_lead_invoice_link_wizard")
        action["context"] = {"default_lead_id": self.id}
        return action

    @api.model
    def _get_deferred_hooks(self):
        return [*super()._get_deferred_hooks(), "_sync_invoices"]

    def _sync_invoices(self):
        """Deferred hook: the invoices of these leads show their current
        salesperson, source and campaign."""
        # sudo: the invoices follow their opportunity, whoever edits it
        moves = self.env["account.move"].sudo().search([("lead_id", "in", self.ids)])
        for fname in ("lead_user_id", "lead_source_id", "lead_campaign_id"):
            self.env.add_to_compute(moves._fields[fname], moves)

    def _create_invoice(self, partner, amount):
        """Draft customer invoice of ``amount`` for ``partner``, linked to this
        opportunity."""
        self.ensure_one()
        line = {"name": self.name, "quantity": 1, "price_unit": amount}
        product = self._get_invoice_product()
        if product:
            line.update(product_id=product.id, price_unit=amount or product.lst_price)
        return self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "lead_id": self.id,
            "invoice_user_id": self.user_id.id or self.env.uid,
            "invoice_origin": self.name,
            "company_id": self.company_id.id or self.env.company.id,
            "invoice_line_ids": [Command.create(line)],
        })

    @api.model
    def _get_invoice_form_action(self, invoice):
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "views": [(self.env.ref("account.view_move_form").id, "form")],
            "context": {"default_move_type": "out_invoice"},
        }

    def _get_invoice_product(self):
        # sudo: settings are readable by administrators only
        product_id = self.env["ir.config_parameter"].sudo().get_param("lead_management.invoice_product_id")
        return self.env["product.product"].browse(int(product_id)).exists() if product_id else \
            self.env["product.product"]
