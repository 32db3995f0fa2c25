from odoo import api, fields, models
from odoo.tools import SQL

#: dimensions create() and write() set from the lead's own fields: {dimension: lead field}
HISTORY_WRITE_FIELDS = {
    "stage": "stage_id",
    "lead_status": "lead_status",
    "user": "user_id",
    "team": "team_id",
}
#: dimensions of stored computed fields, which change when the ORM flushes
#: (scoring, engagement, stage won): {dimension: lead field}
HISTORY_COMPUTED_FIELDS = {
    "temperature": "temperature",
    "lifecycle_stage": "lifecycle_stage",
}
#: lead fields whose write may change a dimension of HISTORY_WRITE_FIELDS
#: (the team follows the salesperson, the stage the team and the type)
HISTORY_TRIGGER_FIELDS = frozenset({*HISTORY_WRITE_FIELDS.values(), "type"})
#: the column of lead.history holding the value of each dimension
HISTORY_VALUE_COLUMNS = {"stage": "stage_id", "user": "user_id", "team": "team_id"}
#: cursor cache (the precommit data is cleared by the savepoints the deferred hooks run in):
#: {lead id: id of the last user who wrote the lead in the transaction}
HISTORY_USERS_KEY = "lead_management.history_users"


class CrmLead(models.Model):
    """Stage history: the periods of lead.history, opened and closed by
    crm.lead's create() and write() once per batch, in SQL (nobody writes
    lead.history through the ORM)."""

    _inherit = "crm.lead"

    def _compute_lifecycle_stage(self):
        super()._compute_lifecycle_stage()
        self._history_defer_sync()

    def _compute_temperature(self):
        super()._compute_temperature()
        self._history_defer_sync()

    @api.model
    def _get_deferred_hooks(self):
        return [*super()._get_deferred_hooks(), "_history_sync_computed"]

    def _history_on_create(self):
        """Open the first period of each dimension of these new leads at
        their creation: the lead's own fields now (one INSERT), the computed
        temperature and lifecycle stage once the ORM has flushed them."""
        rows = [
            (lead, dimension, lead[fname])
            for lead in self for dimension, fname in HISTORY_WRITE_FIELDS.items()
        ]
        self._history_open(rows, date_from=None)
        self._history_defer_sync(written=True)

    def _history_snapshot(self, vals):
        """Values of the dimensions ``vals`` may change, read before the
        write in one pass: {lead id: {dimension: value}}; empty when the
        write cannot change any."""
        if not (HISTORY_TRIGGER_FIELDS & set(vals)):
            return {}
        return {
            lead.id: {dimension: lead[fname] for dimension, fname in HISTORY_WRITE_FIELDS.items()}
            for lead in self
        }

    def _history_on_write(self, vals, snapshot):
        """Close the periods whose value the write changed, and open the new
        ones (one statement for the batch). ``snapshot``: the values before
        the write, see _history_snapshot."""
        self._history_defer_sync(written=True, sync=bool(set(vals) & set(HISTORY_COMPUTED_FIELDS.values())))
        if not snapshot:
            return
        rows = [
            (lead, dimension, lead[fname])
            for lead in self for dimension, fname in HISTORY_WRITE_FIELDS.items()
            if lead[fname] != snapshot[lead.id][dimension]
        ]
        self._history_open(rows, date_from=fields.Datetime.now())

    def _history_open(self, rows, date_from):
        """Close the open periods of the given leads and dimensions at
        ``date_from`` and open new ones from it, in one statement.

        :param rows: [(lead, dimension, value)], value a record or a selection key
        :param date_from: a datetime, or None for each lead's creation date
        """
        if not rows:
            return
        columns = {name: [] for name in ("lead_id", "dimension", "stage_id", "user_id", "team_id", "value",
                                         "company_id", "date_from")}
        for lead, dimension, value in rows:
            columns["lead_id"].append(lead.id)
            columns["dimension"].append(dimension)
            value_column = HISTORY_VALUE_COLUMNS.get(dimension, "value")
            for name in ("stage_id", "user_id", "team_id"):
                columns[name].append(value.id or None if name == value_column else None)
            columns["value"].append(value or None if value_column == "value" else None)
            columns["company_id"].append(lead.company_id.id or None)
            columns["date_from"].append(date_from or lead.create_date)
        History = self.env["lead.history"]
        History.flush_model()
        self.env.execute_query(SQL(
            """
            WITH new_period AS (
                SELECT * FROM unnest(%(lead)s::int[], %(dimension)s::varchar[], %(stage)s::int[], %(user)s::int[],
                                     %(team)s::int[], %(value)s::varchar[], %(company)s::int[], %(date)s::timestamp[])
                    AS p(lead_id, dimension, stage_id, user_id, team_id, value, company_id, date_from)
            ), closed AS (
                UPDATE lead_history h SET date_to = p.date_from, write_uid = %(uid)s, write_date = %(now)s
                  FROM new_period p
                 WHERE h.lead_id = p.lead_id AND h.dimension = p.dimension AND h.date_to IS NULL
            )
            INSERT INTO lead_history (lead_id, dimension, stage_id, user_id, team_id, value, company_id, date_from,
                                      changed_by, create_uid, create_date, write_uid, write_date)
            SELECT lead_id, dimension, stage_id, user_id, team_id, value, company_id, date_from,
                   %(uid)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM new_period
            """,
            lead=columns["lead_id"], dimension=columns["dimension"], stage=columns["stage_id"],
            user=columns["user_id"], team=columns["team_id"], value=columns["value"],
            company=columns["company_id"], date=columns["date_from"], uid=self.env.uid, now=self.env.cr.now(),
        ))
        History.invalidate_model()

    def _history_defer_sync(self, written=False, sync=True):
        """Have _history_sync_computed check these leads before the commit.
        Its periods are changed by the last user who wrote the lead (the ORM
        may flush the computation later, as someone else), else by the user
        who computed them.

        :param written: these leads are being created or written by the current user
        :param sync: defer the check (else only remember who wrote the leads)
        """
        leads = self.filtered("id")
        if not leads:
            return
        users = self._history_written_by()
        if written:
            users.update(dict.fromkeys(leads.ids, self.env.uid))
        else:
            for lead_id in leads.ids:
                users.setdefault(lead_id, self.env.uid)
        if sync:
            leads._defer_hook("_history_sync_computed")

    def _history_written_by(self):
        """{lead id: user id} of the leads written in the transaction (see
        HISTORY_USERS_KEY), forgotten at its end."""
        cr = self.env.cr
        cache = cr.cache
        users = cache.get(HISTORY_USERS_KEY)
        if users is None:
            users = cache[HISTORY_USERS_KEY] = {}
            for callbacks in (cr.postcommit, cr.postrollback):
                callbacks.add(lambda: cache.pop(HISTORY_USERS_KEY, None))
        return users

    def _history_sync_computed(self):
        """Deferred hook: the temperature and lifecycle stage are stored
        computed fields, which the ORM changes when it flushes (a score, an
        engagement event, a won stage), not only through write(). Once the
        transaction's computations are flushed, close the open period of
        those whose value differs from the lead's and open one with the
        lead's value (from its creation when it has none), in one statement."""
        self.env.flush_all()
        self.env["lead.history"].flush_model()
        dimensions = list(HISTORY_COMPUTED_FIELDS)
        lead_value = SQL("CASE d.dimension %s END", SQL(" ").join(
            SQL("WHEN %s THEN l.%s::varchar", dimension, SQL.identifier(fname))
            for dimension, fname in HISTORY_COMPUTED_FIELDS.items()))
        now = fields.Datetime.now()
        written_by = self._history_written_by()
        users = {lead_id: written_by.pop(lead_id) for lead_id in self.ids if lead_id in written_by}
        self.env.execute_query(SQL(
            """
            WITH current AS (
                SELECT l.id AS lead_id, d.dimension, %(lead_value)s AS value, l.company_id, l.create_date,
                       h.id AS open_id, h.value AS open_value, COALESCE(u.user_id, %(uid)s) AS changed_by
                  FROM crm_lead l
                 CROSS JOIN unnest(%(dimensions)s::varchar[]) AS d(dimension)
                  LEFT JOIN unnest(%(user_leads)s::int[], %(user_ids)s::int[]) AS u(lead_id, user_id)
                    ON u.lead_id = l.id
                  LEFT JOIN lead_history h
                    ON h.lead_id = l.id AND h.dimension = d.dimension AND h.date_to IS NULL
                 WHERE l.id = ANY(%(ids)s)
            ), changed AS (
                SELECT * FROM current WHERE open_id IS NULL OR open_value IS DISTINCT FROM value
            ), closed AS (
                UPDATE lead_history h SET date_to = %(now)s, write_uid = %(uid)s, write_date = %(now)s
                  FROM changed c
                 WHERE h.id = c.open_id
            )
            INSERT INTO lead_history (lead_id, dimension, value, company_id, date_from,
                                      changed_by, create_uid, create_date, write_uid, write_date)
            SELECT lead_id, dimension, value, company_id,
                   CASE WHEN open_id IS NULL THEN create_date ELSE %(now)s END,
                   changed_by, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM changed
            """,
            lead_value=lead_value, dimensions=dimensions, ids=self.ids, now=now, uid=self.env.uid,
            user_leads=list(users), user_ids=list(users.values()),
        ))
        self.env["lead.history"].invalidate_model()

    def _merge_dependences(self, opportunities):
        """The merged leads' history moves to the kept lead, their open
        periods closed: the kept lead's periods are the current ones."""
        result = super()._merge_dependences(opportunities)
        self.env["lead.history"].flush_model()
        now = fields.Datetime.now()
        self.env.execute_query(SQL(
            """
            UPDATE lead_history
               SET lead_id = %(lead)s, company_id = %(company)s, date_to = COALESCE(date_to, %(now)s),
                   write_uid = %(uid)s, write_date = %(now)s
             WHERE lead_id = ANY(%(merged)s)
            """,
            lead=self.id, company=self.company_id.id or None, now=now, uid=self.env.uid, merged=opportunities.ids,
        ))
        self.env["lead.history"].invalidate_model()
        return result
