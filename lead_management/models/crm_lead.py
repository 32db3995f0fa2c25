import threading
from collections import defaultdict
from datetime import datetime, time, timedelta

from markupsafe import Markup, escape

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, parse_contact_from_email, split_every, str2bool
from odoo.tools.safe_eval import safe_eval

from ..tools import scoring, territory
from ..tools.normalize import clean_identifier, normalize_digits

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
PARTNER_CANDIDATE_LIMIT = 5
CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")
SCORE_BATCH_SIZE = 1000
#: fields whose change may move a lead to another scoring model or rule
ASSIGN_BATCH_SIZE = 1000
ADDRESS_FIELDS = {"country_id", "state_id", "city", "zip"}
#: default first-response targets in minutes per temperature (Settings override them)
DEFAULT_SLA_MINUTES = {"hot": 5, "warm": 240, "cold": 2880}
SCORING_READ_FIELDS = [
    "scoring_model_id", "score", "score_fit", "score_engagement", "lifecycle_stage", "lead_status", "type",
    "stage_id", "active", "probability", "automated_probability", "temperature", "forecast_category",
    "forecast_category_locked", "team_id", "company_id", "partner_id",
]
SCORING_BASE_FIELDS = {"team_id", "company_id", "type", "active", "probability", "automated_probability"}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "lead.phone.mixin"]

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
    score_explanation = fields.Html(compute="_compute_score_explanation", sanitize=False)
    temperature = fields.Selection(
        TEMPERATURES, compute="_compute_temperature", store=True, index=True)
    scoring_model_id = fields.Many2one(
        "lead.scoring.model", readonly=True, copy=False, index="btree_not_null")
    score_date = fields.Datetime(string="Last Scored", readonly=True, copy=False)
    engagement_ids = fields.One2many("lead.engagement", "lead_id", string="Engagement Events")
    engagement_count = fields.Integer(compute="_compute_engagement_count")
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
    territory_id = fields.Many2one(
        "lead.territory", index="btree_not_null", tracking=True, copy=False,
        help="Territory that routed this lead to its salesperson.")
    # Response time (filled in by assignment)
    sla_deadline = fields.Datetime(string="First Response Due", copy=False, index="btree_not_null")
    first_response_date = fields.Datetime(string="First Response", copy=False)
    response_time_minutes = fields.Float(
        string="Response Time (minutes)", compute="_compute_response_time_minutes", store=True,
        aggregator="avg")
    sla_status = fields.Selection(
        [("none", "No SLA"), ("pending", "Pending"), ("met", "Met"), ("breached", "Breached")],
        string="SLA Status", default="none", required=True, copy=False, index=True, tracking=True)
    sla_met_rate = fields.Float(
        string="SLA Met (%)", compute="_compute_sla_met_rate", store=True, aggregator="avg",
        help="100 when the first response met its deadline, 0 when it did not: averages give the met rate.")
    recent_incoming_call = fields.Boolean(
        string="Incoming Call (24 h)", compute="_compute_recent_incoming_call",
        search="_search_recent_incoming_call",
        help="Created from an incoming call during the last 24 hours.")
    # Forecast
    forecast_category = fields.Selection(
        [("pipeline", "Pipeline"), ("best_case", "Best Case"), ("commit", "Commit"), ("omitted", "Omitted")],
        compute="_compute_forecast_category", store=True, readonly=False,
        help="Forecast bucket, from the stage probability and the temperature; the salesperson may override it.")
    forecast_category_locked = fields.Boolean(
        copy=False, help="The salesperson chose the forecast category: it no longer follows the probability.")
    # Conversion and invoicing
    days_to_convert = fields.Float(
        compute="_compute_days_to_convert", store=True, aggregator="avg",
        help="Days from the creation of the lead to its conversion.")
    invoice_ids = fields.One2many("account.move", "lead_id", string="Invoices")
    invoice_count = fields.Integer(compute="_compute_invoice_amounts")
    amount_invoiced = fields.Monetary(
        compute="_compute_invoice_amounts", currency_field="company_currency",
        help="Posted customer invoices minus credit notes, in the company currency.")
    amount_paid = fields.Monetary(
        compute="_compute_invoice_amounts", currency_field="company_currency",
        help="Paid part of the posted customer invoices minus credit notes, in the company currency.")

    @api.depends("lead_status", "type", "stage_id.is_won", "score", "scoring_model_id.mql_threshold",
                 "scoring_model_id.sql_threshold")
    def _compute_lifecycle_stage(self):
        for lead in self:
            lead.lifecycle_stage = lead._get_lifecycle_stage()

    @api.depends_context("lang")
    @api.depends("score", "score_date")
    def _compute_score_explanation(self):
        saved = self.filtered("id")
        # sudo: explain the score as it was computed, with the same rights (see _recompute_score)
        details = saved.sudo()._get_score_values(with_details=True) if saved else {}
        for lead in self:
            lead.score_explanation = lead._render_score_explanation(details.get(lead.id))

    @api.depends("score", "scoring_model_id.warm_threshold", "scoring_model_id.hot_threshold")
    def _compute_temperature(self):
        for lead in self:
            model = lead.scoring_model_id
            lead.temperature = scoring.temperature(
                lead.score,
                model.warm_threshold if model else DEFAULT_WARM_THRESHOLD,
                model.hot_threshold if model else DEFAULT_HOT_THRESHOLD)

    @api.depends("engagement_ids")
    def _compute_engagement_count(self):
        counts = dict(self.env["lead.engagement"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"])) if self.ids else {}
        for lead in self:
            lead.engagement_count = counts.get(lead._origin, 0)

    @api.depends("first_response_date", "date_open", "create_date")
    def _compute_response_time_minutes(self):
        for lead in self:
            start = lead.date_open or lead.create_date
            if lead.first_response_date and start:
                lead.response_time_minutes = max((lead.first_response_date - start).total_seconds() / 60, 0.0)
            else:
                lead.response_time_minutes = 0.0

    @api.depends("sla_status")
    def _compute_sla_met_rate(self):
        for lead in self:
            lead.sla_met_rate = 100.0 if lead.sla_status == "met" else 0.0

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

    @api.depends("active", "probability", "stage_id.is_won", "type", "temperature")
    def _compute_forecast_category(self):
        for lead in self:
            if lead.forecast_category_locked and lead.forecast_category:
                continue
            if not lead.active and not lead.probability:
                lead.forecast_category = "omitted"
            elif lead.stage_id.is_won or lead.probability >= 90:
                lead.forecast_category = "commit"
            elif lead.type == "opportunity" and (
                    lead.probability >= 60 or (lead.probability >= 40 and lead.temperature == "hot")):
                lead.forecast_category = "best_case"
            else:
                lead.forecast_category = "pipeline"

    @api.depends("create_date", "date_conversion")
    def _compute_days_to_convert(self):
        for lead in self:
            if lead.create_date and lead.date_conversion:
                lead.days_to_convert = max((lead.date_conversion - lead.create_date).total_seconds() / 86400, 0.0)
            else:
                lead.days_to_convert = 0.0

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
        leads = super().create(vals_list)
        leads._recompute_score()
        if self._is_auto_assign_enabled():
            leads.filtered(lambda lead: not lead.user_id and lead.active)._assign_by_territory()
        return leads

    def write(self, vals):
        vals = self._clean_identifiers(vals)
        if "forecast_category" in vals:
            vals["forecast_category_locked"] = bool(vals["forecast_category"])
        won_before = set(self.filtered(lambda lead: lead.stage_id.is_won).ids) if "stage_id" in vals else None
        result = super().write(vals)
        if won_before is not None:
            self.filtered(lambda lead: lead.stage_id.is_won and lead.id not in won_before)._on_won()
        if set(vals) & self._get_scoring_trigger_fields() and not self.env.context.get("lead_management_assigning"):
            self._recompute_score()
        if vals.get("lead_status", "new") != "new":
            self._register_first_response()
        if ADDRESS_FIELDS & set(vals) and not self.env.context.get("lead_management_assigning") \
                and self._is_auto_assign_enabled():
            self.filtered(lambda lead: lead.active and (not lead.user_id or lead.territory_id)) \
                ._assign_by_territory(only_unassigned=False, keep_matching=True)
        return result

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """An email sent to the customer by the salesperson is a first response."""
        message = super().message_post(**kwargs)
        if message.message_type == "comment" and message.subtype_id == self.env.ref("mail.mt_comment"):
            self.filtered(lambda lead: lead.user_id.partner_id == message.author_id)._register_first_response()
        return message

    def message_update(self, msg_dict, update_vals=None):
        """An email from the customer on the lead is an engagement event."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        self.env["lead.engagement"].create([{
            "lead_id": lead.id,
            "event_type": "email_reply",
            "date": fields.Datetime.now(),
            "note": (msg_dict.get("subject") or "")[:200],
        } for lead in self])
        return result

    @api.model
    def _clean_identifiers(self, vals):
        vals = dict(vals)
        for fname in ("national_id", "vat"):
            if vals.get(fname):
                vals[fname] = clean_identifier(vals[fname])
        return vals

    def action_recompute_score(self):
        """Rescore these leads now (server action "Recompute score")."""
        self._recompute_score()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s leads rescored.", count=len(self)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_assign_by_territory(self):
        """Route these leads to a salesperson by territory (server action
        "Assign by territory"); assigned leads are reassigned, in the chatter."""
        assigned = self._assign_by_territory(only_unassigned=False)
        queued = len(self) - len(assigned)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not queued else "warning",
                "message": self.env._(
                    "%(assigned)s leads assigned; %(queued)s stay unassigned (no matching territory or "
                    "every salesperson is full).", assigned=len(assigned), queued=queued),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_reset_forecast_category(self):
        """Let the forecast category follow the probability again."""
        self.write({"forecast_category_locked": False})
        self.env.add_to_compute(self._fields["forecast_category"], self)
        return True

    def action_view_engagement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_engagement")
        action.update({
            "domain": [("lead_id", "=", self.id)],
            "context": {"default_lead_id": self.id},
        })
        return action

    def action_open_convert_wizard(self):
        """Open the conversion wizard on these leads (button "Convert")."""
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_convert_wizard")
        action["context"] = {"active_model": "crm.lead", "active_ids": self.ids}
        return action

    def action_create_invoice(self):
        """Draft customer invoice of this won opportunity, for its commercial
        partner, with the expected revenue (or the product chosen in
        Settings); returns its form."""
        self.ensure_one()
        if not self.stage_id.is_won:
            raise UserError(self.env._("Only a won opportunity can be invoiced: mark %(name)s as won first.",
                                       name=self.name))
        if not self.partner_id:
            raise UserError(self.env._("Customer: set the customer of %(name)s before invoicing it.", name=self.name))
        line = {"name": self.name, "quantity": 1, "price_unit": self.expected_revenue}
        product = self._get_invoice_product()
        if product:
            line.update(product_id=product.id, price_unit=self.expected_revenue or product.lst_price)
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": self.partner_id.commercial_partner_id.id,
            "lead_id": self.id,
            "invoice_user_id": self.user_id.id or self.env.uid,
            "invoice_origin": self.name,
            "company_id": self.company_id.id or self.env.company.id,
            "invoice_line_ids": [Command.create(line)],
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "views": [(self.env.ref("account.view_move_form").id, "form")],
            "context": {"default_move_type": "out_invoice"},
        }

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
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_invoice_link_wizard")
        action["context"] = {"default_lead_id": self.id}
        return action

    # ------------------------------------------------------------
    # ASSIGNMENT AND RESPONSE TIME
    # ------------------------------------------------------------

    @api.model
    def _is_auto_assign_enabled(self):
        return str2bool(self.env["ir.config_parameter"].sudo().get_param("lead_management.auto_assign", "True"))

    @api.model
    def _get_sla_minutes(self):
        params = self.env["ir.config_parameter"].sudo()
        return {
            temperature: int(params.get_param(f"lead_management.sla_{temperature}_minutes", default) or default)
            for temperature, default in DEFAULT_SLA_MINUTES.items()
        }

    @api.model
    def _get_open_lead_loads(self, users):
        """Open leads (active, not won) per salesperson: {user id: count}."""
        if not users:
            return {}
        # sudo: a salesperson's load counts leads the current user may not see
        groups = self.env["crm.lead"].sudo()._read_group(
            [("user_id", "in", users.ids), ("active", "=", True), ("probability", "<", 100)],
            ["user_id"], ["__count"])
        return {user.id: count for user, count in groups}

    def _assign_by_territory(self, only_unassigned=True, keep_matching=False, exclude_users=None,
                             auto_commit=False, batch_size=ASSIGN_BATCH_SIZE):
        """Route leads to the salespeople of the most specific matching
        territory, in batches; return the leads that got a salesperson.

        Territories are locked first with FOR UPDATE (held until the end of
        the transaction, so the loads read with them stay exact for every
        batch) and leads with SKIP LOCKED (another worker assigning them keeps
        them): several workers never assign a lead twice nor break the round
        robin.

        :param bool only_unassigned: leave leads that have a salesperson
        :param bool keep_matching: leave leads whose territory still matches
        :param dict exclude_users: {lead id: user id} salespeople not to choose
        :param bool auto_commit: commit after each batch (crons): a long run
            holds its locks for one batch only and keeps what it assigned if
            the worker stops
        """
        assigned = self.browse()
        # sudo: routing reads every territory and salesperson load
        territories = self.env["lead.territory"].sudo().search([])
        if not self or not territories:
            return assigned
        routing = {
            "territories": [(terr, terr._get_criteria(), terr.user_ids.sorted("id").ids) for terr in territories],
            "exclude_users": exclude_users or {},
        }
        lock_filter = SQL(" AND user_id IS NULL") if only_unassigned else SQL()
        locked = False
        for ids in split_every(batch_size, self.ids):
            if not locked:
                self._lock_routing(territories, routing)
                locked = True
            self.env.cr.execute(SQL(
                "SELECT id FROM crm_lead WHERE id = ANY(%s)%s ORDER BY id FOR UPDATE SKIP LOCKED",
                list(ids), lock_filter))
            leads = self.browse([row[0] for row in self.env.cr.fetchall()])
            if leads:
                assigned |= leads._assign_locked_batch(routing, keep_matching)
            if auto_commit:
                self._save_routing_positions(territories, routing)
                locked = False
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if auto_commit or len(self) > batch_size:
                # write each batch out and let the cache go: a long run keeps a
                # constant time per batch instead of carrying every lead along
                self.env.flush_all()
                self.env.invalidate_all()
        if locked:
            self._save_routing_positions(territories, routing)
        return assigned

    def _lock_routing(self, territories, routing):
        """Lock the territories and read their round-robin positions and the
        salespeople's loads into ``routing``."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT id, rr_position FROM lead_territory WHERE id = ANY(%s) ORDER BY id FOR UPDATE", territories.ids))
        routing["positions"] = dict(self.env.cr.fetchall())
        routing["loads"] = self._get_open_lead_loads(territories.user_ids)

    def _save_routing_positions(self, territories, routing):
        rows = SQL(", ").join(SQL("(%s, %s)", terr_id, position) for terr_id, position in routing["positions"].items())
        self.env.cr.execute(SQL(
            "UPDATE lead_territory SET rr_position = v.position FROM (VALUES %s) AS v(id, position)"
            " WHERE lead_territory.id = v.id", rows))
        territories.invalidate_recordset(["rr_position"])

    def _assign_locked_batch(self, routing, keep_matching):
        """Assign one batch of locked leads; ``routing`` (positions, loads)
        is updated in place for the next batch."""
        positions, loads = routing["positions"], routing["loads"]
        self.invalidate_recordset(["user_id", "territory_id", "team_id"])
        # one write per territory and one per salesperson and team: fewer writes
        # than one per (salesperson, team, territory)
        by_territory, by_user_team, by_user = defaultdict(list), defaultdict(list), defaultdict(list)
        for lead in self.sudo():
            attributes = {
                "country_id": lead.country_id.id, "state_id": lead.state_id.id, "city": lead.city,
                "zip": lead.zip, "lang_id": lead.lang_id.id, "industry_id": lead.industry_id.id,
                "specialty_ids": set(lead.specialty_ids.ids), "tag_ids": set(lead.tag_ids.ids),
                "temperature": lead.temperature,
            }
            matching = [(terr, users) for terr, crit, users in routing["territories"]
                        if territory.matches(crit, attributes)]
            if keep_matching and lead.territory_id in [terr for terr, _users in matching] \
                    and lead.user_id.id in lead.territory_id.user_ids.ids:
                continue
            for terr, users in matching:
                user_id, position = territory.choose_salesperson(
                    users, loads, terr.max_open_leads, terr.method, positions[terr.id],
                    routing["exclude_users"].get(lead.id))
                if user_id:
                    positions[terr.id] = position
                    loads[user_id] = loads.get(user_id, 0) + 1
                    if lead.user_id.id in loads and lead.active and lead.probability < 100:
                        loads[lead.user_id.id] -= 1
                    by_territory[terr.id].append(lead.id)
                    by_user_team[(user_id, (terr.team_id or lead.team_id).id)].append(lead.id)
                    by_user[user_id].append(lead.id)
                    break
        if not by_territory:
            return self.browse()
        assigned = self.browse([lead_id for lead_ids in by_territory.values() for lead_id in lead_ids])
        # one batch of followers for every salesperson instead of one per write
        assigned._subscribe_salespeople(by_user)
        # invoices and engagement events store the lead's salesperson and company: read
        # them once for the batch, not once per write below; sudo: the read Odoo's
        # dependency tracking makes, whether or not the user may read invoices
        assigned.sudo().fetch(["invoice_ids", "engagement_ids"])
        # like Odoo's own lead assignment: no "you have been assigned" email per lead
        assigning = assigned.with_context(lead_management_assigning=True, mail_auto_subscribe_no_notify=True)
        # the salesperson last: a salesperson routing their own or unassigned
        # leads may no longer write them afterwards
        for territory_id, lead_ids in by_territory.items():
            assigning.browse(lead_ids).write({"territory_id": territory_id})
        for (user_id, team_id), lead_ids in by_user_team.items():
            assigning.browse(lead_ids).write({"user_id": user_id, "team_id": team_id})
        assigned._recompute_score()   # once for the batch, not once per salesperson written
        assigned._start_sla()
        return assigned

    def _subscribe_salespeople(self, lead_ids_by_user):
        """Make salespeople follow their leads: one query for the existing
        followers and one INSERT of the new ones (``message_subscribe`` does
        both once per salesperson).

        :param dict lead_ids_by_user: {user id: [lead id]}
        """
        Followers = self.env["mail.followers"].sudo().with_context(default_partner_id=False)
        partner_by_user = {user.id: user.partner_id.id
                           for user in self.env["res.users"].sudo().browse(list(lead_ids_by_user))}
        existing = {(res_id, partner_id) for _fid, res_id, partner_id, _sids in Followers._get_subscription_data(
            [(self._name, self.ids)], list(partner_by_user.values()))}
        subtype_ids = self.env["mail.message.subtype"].default_subtypes(self._name)[0].ids
        values = [
            {"res_model": self._name, "res_id": lead_id, "partner_id": partner_by_user[user_id],
             "subtype_ids": [Command.set(subtype_ids)]}
            for user_id, lead_ids in lead_ids_by_user.items() for lead_id in lead_ids
            if (lead_id, partner_by_user[user_id]) not in existing
        ]
        if values:
            Followers.create(values)

    def _start_sla(self, only_tighten=False):
        """Set the first-response deadline from the temperature and schedule a
        "First contact" call for the salesperson (urgent for hot leads)."""
        leads = self.filtered(lambda lead: lead.user_id and not lead.first_response_date)
        if not leads:
            return
        minutes = self._get_sla_minutes()
        now = fields.Datetime.now()
        call_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        by_deadline = defaultdict(lambda: self.browse())
        for lead in leads:
            deadline = now + timedelta(minutes=minutes[lead.temperature or "cold"])
            if only_tighten and lead.sla_deadline and lead.sla_deadline <= deadline:
                continue
            by_deadline[deadline] |= lead
        if not by_deadline:
            return
        for deadline, group in by_deadline.items():
            group.sudo().write({"sla_deadline": deadline, "sla_status": "pending"})
        leads = self.browse().union(*by_deadline.values())
        # sudo: the routing user schedules the call for another salesperson;
        # quick update: the activity shows in their inbox without one email per lead
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model_id,
            "res_id": lead.id,
            "activity_type_id": call_type.id if call_type else False,
            "user_id": lead.user_id.id,
            "date_deadline": fields.Date.context_today(lead, lead.sla_deadline),
            "summary": self.env._("Urgent: first contact") if lead.temperature == "hot"
            else self.env._("First contact"),
        } for lead in leads])
        # the note is written per deadline: html is sanitized once per value, not once per activity
        activities_by_deadline = activities.grouped(lambda activity: leads.browse(activity.res_id).sla_deadline)
        for deadline, group in activities_by_deadline.items():
            group.write({"note": Markup("<p>%s</p>") % self.env._(
                "Contact this lead before %(deadline)s (response-time target).",
                deadline=fields.Datetime.context_timestamp(self, deadline).strftime("%Y-%m-%d %H:%M"))})

    def _register_first_response(self):
        """Record the first real response of the salesperson and whether it
        met the deadline."""
        leads = self.filtered(lambda lead: lead.user_id and not lead.first_response_date)
        if not leads:
            return
        now = fields.Datetime.now()
        met = leads.filtered(lambda lead: not lead.sla_deadline or now <= lead.sla_deadline)
        # sudo: the first response is recorded whoever triggers it (email, activity)
        if met:
            met.sudo().write({"first_response_date": now, "sla_status": "met" if met.sla_deadline else "none"})
        if leads - met:
            (leads - met).sudo().write({"first_response_date": now, "sla_status": "breached"})

    def _on_turned_hot(self):
        """Hook called when scoring makes leads hot: tighten their deadline."""
        self._start_sla(only_tighten=True)

    @api.model
    def _cron_assign_queue(self):
        """Every 10 minutes, when automatic assignment is on: route the leads
        still waiting in the queue (no territory matched, or every salesperson
        was full), one committed batch at a time."""
        if not self._is_auto_assign_enabled():
            return self.browse()
        queue = self.search([("user_id", "=", False), ("probability", "<", 100)], order="id")
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        assigned = queue._assign_by_territory(auto_commit=auto_commit)
        # the whole queue was examined: leads still waiting are for the next run
        self.env["ir.cron"]._notify_progress(done=len(queue), remaining=0)
        return assigned

    @api.model
    def _cron_sla_escalation(self, batch_size=ASSIGN_BATCH_SIZE):
        """Every 5 minutes: leads past their first-response deadline become
        breached, their team leader gets an activity and, when Settings ask
        for it, the lead goes to the next salesperson of its territory."""
        domain = [("sla_status", "=", "pending"), ("sla_deadline", "<", fields.Datetime.now()),
                  ("first_response_date", "=", False)]
        leads = self.search(domain, limit=batch_size)
        if not leads:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        leads.write({"sla_status": "breached"})
        leads._message_log_batch(bodies={
            lead.id: Markup("<p>%s</p>") % self.env._(
                "First response overdue: the deadline was %(deadline)s.",
                deadline=fields.Datetime.context_timestamp(lead, lead.sla_deadline).strftime("%Y-%m-%d %H:%M"))
            for lead in leads
        })
        todo_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        self.env["mail.activity"].create([{
            "res_model_id": model_id,
            "res_id": lead.id,
            "activity_type_id": todo_type.id if todo_type else False,
            "user_id": lead.team_id.user_id.id,
            "summary": self.env._("Response time breached"),
            "date_deadline": fields.Date.context_today(lead),
        } for lead in leads if lead.team_id.user_id])
        reassign = str2bool(self.env["ir.config_parameter"].sudo().get_param("lead_management.sla_reassign", "False"))
        if reassign:
            movable = leads.filtered("territory_id")
            movable._assign_by_territory(
                only_unassigned=False, exclude_users={lead.id: lead.user_id.id for lead in movable})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
        return len(leads)

    # ------------------------------------------------------------
    # SCORING
    # ------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _get_scoring_trigger_fields(self):
        """Lead fields whose change can change a score: those named by the
        domains of active scoring models and fit rules."""
        fnames = set(SCORING_BASE_FIELDS)
        # sudo: the trigger set is the same for every user
        scoring_models = self.env["lead.scoring.model"].sudo().search([])
        domains = scoring_models.mapped("domain") + scoring_models.rule_ids.filtered(
            lambda rule: rule.active and rule.kind == "fit").mapped("domain")
        for domain in domains:
            try:
                leaves = safe_eval(domain or "[]")
            except Exception:
                continue
            fnames.update(leaf[0].split(".")[0] for leaf in leaves
                          if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str))
        return frozenset(fnames)

    @api.model
    def _get_scorable_domain(self):
        """Leads the daily cron keeps scored: open ones."""
        return [("active", "=", True), ("probability", "<", 100)]

    def _recompute_score(self):
        """Score these leads with the first matching scoring model, in batches
        whose query count does not depend on their size."""
        # sudo: a score is a fact about the lead, the same for every user;
        # rules may name fields or records the current user cannot read.
        # Tracking is off: the chatter gets one note when a lead becomes SQL
        # (_on_sql_reached) instead of a tracking message per recomputed field.
        leads = self.sudo().with_context(active_test=False, tracking_disable=True).filtered("id")
        for ids in split_every(SCORE_BATCH_SIZE, leads.ids):
            batch = leads.browse(ids)
            # read just what scoring and its dependent fields use, not every lead column
            batch.fetch(SCORING_READ_FIELDS)
            batch._write_score_values(batch._get_score_values())

    def _get_score_values(self, with_details=False):
        """Compute without writing: {lead id: {model, fit, engagement, score, details}}."""
        now = fields.Datetime.now()
        values = {lead_id: {"model": False, "fit": 0, "engagement": 0, "score": 0, "details": []}
                  for lead_id in self.ids}
        remaining = self
        rule_errors = {}
        for model in self.env["lead.scoring.model"].sudo().search([]):
            if not remaining:
                break
            try:
                with self.env.cr.savepoint(flush=False):
                    matched = remaining.search(
                        expression.AND([[("id", "in", remaining.ids)], model._get_lead_domain()]))
            except Exception as error:
                rule_errors[model] = str(error)
                continue
            remaining -= matched
            for lead_id in matched.ids:
                values[lead_id]["model"] = model
            model._score_leads(matched, values, now, rule_errors, with_details)
        if not with_details:
            self.env["lead.scoring.model"].sudo()._report_rule_errors(rule_errors)
        for vals in values.values():
            vals["score"] = scoring.clamp_score(vals["fit"] + vals["engagement"])
        return values

    def _write_score_values(self, values):
        """Store scores in one UPDATE, recompute what depends on them, and
        run the SQL hook for the leads that became sales qualified."""
        changed = [
            (lead.id, values[lead.id]) for lead in self
            if (lead.scoring_model_id, lead.score_fit, lead.score_engagement, lead.score) != (
                values[lead.id]["model"] or self.env["lead.scoring.model"], values[lead.id]["fit"],
                values[lead.id]["engagement"], values[lead.id]["score"])
        ]
        now = fields.Datetime.now()
        if changed:
            before = {lead.id: lead.lifecycle_stage for lead in self}
            before_temperature = {lead.id: lead.temperature for lead in self}
            rows = SQL(", ").join(
                SQL("(%s, %s::int, %s, %s, %s)", lead_id, vals["model"].id if vals["model"] else None,
                    vals["fit"], vals["engagement"], vals["score"])
                for lead_id, vals in changed)
            self.env.cr.execute(SQL(
                """UPDATE crm_lead
                      SET scoring_model_id = v.model_id, score_fit = v.fit, score_engagement = v.engagement,
                          score = v.score, score_date = %s
                     FROM (VALUES %s) AS v(id, model_id, fit, engagement, score)
                    WHERE crm_lead.id = v.id""", now, rows))
            fnames = ["scoring_model_id", "score_fit", "score_engagement", "score", "score_date"]
            changed_leads = self.browse([lead_id for lead_id, _vals in changed])
            changed_leads.invalidate_recordset(fnames)
            changed_leads.modified(fnames)
            changed_leads.flush_recordset(["temperature", "lifecycle_stage", "forecast_category"])
            reached = changed_leads.filtered(
                lambda lead: lead.lifecycle_stage == "sql" and before[lead.id] != "sql")
            if reached:
                reached._on_sql_reached()
            turned_hot = changed_leads.filtered(
                lambda lead: lead.temperature == "hot" and before_temperature[lead.id] != "hot")
            if turned_hot:
                turned_hot._on_turned_hot()
        unchanged_ids = list(set(self.ids) - {lead_id for lead_id, _vals in changed})
        if unchanged_ids:
            self.env.cr.execute(SQL("UPDATE crm_lead SET score_date = %s WHERE id = ANY(%s)", now, unchanged_ids))
            self.browse(unchanged_ids).invalidate_recordset(["score_date"])

    def _on_sql_reached(self):
        """Hook called once when leads become sales qualified (SQL) by
        scoring: response-time and nurturing features extend it."""
        self._message_log_batch(bodies={
            lead.id: Markup("<p>%s</p>") % self.env._(
                "Sales qualified: the score %(score)s reached the SQL threshold %(threshold)s of %(model)s.",
                score=lead.score, threshold=lead.scoring_model_id.sql_threshold,
                model=lead.scoring_model_id.display_name)
            for lead in self
        })

    @api.model
    def _schedule_full_rescore(self):
        """Have the scoring cron rescore every open lead soon, in batches,
        instead of blocking the current request."""
        self.env["ir.config_parameter"].sudo().set_param(
            "lead_management.rescore_before", fields.Datetime.to_string(fields.Datetime.now()))
        self.env.ref("lead_management.ir_cron_score_decay")._trigger()

    @api.model
    def _cron_score_decay(self, batch_size=SCORE_BATCH_SIZE):
        """Daily: rescore the open leads not scored since midnight (engagement
        decays, date-based rules move) or since a forced full rescore. One
        batch per call; the cron runner calls again while some remain."""
        stale_before = datetime.combine(fields.Date.today(), time.min)
        forced = self.env["ir.config_parameter"].sudo().get_param("lead_management.rescore_before")
        if forced:
            stale_before = max(stale_before, fields.Datetime.to_datetime(forced))
        domain = expression.AND([
            self._get_scorable_domain(),
            ["|", ("score_date", "=", False), ("score_date", "<", stale_before)],
        ])
        leads = self.search(domain, order="id", limit=batch_size)
        leads._recompute_score()
        remaining = self.search_count(domain) if len(leads) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
        return len(leads), remaining

    def _render_score_explanation(self, values):
        """HTML list of the rules that fired, in the user's language."""
        if not values or not values["model"]:
            return Markup("<p class='text-muted'>%s</p>") % self.env._("No scoring model applies to this lead.")
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>") % (label, points)
            for label, points in values["details"])
        return Markup(
            "<p>%(intro)s</p><table class='table table-sm'><tbody>%(rows)s</tbody><tfoot>"
            "<tr><th>%(fit)s</th><th class='text-end'>%(fit_points)s</th></tr>"
            "<tr><th>%(engagement)s</th><th class='text-end'>%(engagement_points)s</th></tr>"
            "<tr><th>%(total)s</th><th class='text-end'>%(score)s</th></tr></tfoot></table>"
        ) % {
            "intro": self.env._("Scored by %(model)s.", model=values["model"].display_name),
            "rows": rows,
            "fit": self.env._("Fit"),
            "fit_points": values["fit"],
            "engagement": self.env._("Engagement"),
            "engagement_points": values["engagement"],
            "total": self.env._("Score (0 to 100)"),
            "score": escape(values["score"]),
        }

    def _convert_opportunity_data(self, customer, team_id=False):
        values = super()._convert_opportunity_data(customer, team_id=team_id)
        values["lead_status"] = "converted"
        return values

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        """Carry the qualification onto the customer: the organization gets
        the company facts (economic code, industry, size), the person the
        national id; both get the specialties."""
        values = super()._prepare_customer_values(partner_name, is_company=is_company, parent_id=parent_id)
        values["specialty_ids"] = [Command.set(self.specialty_ids.ids)]
        if is_company or not self.partner_name:   # the organization, or a person buying for themselves
            values.update(vat=self.vat, industry_id=self.industry_id.id, company_size=self.company_size)
        if not is_company:
            values["national_id"] = self.national_id
        return values

    def _get_partner_candidates(self):
        """Existing customers matching this lead, best first: by economic
        code, national id, normalized email, then either phone number.

        :return: list of (res.partner, reason) without repeated partners
        """
        self.ensure_one()
        Partner = self.env["res.partner"]
        numbers = self._get_sanitized_numbers()
        keys = [
            ("vat", self.vat and [("vat", "=", self.vat)], self.env._("Same economic code")),
            ("national_id", self.national_id and [("national_id", "=", self.national_id)],
             self.env._("Same national ID")),
            ("email", self.email_normalized and [("email_normalized", "=", self.email_normalized)],
             self.env._("Same email")),
            ("phone", numbers and ["|", ("phone_sanitized", "in", numbers),
                                   ("secondary_phone_sanitized", "in", numbers)], self.env._("Same phone")),
        ]
        candidates = {}
        for _key, domain, reason in keys:
            if not domain:
                continue
            # companies before their contacts when both match, then the oldest
            for partner in Partner.search(domain, order="is_company desc, id", limit=PARTNER_CANDIDATE_LIMIT):
                candidates.setdefault(partner, reason)
        return list(candidates.items())

    def _get_customer_kind(self):
        """Organization when the lead names a company, else individual."""
        self.ensure_one()
        return "organization" if self.partner_name or self.partner_id.is_company else "individual"

    def _get_contact_name(self):
        self.ensure_one()
        return self.contact_name or (parse_contact_from_email(self.email_from)[0] if self.email_from else False)

    def _matches_partner(self, partner):
        """Whether ``partner`` is this lead's person: same email or phone."""
        self.ensure_one()
        numbers = set(self._get_sanitized_numbers())
        return bool(
            (self.email_normalized and self.email_normalized == partner.email_normalized)
            or numbers & {partner.phone_sanitized, partner.secondary_phone_sanitized})

    def _get_invoice_product(self):
        product_id = self.env["ir.config_parameter"].sudo().get_param("lead_management.invoice_product_id")
        return self.env["product.product"].browse(int(product_id)).exists() if product_id else \
            self.env["product.product"]

    def _on_won(self):
        """Post-sale follow-ups for the salesperson, at the days set in
        Settings (30 and 90 by default) after the win."""
        days = self._get_followup_days()
        leads = self.filtered("user_id")
        if not days or not leads:
            return
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        today = fields.Date.context_today(self)
        self.env["mail.activity"].create([{
            "res_model_id": model_id,
            "res_id": lead.id,
            "activity_type_id": todo.id if todo else False,
            "summary": self.env._("Post-sale follow-up (%(days)s days)", days=delay),
            "date_deadline": today + timedelta(days=delay),
            "user_id": lead.user_id.id,
        } for lead in leads for delay in days])

    @api.model
    def _get_followup_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param("lead_management.followup_days", "30,90")
        return sorted({int(part) for part in normalize_digits(value or "").replace("،", ",").split(",")
                       if part.strip().isdigit()})

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
        current = self.lifecycle_stage if self.lifecycle_stage in scoring.LIFECYCLE_RANKS else "lead"
        return scoring.highest_stage(current, self._get_qualification_stage())

    def _get_qualification_stage(self):
        """Stage a lead deserves from its score: lead, mql or sql."""
        self.ensure_one()
        model = self.scoring_model_id
        if not model:
            return "lead"
        return scoring.qualification_stage(self.score, model.mql_threshold, model.sql_threshold)

