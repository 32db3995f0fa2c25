from collections import Counter

from odoo import fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

# ratio measures: (numerator, denominator, factor), computed from the group's sums
RATIOS = {
    "target_met_rate": ("target_met_count", "target_count", 100.0),
    "opportunity_rate": ("opportunity_count", "assigned_count", 100.0),
    "win_rate": ("won_count", "closed_count", 100.0),
    "deal_size_avg": ("won_revenue", "won_count", 1.0),
}
# percentile measures: (column, fraction), computed from the group's rows
PERCENTILES = {
    "first_response_median": ("response_time", 0.5),
    "first_response_p90": ("response_time", 0.9),
    "cycle_days_median": ("cycle_days", 0.5),
}
# team benchmark: team measure -> (measure of the team's rows, whether it is divided by the team's salespeople)
TEAM_MEASURES = {
    "team_assigned_avg": ("assigned_count", True),
    "team_first_response_median": ("first_response_median", False),
    "team_first_response_p90": ("first_response_p90", False),
    "team_target_met_rate": ("target_met_rate", False),
    "team_activities_done_avg": ("activities_done_count", True),
    "team_activities_overdue_avg": ("activities_overdue_count", True),
    "team_call_avg": ("call_count", True),
    "team_email_avg": ("email_count", True),
    "team_opportunity_rate": ("opportunity_rate", False),
    "team_win_rate": ("win_rate", False),
    "team_won_revenue_avg": ("won_revenue", True),
    "team_deal_size_avg": ("deal_size_avg", False),
    "team_cycle_days_median": ("cycle_days_median", False),
    "team_pipeline_weighted_avg": ("pipeline_weighted", True),
}
# the columns of each row of the ``rep_event`` table, with their value when a kind of row has none
EVENT_COLUMNS = {
    "assigned_count": "0", "response_time": "NULL::float", "target_met_count": "0", "target_count": "0",
    "activities_done_count": "0", "activities_overdue_count": "0", "call_count": "0", "email_count": "0",
    "opportunity_count": "0", "won_count": "0", "closed_count": "0", "won_revenue": "0.0::float",
    "cycle_days": "NULL::float", "pipeline_weighted": "0.0::float",
}


