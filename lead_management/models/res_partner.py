import operator
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_lead import COMPANY_SIZES, LEAD_STATUSES, TEMPERATURES

COMPARISONS = {"=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt,
               "<=": operator.le}


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
    # our label, translated by our catalogs (see ir.module.module._load_module_terms)
    state_id = fields.Many2one(string="State/Province")
    # The prospect view of a contact, computed from the leads the reader may
    # see (Odoo's sales record rules): a salesperson does not learn the score,
    # status or forecast of a colleague's opportunity from its customer.
    lead_ids = fields.One2many("crm.lead", "partner_id", string="Leads", groups="sales_team.group_sale_salesman")
    lead_count = fields.Integer(compute="_compute_prospect", groups="sales_team.group_sale_salesman")
    lead_status = fields.Selection(
        LEAD_STATUSES, compute="_compute_prospect", groups="sales_team.group_sale_salesman",
        help="Status of the most recent lead of this contact.")
    forecast_revenue = fields.Monetary(
        compute="_compute_prospect", currency_field="prospect_currency_id",
        groups="sales_team.group_sale_salesman", help="Prorated revenue of the open opportunities.")
    prospect_currency_id = fields.Many2one(
        "res.currency", compute="_compute_prospect_currency_id", groups="sales_team.group_sale_salesman")
    lifecycle_stage = fields.Selection(
        [("prospect", "Prospect"), ("customer", "Customer")], compute="_compute_prospect",
        search="_search_lifecycle_stage", groups="sales_team.group_sale_salesman")
    lead_source_id = fields.Many2one(
        "utm.source", string="First Touch Source", compute="_compute_prospect", groups="sales_team.group_sale_salesman")
    lead_score = fields.Integer(
        compute="_compute_prospect", search="_search_lead_score", groups="sales_team.group_sale_salesman",
        help="Score of the best open lead.")
    temperature = fields.Selection(
        TEMPERATURES, compute="_compute_prospect", groups="sales_team.group_sale_salesman",
        help="Temperature of the best open lead.")
    forecast_date = fields.Date(
        compute="_compute_prospect", groups="sales_team.group_sale_salesman",
        help="Expected closing of the nearest open opportunity.")

    @api.depends_context("uid", "allowed_company_ids")
    @api.depends("lead_ids", "child_ids.lead_ids")
    def _compute_prospect(self):
        leads_by_partner = self._get_prospect_leads()
        for partner in self:
            leads = leads_by_partner.get(partner.id, [])
            active = [lead for lead in leads if lead.active]
            open_leads = [lead for lead in active if not lead.stage_id.is_won]
            best = max(open_leads, key=lambda lead: lead.score, default=None)
            opportunities = [lead for lead in open_leads if lead.type == "opportunity"]
            partner.lead_count = len(active)
            partner.lead_status = leads[-1].lead_status if leads else False
            partner.lifecycle_stage = (
                "customer" if any(lead.stage_id.is_won for lead in active)
                else "prospect" if leads else False
            )
            partner.lead_source_id = next((lead.source_id for lead in leads if lead.source_id), False)
            partner.lead_score = best.score if best else 0
            partner.temperature = best.temperature if best else False
            partner.forecast_date = min((lead.date_deadline for lead in opportunities if lead.date_deadline),
                                        default=False)
            partner.forecast_revenue = sum(lead.prorated_revenue for lead in opportunities)

    @api.depends_context("company")
    @api.depends("company_id")
    def _compute_prospect_currency_id(self):
        for partner in self:
            partner.prospect_currency_id = (partner.company_id or self.env.company).currency_id

    def _search_lifecycle_stage(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Operation not supported"))
        stages = {value} if operator in ("=", "!=") else set(value)
        positive = operator in ("=", "in")
        won, with_leads = self._get_prospect_partner_ids(
            [("active", "=", True), ("stage_id.is_won", "=", True)]), self._get_prospect_partner_ids([])
        matching = set()
        if "customer" in stages:
            matching |= won
        if "prospect" in stages:
            matching |= with_leads - won
        if False in stages:
            return [("id", "not in" if positive else "in", list(with_leads))]
        return [("id", "in" if positive else "not in", list(matching))]

    def _search_lead_score(self, operator, value):
        if operator not in COMPARISONS or not isinstance(value, (int, float)):
            raise UserError(self.env._("Operation not supported"))
        compare = COMPARISONS[operator]
        best = defaultdict(int)
        # read_group with the reader's rights: only the leads he may see count
        for partner, score in self.env["crm.lead"]._read_group(
                [("partner_id", "!=", False), ("active", "=", True), ("stage_id.is_won", "=", False)],
                ["partner_id"], ["score:max"]):
            for ancestor_id in partner._get_self_and_parent_ids():
                best[ancestor_id] = max(best[ancestor_id], score or 0)
        matching = [partner_id for partner_id, score in best.items() if compare(score, value)]
        if compare(0, value):   # contacts without a lead have a score of 0
            return ["|", ("id", "in", matching), ("id", "not in", list(best))]
        return [("id", "in", matching)]

    def _get_prospect_partner_ids(self, lead_domain):
        """Contacts, and their parent companies, of the leads the reader may
        see that match ``lead_domain`` (archived ones included)."""
        partners = self.env["crm.lead"].with_context(active_test=False)._read_group(
            [("partner_id", "!=", False), *lead_domain], ["partner_id"])
        return {ancestor_id for (partner,) in partners for ancestor_id in partner._get_self_and_parent_ids()}

    def _get_self_and_parent_ids(self):
        """This contact and the companies above it (whose prospect view
        counts its leads)."""
        ids, partner = [], self
        while partner:
            ids.append(partner.id)
            partner = partner.parent_id
        return ids

    def _get_prospect_leads(self):
        """Leads of each partner and of its contacts that the reader may see,
        oldest first, in one search: {partner id: [leads]} (archived leads
        included)."""
        partners = self.filtered("id")
        leads_by_partner = defaultdict(list)
        if not partners:
            return leads_by_partner
        leads = self.env["crm.lead"].with_context(active_test=False).search_fetch(
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
