from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..tools.normalize import clean_identifier

LEAD_STATUSES = [
    ("new", "New"),
    ("attempted", "Attempted to Contact"),
    ("contacted", "Contacted"),
    ("qualified", "Qualified"),
    ("eager", "Eager to Buy"),
    ("not_interested", "Not Interested"),
    ("junk", "Junk"),
    ("converted", "Converted"),
]
LIFECYCLE_STAGES = [
    ("lead", "Lead"),
    ("mql", "Marketing Qualified"),
    ("sql", "Sales Qualified"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("disqualified", "Disqualified"),
]
TEMPERATURES = [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")]
COMPANY_SIZES = [
    ("1_10", "1-10 employees"),
    ("11_50", "11-50 employees"),
    ("51_200", "51-200 employees"),
    ("201_1000", "201-1000 employees"),
    ("1000_plus", "More than 1000 employees"),
]
DISQUALIFYING_STATUSES = ("junk", "not_interested")
#: default score thresholds until a scoring model says otherwise
DEFAULT_WARM_THRESHOLD = 40
DEFAULT_HOT_THRESHOLD = 70
DUPLICATE_SEARCH_LIMIT = 21


class CrmLead(models.Model):
    _inherit = "crm.lead"

    lead_status = fields.Selection(
        LEAD_STATUSES, required=True, default="new", index=True,
        tracking=True, copy=False, group_expand=True,
        help="Where the salesperson is with this lead, independently of the pipeline stage.")
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES, compute="_compute_lifecycle_stage",
        store=True, readonly=False, index=True, tracking=True, copy=False,
        help="Marketing lifecycle: lead, marketing qualified (MQL), sales qualified (SQL), "
             "opportunity, customer, or disqualified.")
    # Scoring (filled in by the scoring models)
    score = fields.Integer(
        default=0, copy=False, aggregator="avg",
        help="Total score from 0 to 100: fit plus engagement.")
    score_fit = fields.Integer(string="Fit Score", default=0, copy=False, aggregator="avg")
    score_engagement = fields.Integer(string="Engagement Score", default=0, copy=False, aggregator="avg")
    score_explanation = fields.Html(
        compute="_compute_score_explanation", sanitize=False)
    temperature = fields.Selection(
        TEMPERATURES, compute="_compute_temperature", store=True, index=True)
    # Qualification: BANT and firmographics
    budget = fields.Monetary(currency_field="company_currency")
    is_decision_maker = fields.Boolean(
        string="Decision Maker", help="BANT authority: the contact decides the purchase.")
    need_level = fields.Selection(
        [("none", "None"), ("low", "Low"), ("medium", "Medium"), ("high", "High")], string="Need")
    decision_timeframe = fields.Selection(
        [("now", "Immediately"), ("month", "Within a month"), ("quarter", "Within a quarter"),
         ("half_year", "Within six months"), ("later", "Later"), ("unknown", "Unknown")],
        string="Timeframe", default="unknown")
    industry_id = fields.Many2one("res.partner.industry", index="btree_not_null")
    specialty_ids = fields.Many2many(
        "lead.specialty", "crm_lead_lead_specialty_rel", "lead_id", "specialty_id",
        string="Other Specialties")
    company_size = fields.Selection(COMPANY_SIZES)
    national_id = fields.Char(
        string="National ID", index="btree_not_null",
        help="Personal national code: 10 digits with a check digit in Iran, 11 digits in Georgia.")
    vat = fields.Char(string="Economic Code", index="btree_not_null", help="Tax identification number.")
    # Response time (filled in by assignment)
    sla_deadline = fields.Datetime(string="First Response Due", copy=False, index="btree_not_null")
    first_response_date = fields.Datetime(string="First Response", copy=False)
    response_time_minutes = fields.Float(
        string="Response Time (minutes)", compute="_compute_response_time_minutes", store=True,
        aggregator="avg")
    sla_status = fields.Selection(
        [("none", "No SLA"), ("pending", "Pending"), ("met", "Met"), ("breached", "Breached")],
        string="SLA Status", default="none", required=True, copy=False, index=True)
    secondary_phone_sanitized = fields.Char(
        string="Other Sanitized Number", compute="_compute_secondary_phone_sanitized", store=True,
        index="btree_not_null",
        help="The phone or mobile number, in E.164, that Odoo's sanitized number does not hold.")
    recent_incoming_call = fields.Boolean(
        string="Incoming Call (24 h)", compute="_compute_recent_incoming_call",
        search="_search_recent_incoming_call",
        help="Created from an incoming call during the last 24 hours.")
    # Forecast
    forecast_category = fields.Selection(
        [("pipeline", "Pipeline"), ("best_case", "Best Case"), ("commit", "Commit"), ("omitted", "Omitted")],
        compute="_compute_forecast_category", store=True, readonly=False)

    @api.depends("lead_status", "type", "stage_id.is_won")
    def _compute_lifecycle_stage(self):
        for lead in self:
            lead.lifecycle_stage = lead._get_lifecycle_stage()

    def _compute_score_explanation(self):
        for lead in self:
            lead.score_explanation = False

    @api.depends("score")
    def _compute_temperature(self):
        for lead in self:
            lead.temperature = lead._get_temperature(lead.score)

    @api.depends("first_response_date", "date_open", "create_date")
    def _compute_response_time_minutes(self):
        for lead in self:
            start = lead.date_open or lead.create_date
            if lead.first_response_date and start:
                lead.response_time_minutes = max((lead.first_response_date - start).total_seconds() / 60, 0.0)
            else:
                lead.response_time_minutes = 0.0

    @api.depends(lambda self: self._phone_get_sanitize_triggers())
    def _compute_secondary_phone_sanitized(self):
        for lead in self:
            numbers = lead._get_sanitized_numbers()
            lead.secondary_phone_sanitized = next(
                (number for number in numbers if number != lead.phone_sanitized), False)

    @api.depends("source_id", "create_date")
    def _compute_recent_incoming_call(self):
        source = self.env.ref("lead_management.utm_source_incoming_call", raise_if_not_found=False)
        since = fields.Datetime.now() - timedelta(hours=24)
        for lead in self:
            lead.recent_incoming_call = bool(
                source and lead.source_id == source and lead.create_date and lead.create_date >= since)

    def _search_recent_incoming_call(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        source = self.env.ref("lead_management.utm_source_incoming_call", raise_if_not_found=False)
        domain = [
            ("source_id", "=", source.id if source else False),
            ("create_date", ">=", fields.Datetime.now() - timedelta(hours=24)),
        ]
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    @api.depends("active", "probability", "stage_id.is_won", "type")
    def _compute_forecast_category(self):
        for lead in self:
            if not lead.active and not lead.probability:
                lead.forecast_category = "omitted"
            elif lead.stage_id.is_won or lead.probability >= 90:
                lead.forecast_category = "commit"
            elif lead.type == "opportunity" and lead.probability >= 50:
                lead.forecast_category = "best_case"
            else:
                lead.forecast_category = "pipeline"

    @api.depends("email_normalized", "national_id", "vat", "secondary_phone_sanitized")
    def _compute_potential_lead_duplicates(self):
        """Add to Odoo's duplicates (email domain, commercial entity,
        phone_sanitized) the leads sharing the exact email, national id,
        economic code, or any of their phone numbers."""
        super()._compute_potential_lead_duplicates()
        # sudo: like Odoo's own criteria, duplicates are counted across
        # salespeople and companies so that the counter can alert a manager.
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        for lead in self:
            domains = [
                [(fname, "=", lead[fname])]
                for fname in ("email_normalized", "national_id", "vat") if lead[fname]
            ]
            numbers = lead._get_sanitized_numbers()
            if numbers:
                domains.append(["|", ("phone_sanitized", "in", numbers), ("secondary_phone_sanitized", "in", numbers)])
            if not domains:
                continue
            lead_id = lead._origin.id
            duplicates = Lead.search(
                expression.AND([[("id", "!=", lead_id)], expression.OR(domains)]),
                limit=DUPLICATE_SEARCH_LIMIT,
            )
            if len(duplicates) >= DUPLICATE_SEARCH_LIMIT:
                continue
            new_duplicates = duplicates - lead.duplicate_lead_ids
            if new_duplicates:
                lead.duplicate_lead_ids += new_duplicates
                lead.duplicate_lead_count += len(new_duplicates)

    @api.constrains("national_id", "country_id")
    def _check_national_id(self):
        for lead in self:
            self.env["res.partner"]._check_national_id_format(
                lead.national_id, lead.country_id or lead.company_id.country_id)

    @api.onchange("source_id")
    def _onchange_source_id_medium(self):
        if self.source_id.medium_id and not self.medium_id:
            self.medium_id = self.source_id.medium_id

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._clean_identifiers(vals) for vals in vals_list]
        source_ids = {vals["source_id"] for vals in vals_list if vals.get("source_id") and not vals.get("medium_id")}
        if source_ids:
            medium_by_source = {source.id: source.medium_id.id for source in self.env["utm.source"].browse(source_ids)}
            for vals in vals_list:
                if vals.get("source_id") and not vals.get("medium_id") and medium_by_source.get(vals["source_id"]):
                    vals["medium_id"] = medium_by_source[vals["source_id"]]
        return super().create(vals_list)

    def write(self, vals):
        return super().write(self._clean_identifiers(vals))

    @api.model
    def _clean_identifiers(self, vals):
        vals = dict(vals)
        for fname in ("national_id", "vat"):
            if vals.get(fname):
                vals[fname] = clean_identifier(vals[fname])
        return vals

    def _convert_opportunity_data(self, customer, team_id=False):
        values = super()._convert_opportunity_data(customer, team_id=team_id)
        values["lead_status"] = "converted"
        return values

    def _get_lifecycle_stage(self):
        """The one place that decides the lifecycle stage of a lead.

        Pipeline facts come first (disqualifying status, won, opportunity);
        otherwise a lead never drops back below a qualification it reached."""
        self.ensure_one()
        if self.lead_status in DISQUALIFYING_STATUSES:
            return "disqualified"
        if self.stage_id.is_won:
            return "customer"
        if self.type == "opportunity":
            return "opportunity"
        ranks = {"lead": 0, "mql": 1, "sql": 2}
        current = self.lifecycle_stage if self.lifecycle_stage in ranks else "lead"
        qualified = self._get_qualification_stage()
        return max(current, qualified, key=ranks.get)

    def _get_qualification_stage(self):
        """Stage a lead deserves from its qualification: lead, mql or sql."""
        self.ensure_one()
        return "lead"

    def _get_sanitized_numbers(self):
        """The phone and mobile of this lead in E.164, unparseable ones left out."""
        self.ensure_one()
        numbers = [self._phone_format(fname=fname) for fname in ("mobile", "phone") if self[fname]]
        return list(dict.fromkeys(number for number in numbers if number))

    @api.model
    def _get_temperature(self, score):
        if score >= DEFAULT_HOT_THRESHOLD:
            return "hot"
        if score >= DEFAULT_WARM_THRESHOLD:
            return "warm"
        return "cold"