class LeadRepReport(models.Model):
    """Salesperson efficiency: one row per lead (by its salesperson and assignment date) and per
    activity done, overdue activity, call and e-mail (by who did it and when). Ratios and medians
    are computed from the rows of each pivot cell; the ``team_*`` measures put the figures of the
    salesperson's team beside them."""

    _name = "lead.rep.report"
    _inherit = [
        "lead.report.mixin", "lead.report.place.mixin", "lead.report.quality.mixin", "lead.report.jalali.mixin",
    ]
    _description = "Salesperson Efficiency"
    _auto = False
    _order = "date desc, id desc"

    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True,
        help="The lead's salesperson on lead rows; who did it on activity, call and e-mail rows.")
    date = fields.Datetime(
        readonly=True,
        help="Lead rows: the assignment date (the creation date if never assigned); activities: the day done "
             "or the deadline passed; calls and e-mails: when they took place.")
    kind = fields.Selection(
        [("lead", "Lead"), ("activity_done", "Activity Done"), ("activity_overdue", "Overdue Activity"),
         ("call", "Call"), ("email", "E-mail")],
        string="Row Type", readonly=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)

    assigned_count = fields.Integer(string="Leads Assigned", readonly=True, aggregator="sum")
    response_time = fields.Float(
        string="Response Time (minutes)", digits=(16, 1), readonly=True, aggregator="avg",
        help="Minutes from assignment to the first response.")
    first_response_median = fields.Float(
        string="Median First Response (minutes)", digits=(16, 1), readonly=True, aggregator="median",
        help="Half of the leads were answered faster than this.")
    first_response_p90 = fields.Float(
        string="90th Percentile First Response (minutes)", digits=(16, 1), readonly=True, aggregator="p90",
        help="Nine leads in ten were answered faster than this.")
    target_met_count = fields.Integer(string="Response Targets Met", readonly=True, aggregator="sum")
    target_count = fields.Integer(string="Response Targets Decided", readonly=True, aggregator="sum")
    target_met_rate = fields.Float(
        string="Response Targets Met (%)", digits=(16, 1), readonly=True, aggregator="ratio",
        help="Leads answered within their target, among those whose target is met or breached.")
    activities_done_count = fields.Integer(string="Activities Done", readonly=True, aggregator="sum")
    activities_overdue_count = fields.Integer(
        string="Overdue Activities", readonly=True, aggregator="sum",
        help="Open activities on leads whose deadline has passed.")
    call_count = fields.Integer(
        string="Calls", readonly=True, aggregator="sum",
        help="Calls logged on leads: by the extension that rang, else the lead's salesperson.")
    email_count = fields.Integer(
        string="E-mails Sent", readonly=True, aggregator="sum",
        help="Messages sent to the customers from the leads' chatter.")
    opportunity_count = fields.Integer(string="Opportunities", readonly=True, aggregator="sum")
    opportunity_rate = fields.Float(
        string="Lead to Opportunity (%)", digits=(16, 1), readonly=True, aggregator="ratio",
        help="Assigned leads that became opportunities.")
    won_count = fields.Integer(string="Won", readonly=True, aggregator="sum")
    closed_count = fields.Integer(string="Won or Lost", readonly=True, aggregator="sum")
    win_rate = fields.Float(
        string="Win Rate (%)", digits=(16, 1), readonly=True, aggregator="ratio",
        help="Won deals among the won and lost ones.")
    won_revenue = fields.Float(
        readonly=True, aggregator="sum", help="Expected revenue of the won deals.")
    deal_size_avg = fields.Float(
        string="Average Deal Size", readonly=True, aggregator="ratio",
        help="Won revenue divided by the number of won deals.")
    cycle_days = fields.Float(
        string="Sales Cycle (days)", digits=(16, 2), readonly=True, aggregator="avg",
        help="Days from the creation of a won deal to its win.")
    cycle_days_median = fields.Float(
        string="Median Sales Cycle (days)", digits=(16, 2), readonly=True, aggregator="median",
        help="Half of the won deals were won faster than this.")
    pipeline_weighted = fields.Float(
        string="Weighted Pipeline", readonly=True, aggregator="sum",
        help="Expected revenue of the open leads and opportunities multiplied by their probability.")

    team_assigned_avg = fields.Float(
        string="Team: Leads Assigned per Salesperson", digits=(16, 1), readonly=True, aggregator="avg")
    team_first_response_median = fields.Float(
        string="Team: Median First Response (minutes)", digits=(16, 1), readonly=True, aggregator="avg")
    team_first_response_p90 = fields.Float(
        string="Team: 90th Percentile First Response (minutes)", digits=(16, 1), readonly=True,
        aggregator="avg")
    team_target_met_rate = fields.Float(
        string="Team: Response Targets Met (%)", digits=(16, 1), readonly=True, aggregator="avg")
    team_activities_done_avg = fields.Float(
        string="Team: Activities Done per Salesperson", digits=(16, 1), readonly=True, aggregator="avg")
    team_activities_overdue_avg = fields.Float(
        string="Team: Overdue Activities per Salesperson", digits=(16, 1), readonly=True, aggregator="avg")
    team_call_avg = fields.Float(
        string="Team: Calls per Salesperson", digits=(16, 1), readonly=True, aggregator="avg")
    team_email_avg = fields.Float(
        string="Team: E-mails Sent per Salesperson", digits=(16, 1), readonly=True, aggregator="avg")
    team_opportunity_rate = fields.Float(
        string="Team: Lead to Opportunity (%)", digits=(16, 1), readonly=True, aggregator="avg")
    team_win_rate = fields.Float(string="Team: Win Rate (%)", digits=(16, 1), readonly=True, aggregator="avg")
    team_won_revenue_avg = fields.Float(
        string="Team: Won Revenue per Salesperson", readonly=True, aggregator="avg")
    team_deal_size_avg = fields.Float(string="Team: Average Deal Size", readonly=True, aggregator="avg")
    team_cycle_days_median = fields.Float(
        string="Team: Median Sales Cycle (days)", digits=(16, 2), readonly=True, aggregator="avg")
    team_pipeline_weighted_avg = fields.Float(
        string="Team: Weighted Pipeline per Salesperson", readonly=True, aggregator="avg")

    _depends = {
        "crm.lead": [
            "name", "user_id", "team_id", "company_id", "date_open", "create_date", "first_response_date",
            "sla_status", "type", "date_conversion", "date_closed", "stage_id", "active", "probability",
            "expected_revenue", "industry_id",
        ],
        "crm.stage": ["is_won"],
        "mail.message": ["model", "res_id", "author_id", "date", "message_type", "subtype_id",
                         "mail_activity_type_id"],
        "mail.activity": ["res_model", "res_id", "user_id", "date_deadline", "active"],
        "lead.engagement": ["lead_id", "event_type", "date", "call_user_id"],
        "res.users": ["partner_id", "share"],
    }

    # ------------------------------------------------------------
    # Aggregates
    # ------------------------------------------------------------

    def _read_group_select(self, aggregate_spec, query):
        """Ratios from the group's sums and percentiles from the group's rows, never an average of the
        rows' own figures, so that every pivot cell and total is right."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            if not property_name and fname in RATIOS and func == "ratio":
                numerator, denominator, factor = RATIOS[fname]
                return SQL(
                    "SUM(%s) * %s / NULLIF(SUM(%s), 0)",
                    self._field_to_sql(self._table, numerator, query), factor,
                    self._field_to_sql(self._table, denominator, query),
                )
            if not property_name and fname in PERCENTILES and func in ("median", "p90"):
                column, fraction = PERCENTILES[fname]
                return SQL(
                    "percentile_cont(%s) WITHIN GROUP (ORDER BY %s)",
                    fraction, self._field_to_sql(self._table, column, query),
                )
        return super()._read_group_select(aggregate_spec, query)

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """The ``team_*`` measures of a group are the figures of its team (the team of most of its rows)
        over the rows of the same other groupings (period, source...), counts and amounts divided by the
        team's salespeople. Record rules apply: they are computed over the rows the user may read."""
        groupby, aggregates = tuple(groupby), tuple(aggregates)
        team_specs = {
            index: parse_read_group_spec(spec)[0] for index, spec in enumerate(aggregates)
            if spec != "__count" and parse_read_group_spec(spec)[0] in TEAM_MEASURES
        }
        if not team_specs:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        own_aggregates = [spec for index, spec in enumerate(aggregates) if index not in team_specs]
        groups = super()._read_group(domain, groupby, own_aggregates, having, offset, limit, order)
        team_figures = self._read_group_team(domain, groupby, set(team_specs.values()), groups)
        result = []
        for group in groups:
            keys, own_values = group[:len(groupby)], iter(group[len(groupby):])
            figures = team_figures.get(keys, {})
            result.append((*keys, *(
                figures.get(team_specs[index]) if index in team_specs else next(own_values)
                for index in range(len(aggregates))
            )))
        return result

    def _read_group_team(self, domain, groupby, team_fnames, groups):
        """{group keys: {team measure: value}} of the team beside each of ``groups``."""
        if not groups:
            return {}
        # the positions of the other groupings, and how each group finds its team
        others = [index for index, spec in enumerate(groupby)
                  if parse_read_group_spec(spec)[0] not in ("user_id", "team_id")]
        team_index = next((index for index, spec in enumerate(groupby) if spec == "team_id"), None)
        if team_index is not None:
            group_team = {group[:len(groupby)]: group[team_index] for group in groups}
        else:
            counts = {}
            for *keys, team, count in super()._read_group(domain, [*groupby, "team_id"], ["__count"]):
                counts.setdefault(tuple(keys), Counter())[team] = count
            group_team = {
                keys: min(counter.items(), key=lambda item: (-item[1], item[0].id or 0))[0]
                for keys, counter in counts.items()
            }
        measures = sorted({TEAM_MEASURES[fname][0] for fname in team_fnames})
        team_groupby = [groupby[index] for index in others] + ["team_id"]
        team_rows = super()._read_group(
            domain, team_groupby,
            [f"{fname}:{self._fields[fname].aggregator}" for fname in measures] + ["user_id:count_distinct"],
        )
        by_team = {}
        for row in team_rows:
            keys, values = row[:len(team_groupby)], row[len(team_groupby):]
            by_team[keys] = dict(zip(measures, values[:-1], strict=True)), values[-1]
        result = {}
        for keys, team in group_team.items():
            figures, salespeople = by_team.get((*(keys[index] for index in others), team), ({}, 0))
            result[keys] = {}
            for fname in team_fnames:
                measure, per_salesperson = TEAM_MEASURES[fname]
                value = figures.get(measure)
                if per_salesperson:
                    value = value / salespeople if salespeople and value is not None else None
                result[keys][fname] = value
        return result

    # ------------------------------------------------------------
    # Query
    # ------------------------------------------------------------

    def _event_query(self, values, source):
        """One branch of the ``rep_event`` union: ``values`` {column: SQL} over the columns of
        ``EVENT_COLUMNS`` (the others get their empty value), from ``source`` (SQL)."""
        return SQL(
            "SELECT %s, %s FROM %s",
            SQL(", ").join(SQL("%s AS %s", values[name], SQL.identifier(name))
                           for name in ("id", "lead_id", "kind", "user_id", "date")),
            SQL(", ").join(SQL("%s AS %s", values.get(name, SQL(empty)), SQL.identifier(name))
                           for name, empty in EVENT_COLUMNS.items()),
            source,
        )

    def _with(self):
        date_assigned = SQL("COALESCE(lead.date_open, lead.create_date)")
        is_won = SQL("(stage.is_won AND lead.active)")
        is_lost = SQL("(NOT lead.active AND lead.probability = 0)")
        leads = self._event_query({
            "id": SQL("lead.id * 5"),
            "lead_id": SQL("lead.id"),
            "kind": SQL("'lead'"),
            "user_id": SQL("lead.user_id"),
            "date": date_assigned,
            "assigned_count": SQL("1"),
            # GREATEST ignores NULL: no response is no response time, not 0
            "response_time": SQL(
                "CASE WHEN lead.first_response_date IS NOT NULL"
                " THEN GREATEST(EXTRACT(EPOCH FROM (lead.first_response_date - %s)) / 60.0, 0.0) END::float",
                date_assigned),
            "target_met_count": SQL("(lead.sla_status = 'met')::int"),
            "target_count": SQL("(lead.sla_status IN ('met', 'breached'))::int"),
            "opportunity_count": SQL("(lead.type = 'opportunity' OR lead.date_conversion IS NOT NULL)::int"),
            "won_count": SQL("COALESCE(%s, FALSE)::int", is_won),
            "closed_count": SQL("COALESCE(%s OR %s, FALSE)::int", is_won, is_lost),
            "won_revenue": SQL("CASE WHEN %s THEN COALESCE(lead.expected_revenue, 0.0) ELSE 0.0 END::float", is_won),
            "cycle_days": SQL(
                "CASE WHEN %s THEN EXTRACT(EPOCH FROM (lead.date_closed - lead.create_date)) / 86400.0 END::float",
                is_won),
            "pipeline_weighted": SQL(
                "CASE WHEN lead.active AND NOT COALESCE(stage.is_won, FALSE)"
                " THEN COALESCE(lead.expected_revenue, 0.0) * COALESCE(lead.probability, 0.0) / 100.0"
                " ELSE 0.0 END::float"),
        }, SQL("crm_lead lead LEFT JOIN crm_stage stage ON stage.id = lead.stage_id"))
        # activities marked done post a message of subtype "Activities" authored by who did it
        done = self._event_query({
            "id": SQL("msg.id * 5 + 1"),
            "lead_id": SQL("msg.res_id"),
            "kind": SQL("'activity_done'"),
            "user_id": SQL("author.user_id"),
            "date": SQL("msg.date"),
            "activities_done_count": SQL("1"),
        }, SQL("""mail_message msg
                  JOIN rep_author author ON author.partner_id = msg.author_id
                 WHERE msg.model = 'crm.lead'
                   AND msg.mail_activity_type_id IS NOT NULL
                   AND msg.subtype_id = %s""", self._subtype_id("mail.mt_activities")))
        overdue = self._event_query({
            "id": SQL("activity.id * 5 + 2"),
            "lead_id": SQL("activity.res_id"),
            "kind": SQL("'activity_overdue'"),
            "user_id": SQL("activity.user_id"),
            "date": SQL("activity.date_deadline::timestamp"),
            "activities_overdue_count": SQL("1"),
        }, SQL("""mail_activity activity
                 WHERE activity.res_model = 'crm.lead'
                   AND activity.active
                   AND activity.date_deadline < CURRENT_DATE"""))
        calls = self._event_query({
            "id": SQL("event.id * 5 + 3"),
            "lead_id": SQL("event.lead_id"),
            "kind": SQL("'call'"),
            "user_id": SQL("COALESCE(event.call_user_id, lead.user_id)"),
            "date": SQL("event.date"),
            "call_count": SQL("1"),
        }, SQL("""lead_engagement event
                  JOIN crm_lead lead ON lead.id = event.lead_id
                 WHERE event.event_type = 'call'"""))
        # messages (not notes) an internal user sent from the lead's chatter or by e-mail
        emails = self._event_query({
            "id": SQL("msg.id * 5 + 4"),
            "lead_id": SQL("msg.res_id"),
            "kind": SQL("'email'"),
            "user_id": SQL("author.user_id"),
            "date": SQL("msg.date"),
            "email_count": SQL("1"),
        }, SQL("""mail_message msg
                  JOIN rep_author author ON author.partner_id = msg.author_id
                 WHERE msg.model = 'crm.lead'
                   AND msg.message_type IN ('comment', 'email', 'email_outgoing')
                   AND msg.subtype_id = %s""", self._subtype_id("mail.mt_comment")))
        return [
            *super()._with(),
            SQL("""rep_author AS (
                SELECT DISTINCT ON (partner_id) partner_id, id AS user_id
                  FROM res_users
                 WHERE share IS NOT TRUE
              ORDER BY partner_id, id
            )"""),
            SQL("rep_event AS (%s)", SQL(" UNION ALL ").join([leads, done, overdue, calls, emails])),
        ]

    def _subtype_id(self, xmlid):
        """The id of a message subtype, in SQL (the view keeps working if it is recreated)."""
        module, name = xmlid.split(".")
        return SQL("(SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s)", module, name)

    def _select(self):
        return [
            SQL("event.id AS id"),
            SQL("event.lead_id AS lead_id"),
            SQL("lead.name AS name"),
            SQL("event.kind AS kind"),
            SQL("event.user_id AS user_id"),
            SQL("event.date AS date"),
            *self._select_jalali(SQL("event.date::date")),
            SQL("lead.source_id AS source_id"),
            SQL("lead.medium_id AS medium_id"),
            SQL("lead.campaign_id AS campaign_id"),
            SQL("lead.team_id AS team_id"),
            SQL("lead.company_id AS company_id"),
            SQL("lead.industry_id AS industry_id"),
            *self._select_lead_quality(),
            *self._select_lead_place(),
            *(SQL("event.%s AS %s", SQL.identifier(name), SQL.identifier(name)) for name in EVENT_COLUMNS),
            SQL("event.response_time AS first_response_median"),
            SQL("event.response_time AS first_response_p90"),
            SQL("event.cycle_days AS cycle_days_median"),
            *(SQL("(event.%s * %s / NULLIF(event.%s, 0))::float AS %s", SQL.identifier(numerator), factor,
                  SQL.identifier(denominator), SQL.identifier(fname))
              for fname, (numerator, denominator, factor) in RATIOS.items()),
            *(SQL("NULL::float AS %s", SQL.identifier(fname)) for fname in TEAM_MEASURES),
        ]

    def _from(self):
        return [SQL("rep_event event JOIN crm_lead lead ON lead.id = event.lead_id")]
