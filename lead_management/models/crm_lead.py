import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import OrderedSet

from ..tools import scoring
from ..tools.savepoint import call_in_savepoint

_logger = logging.getLogger(__name__)

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
#: statuses whose kanban column starts folded: the salesperson's work on these leads is over
FOLDED_STATUSES = ("not_interested", "junk", "converted")
TEMPERATURES = [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")]
COMPANY_SIZES = [
    ("1_10", "1-10 employees"),
    ("11_50", "11-50 employees"),
    ("51_200", "51-200 employees"),
    ("201_1000", "201-1000 employees"),
    ("1000_plus", "More than 1000 employees"),
]
DUPLICATE_SEARCH_LIMIT = 21
DEFERRED_HOOKS_KEY = "lead_management.deferred_hooks"
DEFERRED_HOOKS_MAX_ROUNDS = 10


class CrmLead(models.Model):
    """Lead status, lifecycle and qualification; the one create() and write()
    of the addon, which call the named hooks of each capability
    (crm_lead_scoring, crm_lead_routing, crm_lead_sla, crm_lead_conversion,
    crm_lead_forecast, crm_lead_history)."""

    _name = "crm.lead"
    _inherit = ["crm.lead", "lead.phone.mixin", "lead.identifier.mixin"]

    lead_status = fields.Selection(
        LEAD_STATUSES, required=True, default="new",
        tracking=True, copy=False, group_expand=True,
        help="Where the salesperson is with this lead, independently of the pipeline stage.")
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES, compute="_compute_lifecycle_stage",
        store=True, readonly=False, copy=False,
        help="Marketing lifecycle: lead, marketing qualified (MQL), sales qualified (SQL), "
             "opportunity, customer, or disqualified.")
    # Qualification: BANT and firmographics
    budget = fields.Monetary(currency_field="company_currency")
    is_decision_maker = fields.Boolean(
        string="Decision Maker", help="BANT authority: the contact decides the purchase.")
    need_level = fields.Selection(
        [("none", "None"), ("low", "Low"), ("medium", "Moderate"), ("high", "High")], string="Need")
    decision_timeframe = fields.Selection(
        [("now", "Immediately"), ("month", "Within a month"), ("quarter", "Within a quarter"),
         ("half_year", "Within six months"), ("later", "Later"), ("unknown", "Unknown")],
        string="Timeframe", default="unknown")
    industry_id = fields.Many2one("res.partner.industry")
    specialty_ids = fields.Many2many(
        "lead.specialty", "crm_lead_lead_specialty_rel", "lead_id", "specialty_id",
        string="Other Specialties")
    company_size = fields.Selection(COMPANY_SIZES)
    national_id = fields.Char(
        string="National ID", index="btree_not_null",
        help="Personal national code: 10 digits with a check digit in Iran, 11 digits in Georgia.")
    vat = fields.Char(string="Economic Code", index="btree_not_null", help="Tax identification number.")
    # our label, translated by our catalogs (see ir.module.module._load_module_terms)
    state_id = fields.Many2one(string="State/Province")
    recent_incoming_call = fields.Boolean(
        string="Incoming Call (24 h)", compute="_compute_recent_incoming_call",
        search="_search_recent_incoming_call",
        help="Called in, or created from an incoming call, during the last 24 hours.")

    @api.depends("lead_status", "type", "stage_id.is_won", "score", "scoring_model_id.mql_threshold",
                 "scoring_model_id.sql_threshold")
    def _compute_lifecycle_stage(self):
        # values read and assigned for the whole batch: this runs on every write
        # that moves a lead's stage, team or status (see tools.scoring.lifecycle_stage)
        won_stage_ids = set(self.stage_id.filtered("is_won").ids)
        by_stage, reached = defaultdict(list), []
        for lead, status, lead_type, before in zip(
                self, self.mapped("lead_status"), self.mapped("type"), self.mapped("lifecycle_stage"), strict=True):
            stage = scoring.lifecycle_stage(
                status, lead.stage_id.id in won_stage_ids, lead_type, before, lead._get_qualification_stage())
            by_stage[stage].append(lead)
            if stage == "sql" and before != "sql" and lead.id:
                reached.append(lead.id)
        for stage, leads in by_stage.items():
            self.browse().concat(*leads).lifecycle_stage = stage
        self.browse(reached)._defer_hook("_on_sql_reached")

    @api.depends("source_id", "create_date", "engagement_ids.date")
    def _compute_recent_incoming_call(self):
        source = self.env.ref("lead_management.utm_source_incoming_call", raise_if_not_found=False)
        since = fields.Datetime.now() - timedelta(hours=24)
        called = {lead for [lead] in self.env["lead.engagement"]._read_group([
            ("lead_id", "in", self._origin.ids), ("event_type", "=", "call"), ("call_direction", "=", "inbound"),
            ("date", ">=", since)], ["lead_id"])}
        for lead in self:
            lead.recent_incoming_call = lead._origin in called or bool(
                source and lead.source_id == source and lead.create_date and lead.create_date >= since)

    def _search_recent_incoming_call(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        source = self.env.ref("lead_management.utm_source_incoming_call", raise_if_not_found=False)
        since = fields.Datetime.now() - timedelta(hours=24)
        domain = expression.OR([
            [("source_id", "=", source.id if source else False), ("create_date", ">=", since)],
            [("engagement_ids", "any", [("event_type", "=", "call"), ("call_direction", "=", "inbound"),
                                        ("date", ">=", since)])],
        ])
        return domain if (operator == "=") == value else ["!", *expression.normalize_domain(domain)]

    @api.depends_context("uid")
    @api.depends("email_normalized", "national_id", "vat", "secondary_phone_sanitized")
    def _compute_potential_lead_duplicates(self):
        """Add to Odoo's duplicates (email domain, commercial entity,
        phone_sanitized) the leads sharing the exact email, national id,
        economic code, or any of their phone numbers -- among the leads the
        user may read: whether a national id is known elsewhere is not for
        everyone to probe."""
        super()._compute_potential_lead_duplicates()
        # Odoo searches as superuser: keep the duplicates the user may read, in one query
        readable = set(self.duplicate_lead_ids._origin.with_context(active_test=False)._filtered_access("read").ids)
        for lead in self:
            others = lead.duplicate_lead_ids._origin.filtered(lambda dup: dup.id in readable) - lead._origin
            lead.duplicate_lead_ids = others + lead
            lead.duplicate_lead_count = len(others)
        Lead = self.env["crm.lead"].with_context(active_test=False)
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
            duplicates = Lead.search(
                expression.AND([[("id", "!=", lead._origin.id)], expression.OR(domains)]),
                limit=DUPLICATE_SEARCH_LIMIT,
            )
            if len(duplicates) >= DUPLICATE_SEARCH_LIMIT:
                continue
            # Odoo's duplicates (and the lead itself) are new records on an unsaved lead: compare real ids
            new_duplicates = duplicates - lead.duplicate_lead_ids._origin
            if new_duplicates:
                lead.duplicate_lead_ids |= new_duplicates
                lead.duplicate_lead_count += len(new_duplicates)

    @api.constrains("national_id", "country_id")
    def _check_national_id(self):
        for lead in self.filtered("national_id"):
            lead._check_national_id_format(lead.national_id, lead.country_id or lead.company_id.country_id)

    @api.onchange("source_id")
    def _onchange_source_id_medium(self):
        if self.source_id.medium_id and not self.medium_id:
            self.medium_id = self.source_id.medium_id

    @api.model_create_multi
    def create(self, vals_list):
        self._check_sla_correction(vals_list, new=True)
        vals_list = self._prepare_source_medium([self._prepare_identifier_values(vals) for vals in vals_list])
        leads = super().create(vals_list)
        leads._routing_on_create()
        leads._history_on_create()
        return leads

    def write(self, vals):
        self._check_sla_correction([vals])
        vals = self._prepare_forecast_values(self._prepare_identifier_values(vals))
        won = self._get_leads_won_by(vals)
        result = super().write(vals)
        self._history_on_write(vals)
        self._scoring_on_write(vals)
        self._routing_on_write(vals)
        self._sla_on_write(vals)
        won._defer_hook("_on_won")
        return result

    @api.model
    def _read_group_fill_results(self, domain, groupby, annoted_aggregates, read_group_result,
                                 read_group_order=None):
        """Every status has its kanban column (group_expand), folded when it
        has no lead or when the work on its leads is over: the columns to
        work on fit the screen."""
        result = super()._read_group_fill_results(
            domain, groupby, annoted_aggregates, read_group_result, read_group_order=read_group_order)
        if groupby == "lead_status":
            for group in result:
                count = group.get("lead_status_count", group.get("__count"))
                group["__fold"] = group["lead_status"] in FOLDED_STATUSES or not count
        return result

    @api.model
    def _get_open_lead_domain(self):
        """Leads still in play: active and neither won nor lost."""
        return [("active", "=", True), ("probability", "<", 100)]

    @api.model
    def _check_domain_access(self, domain):
        """Raise a ValidationError naming the first field of ``domain`` (a
        domain on leads, its related paths and ``any`` / ``not any``
        sub-domains included) that the current user may not read: a field of
        groups they lack, or of a model they have no read access to. For
        domains that run with more rights than their author's (scoring,
        cadence audiences and conditions). Unknown fields are left to the
        search that runs the domain."""
        def check(model, domain):
            for leaf in domain:
                if not (isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str)):
                    continue
                path, operator, value = leaf
                current = model
                for fname in path.split("."):
                    field = current._fields.get(fname)
                    if field is None:
                        break
                    if not (current.has_access("read") and field.is_accessible(self.env)):
                        raise ValidationError(self.env._(
                            "You may not filter on the field %(field)s (%(path)s): you cannot read it. "
                            "Expected a filter on fields you can read.",
                            field=field._description_string(self.env), path=path))
                    if not field.relational:
                        break
                    current = self.env[field.comodel_name]
                else:
                    if operator in ("any", "not any") and isinstance(value, (list, tuple)):
                        check(current, value)

        check(self, domain)

    @api.model
    def _prepare_source_medium(self, vals_list):
        """New leads of a source without a medium get the source's default medium."""
        source_ids = {vals["source_id"] for vals in vals_list if vals.get("source_id") and not vals.get("medium_id")}
        if not source_ids:
            return vals_list
        medium_by_source = {source.id: source.medium_id.id for source in self.env["utm.source"].browse(source_ids)}
        return [
            dict(vals, medium_id=medium_by_source[vals["source_id"]])
            if vals.get("source_id") and not vals.get("medium_id") and medium_by_source.get(vals["source_id"])
            else vals
            for vals in vals_list
        ]

    def _prepare_activity_values(self, activity_type, user, summary, date_deadline):
        """Values of an activity on this lead (one lead).

        :param activity_type: a mail.activity.type record (may be empty)
        """
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "res_id": self.id,
            "activity_type_id": activity_type.id if activity_type else False,
            "user_id": user.id,
            "summary": summary,
            "date_deadline": date_deadline,
        }

    def _mail_track(self, tracked_fields, initial_values):
        """Changes the system makes (crons, public forms, webhooks) are logged
        in the language of the lead's salesperson, else of its company: the
        labels of a tracked selection ("No SLA → Pending") are stored as
        written, not translated when read."""
        lang = self._get_tracking_lang()
        if lang == self.env.lang:
            return super()._mail_track(tracked_fields, initial_values)
        lead = self.with_context(lang=lang)
        tracked_fields = lead.fields_get(list(tracked_fields), attributes=("string", "type", "selection",
                                                                            "currency_field"))
        return super(CrmLead, lead)._mail_track(tracked_fields, initial_values)

    def _get_tracking_lang(self):
        self.ensure_one()
        user = self.env.user
        if not (user._is_superuser() or user._is_public()):
            return self.env.lang
        company = self.company_id or self.env.company
        return self.user_id.lang or company.partner_id.lang or self.env.lang

    @api.model
    def _get_deferred_hooks(self):
        """Methods create() and write() may defer to the end of the
        transaction (see _defer_hook), in the order they run."""
        return ["_route_new_leads", "_route_moved_leads", "_on_turned_hot", "_on_sql_reached", "_on_won",
                "_close_first_contact", "_move_first_contact", "_sync_engagement_partners"]

    def _defer_hook(self, hook):
        """Have the method ``hook`` (one of _get_deferred_hooks()) called once on
        every lead deferred with it, just before the transaction commits.

        This is how create() and write() stay cheap: Odoo's own flows (team
        assignment, mass conversion, merge) write leads one at a time, and
        the work those writes start (routing, SLA, notes, follow-ups, records
        of other models that follow the lead) is then done once for all of
        them instead of once per lead."""
        if not self:
            return
        precommit = self.env.cr.precommit
        deferred = precommit.data.get(DEFERRED_HOOKS_KEY)
        if deferred is None:
            deferred = precommit.data[DEFERRED_HOOKS_KEY] = defaultdict(OrderedSet)
            precommit.add(self.browse()._run_deferred_hooks)
        deferred[hook].update(self.ids)

    def _run_deferred_hooks(self):
        """Run the deferred hooks (see _defer_hook) until none is left. A hook
        that fails is logged and leaves its leads as they are: the record that
        started it is kept (a lead without salesperson waits in the queue)."""
        for _round in range(DEFERRED_HOOKS_MAX_ROUNDS):
            # pending computations (scores, lifecycle) may defer hooks of their own
            self.env.flush_all()
            deferred = self.env.cr.precommit.data.pop(DEFERRED_HOOKS_KEY, None)
            if not deferred:
                return
            for hook in self._get_deferred_hooks():
                leads = self.browse(deferred.get(hook, ())).exists()
                if not leads:
                    continue
                # serialization failures and lock timeouts (OperationalError): Odoo retries the transaction
                call_in_savepoint(self.env.cr, getattr(leads, hook), lambda _error, hook=hook, leads=leads:
                                  _logger.exception("lead_management: %s failed on leads %s", hook, leads.ids))
        _logger.warning("lead_management: deferred hooks still pending after %s rounds", DEFERRED_HOOKS_MAX_ROUNDS)
