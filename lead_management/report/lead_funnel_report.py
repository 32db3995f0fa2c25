import hashlib

from odoo import fields, models
from odoo.addons.web_jalali.models.jalali_render import format_datetime
from odoo.models import parse_read_group_spec
from odoo.osv import expression
from odoo.tools import SQL, drop_view_if_exists

from ..models.crm_lead import LEAD_STATUSES, LIFECYCLE_STAGES, TEMPERATURES
from ..tools.notification import notification_action, soft_reload_action

#: values that end a lead's way through the funnel rather than being a step of it: entering
#: one of them is a drop at the last step, never a move on
EXIT_VALUES = {
    "lifecycle_stage": ("disqualified",),
    "lead_status": ("not_interested", "junk"),
}
#: the steps of the selection funnels, in funnel order (the order of the selections)
FUNNEL_STEPS = {
    dimension: [key for key, __ in selection if key not in EXIT_VALUES[dimension]]
    for dimension, selection in (("lifecycle_stage", LIFECYCLE_STAGES), ("lead_status", LEAD_STATUSES))
}
FUNNEL_DIMENSIONS = [
    ("lifecycle_stage", "Lifecycle Stage"),
    ("stage", "Pipeline Stage"),
    ("lead_status", "Lead Status"),
]
#: fields whose groups are values of the funnel: a cumulative rate is taken over the funnel
#: without them
VALUE_FIELDS = ("value", "stage_id", "position")
PERCENTILES = {"days_in_median": 0.5, "days_in_p90": 0.9}
#: the materialized view of each lead's steps, refreshed every hour (see ``_refresh_steps``)
STEP_TABLE = "lead_funnel_step"
#: when the steps were last computed (UTC), kept out of the rows so that a refresh rewrites only
#: the rows that changed
REFRESH_PARAM = "lead_management.funnel_refreshed_at"


