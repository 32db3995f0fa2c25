from collections import defaultdict

from odoo import api, fields, models

from .crm_lead import COMPANY_SIZES, LEAD_STATUSES, TEMPERATURES


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "lead.phone.mixin", "lead.identifier.mixin"]

    national_id = fields.Char(
        string="National ID", index="btree_not_null",
        help="Personal national code: 10 digits with a check digit in Iran, 11 digits in Georgia.")
    specialty_ids = fields.Many2many(
        "lead.specialty", "res_partner_lead_specialty_rel", "partner_id", "specialty_id",
        string="Other Specialties")
    company_size = fields.Selection(COMPANY_SIZES)
    lead_ids = fields.One2many("crm.lead", "partner_id", string="Leads", groups="sales_team.group_sale_salesman")
    lead_count = fields.Integer(compute="_compute_prospect_summary", groups="sales_team.group_sale_salesman")
    lead_status = fields.Selection(
        LEAD_STATUSES, compute="_compute_prospect_summary", groups="sales_team.group_sale_salesman",
        help="Status of the most recent lead of this contact.")
    forecast_revenue = fields.Monetary(
        compute="_compute_prospect_summary", currency_field="prospect_currency_id",
        groups="sales_team.group_sale_salesman", help="Prorated revenue of the open opportunities.")
    prospect_currency_id = fields.Many2one(
        "res.currency", compute="_compute_prospect_currency_id", groups="sales_team.group_sale_salesman")
    lifecycle_stage = fields.Selection(
        [("prospect", "Prospect"), ("customer", "Customer")],
        compute="_compute_prospect", store=True, groups="sales_team.group_sale_salesman")
    lead_source_id = fields.Many2one(
        "utm.source", string="First Touch Source", compute="_compute_prospect", store=True,
        groups="sales_team.group_sale_salesman")
    lead_score = fields.Integer(
        compute="_compute_prospect", store=True, groups="sales_team.group_sale_salesman",
        help="Score of the best open lead.")
    temperature = fields.Selection(
        TEMPERATURES, compute="_compute_prospect", store=True, groups="sales_team.group_sale_salesman",
        help="Temperature of the best open lead.")
    forecast_date = fields.Date(
        compute="_compute_prospect", store=True, groups="sales_team.group_sale_salesman",
        help="Expected closing of the nearest open opportunity.")

    @api.depends(*[f"{path}.{fname}" for path in ("lead_ids", "child_ids.lead_ids") for fname in (
        "active", "type", "stage_id", "source_id", "score", "temperature", "date_deadline", "create_date")])
    def _compute_prospect(self):
        leads_by_partner = self._get_prospect_leads()
        for partner in self:
            leads = leads_by_partner.get(partner.id, [])
            active = [lead for lead in leads if lead.active]
            open_leads = [lead for lead in active if not lead.stage_id.is_won]
            best = max(open_leads, key=lambda lead: lead.score, default=None)
            deadlines = [lead.date_deadline for lead in open_leads if lead.type == "opportunity" and lead.date_deadline]
            partner.lifecycle_stage = (
                "customer" if any(lead.stage_id.is_won for lead in active)
                else "prospect" if leads else False
            )
            partner.lead_source_id = next((lead.source_id for lead in leads if lead.source_id), False)
            partner.lead_score = best.score if best else 0
            partner.temperature = best.temperature if best else False
            partner.forecast_date = min(deadlines, default=False)

    def _compute_prospect_summary(self):
        leads_by_partner = self._get_prospect_leads()
        for partner in self:
            leads = leads_by_partner.get(partner.id, [])
            active = [lead for lead in leads if lead.active]
            partner.lead_count = len(active)
            partner.lead_status = leads[-1].lead_status if leads else False
            partner.forecast_revenue = sum(
                lead.prorated_revenue for lead in active if lead.type == "opportunity" and not lead.stage_id.is_won)

    @api.depends_context("company")
    @api.depends("company_id")
    def _compute_prospect_currency_id(self):
        for partner in self:
            partner.prospect_currency_id = (partner.company_id or self.env.company).currency_id

    def _get_prospect_leads(self):
        """Leads of each partner and of its contacts, oldest first, in one
        search: {partner id: [leads]} (archived leads included)."""
        partners = self.filtered("id")
        leads_by_partner = defaultdict(list)
        if not partners:
            return leads_by_partner
        # sudo: the prospect summary counts every lead of the customer, also
        # those of other salespeople, like Odoo's opportunity counter
        leads = self.env["crm.lead"].sudo().with_context(active_test=False).search_fetch(
            [("partner_id", "child_of", partners.ids)],
            ["partner_id", "active", "type", "lead_status", "source_id", "score", "temperature",
             "date_deadline", "prorated_revenue", "stage_id", "create_date"],
            order="create_date, id",
        )
        wanted = set(partners.ids)
        for lead in leads:
            partner = lead.partner_id
            while partner:
                if partner.id in wanted:
                    leads_by_partner[partner.id].append(lead)
                partner = partner.parent_id
        return leads_by_partner

    @api.constrains("national_id", "country_id")
    def _check_national_id(self):
        for partner in self.filtered("national_id"):
            partner._check_national_id_format(partner.national_id, partner.country_id)

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._prepare_identifier_values(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._prepare_identifier_values(vals))
