from odoo import api, fields, models

from ..tools.territory import parse_lines

CRITERIA_FIELDS = ("country_ids", "state_ids", "cities", "zip_prefixes", "lang_ids", "industry_ids",
                   "specialty_ids", "tag_ids", "min_temperature")


class LeadTerritory(models.Model):
    _name = "lead.territory"
    _description = "Lead Territory"
    _order = "sequence, criteria_count desc, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    team_id = fields.Many2one("crm.team", string="Sales Team",
                              help="Team set on the leads of this territory.")
    user_ids = fields.Many2many(
        "res.users", "lead_territory_res_users_rel", "territory_id", "user_id", string="Salespeople",
        domain=[("share", "=", False)])
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many("res.country.state", string="Provinces")
    cities = fields.Text(help="One city per line, in any spelling: اصفهان and Isfahan can both be listed.")
    zip_prefixes = fields.Char(help="Comma-separated beginnings of zip codes.")
    lang_ids = fields.Many2many("res.lang", string="Languages")
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    specialty_ids = fields.Many2many("lead.specialty", string="Specialties")
    tag_ids = fields.Many2many("crm.tag", string="Tags", help="Products or services the lead is interested in.")
    min_temperature = fields.Selection(
        [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")], string="Minimum Temperature")
    method = fields.Selection(
        [("round_robin", "Round Robin"), ("least_loaded", "Least Loaded")], required=True, default="round_robin",
        help="Round robin: each salesperson in turn. Least loaded: the one with the fewest open leads.")
    max_open_leads = fields.Integer(
        string="Maximum Open Leads", help="Per salesperson; a full salesperson is skipped (0: no limit).")
    rr_position = fields.Integer(string="Round-Robin Position", compute="_compute_rr_position",
                                 help="Index of the salesperson chosen last (-1: none yet).")
    criteria_count = fields.Integer(compute="_compute_criteria_count", store=True,
                                    help="How specific the territory is: the number of criteria set.")
    lead_ids = fields.One2many("crm.lead", "territory_id", string="Leads")
    open_lead_count = fields.Integer(compute="_compute_lead_counts")
    unassigned_lead_count = fields.Integer(compute="_compute_lead_counts")
    load_summary = fields.Char(string="Load", compute="_compute_lead_counts",
                               groups="sales_team.group_sale_salesman_all_leads",
                               help="Open leads of each salesperson of the territory.")

    _sql_constraints = [
        ("max_open_leads_positive", "CHECK (max_open_leads >= 0)", "The maximum of open leads cannot be negative."),
    ]

    @api.depends(*CRITERIA_FIELDS)
    def _compute_criteria_count(self):
        for territory in self:
            territory.criteria_count = sum(1 for fname in CRITERIA_FIELDS if territory[fname])

    @api.model_create_multi
    def create(self, vals_list):
        territories = super().create(vals_list)
        # sudo: each territory has its position row, which routing locks
        self.env["lead.territory.position"].sudo().create([{"territory_id": terr.id} for terr in territories])
        return territories

    def _compute_rr_position(self):
        # sudo: positions are routing's own rows, readable with the territory
        positions = dict(self.env["lead.territory.position"].sudo()._read_group(
            [("territory_id", "in", self.ids)], ["territory_id"], ["rr_position:max"]))
        for territory in self:
            territory.rr_position = positions.get(territory, -1)

    @api.depends("lead_ids", "user_ids")
    def _compute_lead_counts(self):
        Lead = self.env["crm.lead"]
        open_domain = Lead._get_open_lead_domain()
        counts = {(territory, assigned): count for territory, assigned, count in Lead._read_group(
            [*open_domain, ("territory_id", "in", self.ids)], ["territory_id", "user_id"], ["__count"])} \
            if self.ids else {}
        loads = Lead._get_open_lead_loads(self.user_ids)
        for territory in self:
            territory.open_lead_count = sum(
                count for (terr, _user), count in counts.items() if terr == territory)
            territory.unassigned_lead_count = sum(
                count for (terr, user), count in counts.items() if terr == territory and not user)
            territory.load_summary = ", ".join(
                f"{user.name}: {loads.get(user.id, 0)}" for user in territory.user_ids)

    def _get_criteria(self):
        """Criteria of this territory as plain sets (see tools.territory.matches)."""
        self.ensure_one()
        return {
            "country_ids": set(self.country_ids.ids),
            "state_ids": set(self.state_ids.ids),
            "cities": parse_lines(self.cities),
            "zip_prefixes": parse_lines(self.zip_prefixes),
            "lang_ids": set(self.lang_ids.ids),
            "industry_ids": set(self.industry_ids.ids),
            "specialty_ids": set(self.specialty_ids.ids),
            "tag_ids": set(self.tag_ids.ids),
            "min_temperature": self.min_temperature,
        }

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("territory_id", "=", self.id)]
        action["context"] = {"default_territory_id": self.id}
        return action