class LeadFunnelReport(models.Model):
    """One row per lead, funnel (lifecycle stage, pipeline stage or lead status), mode and value
    the lead entered, built from ``lead.history``: whether it moved on, dropped out or is still
    there, and the days it spent there. Rates and percentiles are computed from each group
    (see ``_read_group``), never averaged over rows."""

    _name = "lead.funnel.report"
    _inherit = ["lead.report.mixin", "lead.report.place.mixin", "lead.report.jalali.mixin"]
    _description = "Funnel Analysis"
    _auto = False
    _order = "date_entered desc, id desc"

    dimension = fields.Selection(FUNNEL_DIMENSIONS, string="Funnel", readonly=True)
    mode = fields.Selection(
        [("strict", "Strict Order"), ("any", "Any Order")], readonly=True,
        help="Strict order: a lead counts in a value only if it entered every earlier value first, "
             "in funnel order. Any order: a lead counts in every value it entered.")
    value = fields.Selection(
        [(key, label) for key, label in LIFECYCLE_STAGES if key in FUNNEL_STEPS["lifecycle_stage"]]
        + [(key, label) for key, label in LEAD_STATUSES if key in FUNNEL_STEPS["lead_status"]],
        readonly=True, help="The lifecycle stage or lead status of the step (empty for pipeline stages).")
    stage_id = fields.Many2one("crm.stage", readonly=True)
    position = fields.Integer(string="Step", readonly=True, aggregator=False,
                              help="The rank of the value in its funnel, from 1.")
    cohort_month = fields.Date(readonly=True, help="The month the lead was created.")
    date_entered = fields.Datetime(string="Entry Date", readonly=True,
                                   help="When the lead first entered this value.")
    date_refreshed = fields.Datetime(
        string="Refreshed On", readonly=True,
        help="When the funnel's steps were last computed from the leads' history (every hour). "
             "The lead's salesperson, team, origin and place are always the current ones.")
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    temperature = fields.Selection(TEMPERATURES, readonly=True)
    entered_count = fields.Integer(string="Entered", readonly=True, aggregator="sum")
    moved_on_count = fields.Integer(
        string="Moved On", readonly=True, aggregator="sum",
        help="Leads that left this value for a later one of the funnel.")
    dropped_count = fields.Integer(
        string="Dropped Here", readonly=True, aggregator="sum",
        help="Leads that ended (lost, junk or not interested) while this value was their last step.")
    current_count = fields.Integer(
        string="Still Here", readonly=True, aggregator="sum",
        help="Open leads whose last step is this value.")
    next_count = fields.Integer(
        string="Reached Next", readonly=True, aggregator="sum",
        help="Leads that entered the next value of the funnel after this one.")
    start_count = fields.Integer(
        string="Entered the Funnel", readonly=True, aggregator="sum",
        help="Leads whose way through the funnel starts at this value: the first value in strict "
             "order, the first value the lead entered in any order.")
    next_rate = fields.Float(
        string="Conversion to Next (%)", digits=(16, 1), readonly=True, aggregator="avg",
        help="Reached the next value ÷ entered this one, over the group.")
    cumulative_rate = fields.Float(
        string="Cumulative Conversion (%)", digits=(16, 1), readonly=True, aggregator="avg",
        help="Entered this value ÷ entered the funnel, over the group. Over several values: "
             "the last of them ÷ entered the funnel.")
    days_in_median = fields.Float(
        string="Median Days In", digits=(16, 2), readonly=True, aggregator="median",
        help="Median of the days leads spent in this value (all their periods in it), once they "
             "left it; leads still there are left out.")
    days_in_p90 = fields.Float(
        string="90th Percentile Days In", digits=(16, 2), readonly=True, aggregator="p90",
        help="90 % of the leads that left this value spent at most this many days in it; leads "
             "still there are left out.")

    _depends = {
        "lead.history": ["lead_id", "dimension", "stage_id", "value", "date_from", "date_to"],
        "crm.lead": [
            "name", "create_date", "active", "probability", "lead_status", "company_id", "industry_id",
            "temperature",
        ],
        "crm.stage": ["sequence", "team_id"],
    }

    def _read_group_select(self, aggregate_spec, query):
        """Rates as the ratio of the group's sums, percentiles with ``percentile_cont``, whatever
        the aggregator asked; the cumulative rate is filled in by ``_read_group``."""
        if aggregate_spec != "__count":
            fname, property_name, __ = parse_read_group_spec(aggregate_spec)
            if not property_name and fname in PERCENTILES:
                return SQL(
                    "percentile_cont(%s) WITHIN GROUP (ORDER BY %s)",
                    PERCENTILES[fname], self._field_to_sql(self._table, fname, query),
                )
            if not property_name and fname == "next_rate":
                return SQL(
                    "SUM(%s) * 100.0 / NULLIF(SUM(%s), 0)",
                    self._field_to_sql(self._table, "next_count", query),
                    self._field_to_sql(self._table, "entered_count", query),
                )
            if not property_name and fname == "cumulative_rate":
                return SQL("NULL::float")
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_orderby(self, order, groupby_terms, query):
        """Values in funnel order (the order of the selections), not alphabetically."""
        if "value" in groupby_terms:
            keys = [key for key, __ in self._fields["value"].selection]
            groupby_terms = dict(groupby_terms, value=SQL(
                "array_position(%s::varchar[], %s)", keys, groupby_terms["value"]))
        return super()._read_group_orderby(order, groupby_terms, query)

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Fill in the cumulative rate of each group: the entries into the group's last value ÷
        the leads that entered the funnel among the same leads (the group and the domain without
        their conditions on the value). Empty when the group mixes funnels or modes."""
        columns = [index for index, spec in enumerate(aggregates)
                   if spec != "__count" and parse_read_group_spec(spec)[0] == "cumulative_rate"]
        if not columns:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        # the funnel and mode of each group: fixed by the domain, grouped by, or probed
        fixed = self._domain_fixed_funnel(domain)
        probes = [f"{fname}:{func}" for fname in ("dimension", "mode") if fname not in fixed
                  and fname not in groupby for func in ("min", "max")]
        probes += ["position:min", "position:max", "entered_count:sum"]
        rest = [spec for spec in groupby if parse_read_group_spec(spec)[0] not in VALUE_FIELDS]
        # the funnel's entries come with the groups themselves when these are all the domain's
        # rows and only the funnel's values split them (the pivot's usual query)
        starts_in_rows = (
            not having and not offset and limit is None
            and self._domain_without_values(domain) == expression.normalize_domain(domain)
            and all(fname in fixed or fname in groupby for fname in ("dimension", "mode")))
        if starts_in_rows:
            probes.append("start_count:sum")
        rows = super()._read_group(domain, groupby, [*aggregates, *probes], having, offset, limit, order)
        if not rows:
            return rows
        size = len(groupby) + len(aggregates)

        def funnel_of(row):
            """The row's (funnel, mode), or None when its group mixes them."""
            probed = dict(zip(probes, row[size:], strict=True))
            keys = dict(zip(groupby, row[:len(groupby)], strict=True))
            result = []
            for fname in ("dimension", "mode"):
                if fname in fixed:
                    result.append(fixed[fname])
                elif fname in keys:
                    result.append(keys[fname])
                elif probed[f"{fname}:min"] == probed[f"{fname}:max"]:
                    result.append(probed[f"{fname}:min"])
                else:
                    return None
            return tuple(result)

        # the funnel, mode and entries of the last value of each group of one funnel and mode
        funnels = {}
        for row in rows:
            probed = dict(zip(probes, row[size:], strict=True))
            if funnel := funnel_of(row):
                first, last = probed["position:min"], probed["position:max"]
                funnels[row[:len(groupby)]] = [*funnel, probed["entered_count:sum"] if first == last else None]
        if any(entered is None for __, __, entered in funnels.values()):
            # groups over several values: the entries of each value
            extra = [spec for spec in ("dimension", "mode", "position") if spec not in groupby]
            last_entries = {}
            for *keys, entered in super()._read_group(domain, [*groupby, *extra], ["entered_count:sum"]):
                position = dict(zip([*groupby, *extra], keys, strict=True))["position"]
                key = tuple(keys[:len(groupby)])
                if position >= last_entries.get(key, (0, 0))[0]:
                    last_entries[key] = (position, entered)
            for key, funnel in funnels.items():
                if funnel[2] is None:
                    funnel[2] = last_entries[key][1]
        # leads that entered the funnel, without the conditions on the value
        rest_indexes = [index for index, spec in enumerate(groupby) if spec in rest]
        starts = {}
        if starts_in_rows:
            for row in rows:
                key = (tuple(row[index] for index in rest_indexes), *funnel_of(row))
                starts[key] = starts.get(key, 0) + dict(zip(probes, row[size:], strict=True))["start_count:sum"]
        else:
            rest_extra = [spec for spec in ("dimension", "mode") if spec not in rest]
            for *keys, started in super()._read_group(
                    self._domain_without_values(domain), [*rest, *rest_extra], ["start_count:sum"]):
                values = dict(zip([*rest, *rest_extra], keys, strict=True))
                starts[tuple(keys[:len(rest)]), values["dimension"], values["mode"]] = started
        result = []
        for row in rows:
            row = list(row[:size])
            rate = False
            if funnel := funnels.get(tuple(row[:len(groupby)])):
                dimension, mode, entered = funnel
                started = starts.get((tuple(row[index] for index in rest_indexes), dimension, mode))
                if started:
                    rate = entered * 100.0 / started
            for column in columns:
                row[len(groupby) + column] = rate
            result.append(tuple(row))
        return result

    def _domain_fixed_funnel(self, domain):
        """{field: value} of the funnel and mode the domain requires with a top-level ``=``."""
        normalized = expression.normalize_domain(domain)
        if any(term in (expression.OR_OPERATOR, expression.NOT_OPERATOR) for term in normalized):
            return {}
        return {
            term[0]: term[2] for term in normalized
            if expression.is_leaf(term) and not expression.is_operator(term)
            and term[0] in ("dimension", "mode") and term[1] == "=" and isinstance(term[2], str)
        }

    def _domain_without_values(self, domain):
        """``domain`` with its conditions on the funnel's values made true."""
        return [
            expression.TRUE_LEAF
            if expression.is_leaf(term) and not expression.is_operator(term)
            and term[0].split(".")[0] in VALUE_FIELDS else term
            for term in expression.normalize_domain(domain)
        ]

    def _refresh_steps(self):
        """Recompute the stored steps of every lead (``lead_funnel_step``) from ``lead.history``
        and the leads, without blocking the report's readers. Called by the hourly cron, the
        managers' *Refresh* action; ``lead.history``'s back-fill is to call it once it is done."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT relispopulated FROM pg_class WHERE relname = %s AND relkind = 'm'", STEP_TABLE))
        populated = self.env.cr.fetchone()[0]
        # CONCURRENTLY needs a populated view: it diffs the new rows against the old ones
        self.env.cr.execute(SQL("REFRESH MATERIALIZED VIEW %s %s",
                                SQL("CONCURRENTLY") if populated else SQL(), SQL.identifier(STEP_TABLE)))
        self._set_refresh_date()
        self.env.invalidate_all()

    def _set_refresh_date(self):
        # sudo: a system parameter, written for the cron and the sales managers' refresh alike
        self.env["ir.config_parameter"].sudo().set_param(REFRESH_PARAM, fields.Datetime.to_string(self.env.cr.now()))

    def _action_refresh_steps(self):
        """The managers' *Refresh* (a server action restricted to sales managers): refresh the
        steps and say as of when, reloading the report."""
        self._refresh_steps()
        # sudo: the system parameter the refresh has just written
        refreshed = fields.Datetime.to_datetime(self.env["ir.config_parameter"].sudo().get_param(REFRESH_PARAM))
        return notification_action(
            self.env._("Funnel figures refreshed from the leads' history as of %(date)s.",
                       date=format_datetime(self.env, refreshed) if refreshed else "-"),
            next_action=soft_reload_action())

    def _step_with(self):
        """Common table expressions of the per-lead steps: [SQL]."""
        funnel_values = [
            SQL(
                """SELECT %s::varchar AS dimension, 0 AS team_id, step.key::varchar AS key,
                          step.position::int AS position
                   FROM unnest(%s::varchar[]) WITH ORDINALITY AS step(key, position)""",
                dimension, keys,
            )
            for dimension, keys in FUNNEL_STEPS.items()
        ]
        # the pipeline of each team (0: no team): the stages of all teams and its own
        funnel_values.append(SQL(
            """SELECT 'stage'::varchar, team.id, stage.id::varchar,
                      (ROW_NUMBER() OVER (PARTITION BY team.id ORDER BY stage.sequence, stage.id))::int
               FROM (SELECT id FROM crm_team UNION ALL SELECT 0) team
               JOIN crm_stage stage ON stage.team_id IS NULL OR stage.team_id = team.id"""))
        return [
            # the steps of each funnel, ranked from 1
            SQL("funnel_value AS (%s)", SQL(" UNION ALL ").join(funnel_values)),
            # each period of a lead in a step; exit values are left out, so that the step after
            # a period is the next step the lead entered
            SQL("""funnel_period AS (
                SELECT history.id, history.lead_id, history.dimension, fv.position, fv.key,
                       history.date_from, history.date_to
                FROM lead_history history
                JOIN funnel_value fv ON fv.dimension = history.dimension AND fv.team_id = 0
                    AND fv.key = history.value
                WHERE history.dimension != 'stage'
                UNION ALL
                SELECT history.id, history.lead_id, history.dimension, fv.position, fv.key,
                       history.date_from, history.date_to
                FROM lead_history history
                JOIN crm_lead history_lead ON history_lead.id = history.lead_id
                JOIN funnel_value fv ON fv.dimension = 'stage' AND fv.team_id = COALESCE(history_lead.team_id, 0)
                    AND fv.key = history.stage_id::varchar
                WHERE history.dimension = 'stage'
            )"""),
            # the step after each period (the one before it, from the latest: one sort), and how
            # recent the period is
            SQL("""funnel_period_next AS (
                SELECT funnel_period.*,
                       LAG(position) OVER latest_first AS next_position,
                       ROW_NUMBER() OVER latest_first AS recency
                FROM funnel_period
                WINDOW latest_first AS (PARTITION BY lead_id, dimension ORDER BY date_from DESC, id DESC)
            )"""),
            # each step a lead entered: first and last entry, whether it is the lead's last step,
            # the step it went to when it last left, days in it once every period is closed
            SQL("""lead_value AS (
                SELECT lead_id, dimension, position, key,
                       MIN(date_from) AS date_entered,
                       MAX(date_from) AS date_last_entered,
                       BOOL_OR(recency = 1) AS is_last,
                       (MIN(ARRAY[recency, next_position]))[2] AS next_position,
                       CASE WHEN BOOL_AND(date_to IS NOT NULL)
                            THEN SUM(EXTRACT(EPOCH FROM (date_to - date_from))) / 86400.0 END AS days_in
                FROM funnel_period_next
                GROUP BY lead_id, dimension, position, key
            )"""),
            # strict order: every earlier step entered, each one first entered no later than the
            # next; and the step entered after this one (window functions, no self-join)
            SQL("""lead_value_order AS (
                SELECT lead_value.*,
                       position = ROW_NUMBER() OVER by_position
                       AND date_entered >= COALESCE(MAX(date_entered) OVER (
                           PARTITION BY lead_id, dimension ORDER BY position
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), date_entered) AS in_order,
                       ROW_NUMBER() OVER (
                           PARTITION BY lead_id, dimension ORDER BY date_entered, position) = 1 AS is_first,
                       LEAD(position) OVER by_position AS following_position,
                       LEAD(date_last_entered) OVER by_position AS following_last_entered
                FROM lead_value
                WINDOW by_position AS (PARTITION BY lead_id, dimension ORDER BY position)
            )"""),
            SQL("""lead_step AS (
                SELECT lead_value_order.*,
                       BOOL_AND(in_order) OVER (
                           PARTITION BY lead_id, dimension ORDER BY position ROWS UNBOUNDED PRECEDING) AS is_strict,
                       LEAD(in_order) OVER (PARTITION BY lead_id, dimension ORDER BY position) AS following_in_order
                FROM lead_value_order
            )"""),
        ]


    def _step_query(self):
        """One row per lead, funnel, mode and step entered, with its flags as of now."""
        ended = SQL("((NOT lead.active AND COALESCE(lead.probability, 0) = 0) "
                    "OR lead.lead_status IN ('junk', 'not_interested'))")
        # the next step entered after this one; in strict order, in order (this step is)
        reached_next = SQL(
            """COALESCE(step.following_position = step.position + 1 AND CASE WHEN mode.mode = 'strict'
                    THEN step.following_in_order
                    ELSE step.following_last_entered >= step.date_entered END, FALSE)""")
        return SQL(
            """WITH %s
            SELECT (step.lead_id::bigint * 10000
                    + CASE step.dimension WHEN 'lifecycle_stage' THEN 0 WHEN 'stage' THEN 1 ELSE 2 END * 2000
                    + CASE mode.mode WHEN 'strict' THEN 0 ELSE 1000 END + step.position) AS id,
                   step.lead_id, step.dimension::varchar AS dimension, mode.mode::varchar AS mode,
                   (CASE WHEN step.dimension = 'stage' THEN NULL ELSE step.key END)::varchar AS value,
                   CASE WHEN step.dimension = 'stage' THEN step.key::int END AS stage_id,
                   step.position,
                   date_trunc('month', lead.create_date)::date AS cohort_month,
                   step.date_entered,
                   (NOT step.is_last AND step.next_position > step.position)::int AS moved_on_count,
                   (step.is_last AND %s)::int AS dropped_count,
                   (step.is_last AND NOT %s)::int AS current_count,
                   (%s)::int AS next_count,
                   (CASE WHEN mode.mode = 'strict' THEN step.position = 1 ELSE step.is_first END)::int
                       AS start_count,
                   step.days_in::float AS days_in
            FROM lead_step step
            CROSS JOIN (VALUES ('strict'), ('any')) AS mode(mode)
            JOIN crm_lead lead ON lead.id = step.lead_id
            WHERE mode.mode = 'any' OR step.is_strict""",
            SQL(", ").join(self._step_with()), ended, ended, reached_next,
        )

    def _create_step_table(self):
        """(Re)create ``lead_funnel_step`` when its query changed (it is kept, with its rows,
        across updates that leave it as it is): the unique index lets it be refreshed
        concurrently, the others serve the pivots and the lead's rows."""
        cr = self.env.cr
        query = self._step_query()
        signature = hashlib.sha1(repr((query.code, query.params)).encode()).hexdigest()
        cr.execute(SQL("SELECT obj_description(oid, 'pg_class') FROM pg_class WHERE relname = %s AND relkind = 'm'",
                       STEP_TABLE))
        row = cr.fetchone()
        if row and row[0] == signature:
            return
        table = SQL.identifier(STEP_TABLE)
        drop_view_if_exists(cr, self._table)
        cr.execute(SQL("DROP MATERIALIZED VIEW IF EXISTS %s", table))
        cr.execute(SQL("CREATE MATERIALIZED VIEW %s AS %s", table, query))
        cr.execute(SQL("CREATE UNIQUE INDEX %s ON %s (id)", SQL.identifier(f"{STEP_TABLE}_id_uniq"), table))
        cr.execute(SQL("CREATE INDEX %s ON %s (lead_id)", SQL.identifier(f"{STEP_TABLE}_lead_id_idx"), table))
        cr.execute(SQL("CREATE INDEX %s ON %s (dimension, mode, position)",
                       SQL.identifier(f"{STEP_TABLE}_funnel_idx"), table))
        cr.execute(SQL("COMMENT ON MATERIALIZED VIEW %s IS %s", table, signature))
        self._set_refresh_date()

    def init(self):
        self._create_step_table()
        super().init()

    def _select(self):
        return [
            SQL("step.id AS id"),
            SQL("step.lead_id AS lead_id"),
            SQL("lead.name AS name"),
            SQL("step.dimension AS dimension"),
            SQL("step.mode AS mode"),
            SQL("step.value AS value"),
            SQL("step.stage_id AS stage_id"),
            SQL("step.position AS position"),
            SQL("step.cohort_month AS cohort_month"),
            # the cohort: the lead's creation
            *self._select_jalali(SQL("lead.create_date::date")),
            SQL("step.date_entered AS date_entered"),
            SQL("(SELECT value::timestamp FROM ir_config_parameter WHERE key = %s) AS date_refreshed", REFRESH_PARAM),
            *self._select_lead(),
            SQL("lead.company_id AS company_id"),
            *self._select_lead_place(),
            SQL("lead.industry_id AS industry_id"),
            SQL("lead.temperature AS temperature"),
            SQL("1 AS entered_count"),
            SQL("step.moved_on_count AS moved_on_count"),
            SQL("step.dropped_count AS dropped_count"),
            SQL("step.current_count AS current_count"),
            SQL("step.next_count AS next_count"),
            SQL("step.start_count AS start_count"),
            SQL("step.next_count * 100.0 AS next_rate"),
            SQL("NULL::float AS cumulative_rate"),
            SQL("step.days_in AS days_in_median"),
            SQL("step.days_in AS days_in_p90"),
        ]

    def _from(self):
        return [
            SQL("%s step", SQL.identifier(STEP_TABLE)),
            # the lead's current salesperson, team, company, origin and place: record rules act on them
            SQL("JOIN crm_lead lead ON lead.id = step.lead_id"),
        ]
