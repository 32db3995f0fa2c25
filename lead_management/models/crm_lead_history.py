from odoo import fields, models
from odoo.tools import SQL, OrderedSet

#: the lead field of each dimension
HISTORY_FIELDS = {
    "stage": "stage_id",
    "lead_status": "lead_status",
    "lifecycle_stage": "lifecycle_stage",
    "temperature": "temperature",
    "user": "user_id",
    "team": "team_id",
}
#: the column of lead.history holding the value of each dimension (else `value`, a selection key)
HISTORY_VALUE_COLUMNS = {"stage": "stage_id", "user": "user_id", "team": "team_id"}
#: lead fields whose write may change a dimension (the team follows the
#: salesperson, the stage the team and the type)
HISTORY_TRIGGER_FIELDS = frozenset({*HISTORY_FIELDS.values(), "type"})
#: cursor cache (the precommit data is cleared by the savepoints the deferred hooks run in):
#: {lead id: id of the last user who wrote the lead in the transaction}
HISTORY_USERS_KEY = "lead_management.history_users"
#: precommit data: ids of the leads to compare with their open periods before the commit
HISTORY_PENDING_KEY = "lead_management.history_pending"


class CrmLead(models.Model):
    """Stage history: the periods of lead.history, opened and closed for
    the leads crm.lead's create() and write() touched, in one SQL statement
    for the whole transaction (nobody writes lead.history through the ORM).

    The periods follow the lead's stored values, compared just before the
    commit with the open periods: Odoo's flows write leads one at a time
    (assignment, mass conversion, merge), the temperature and lifecycle
    stage are stored computed fields the ORM changes when it flushes
    (a score, an engagement event, a won stage), and a write rolled back
    with its savepoint leaves no period. A value that changes and changes
    back within one transaction leaves no period either."""

    _inherit = "crm.lead"

    def _compute_lifecycle_stage(self):
        super()._compute_lifecycle_stage()
        self._history_defer_sync()

    def _compute_temperature(self):
        super()._compute_temperature()
        self._history_defer_sync()

    def _history_on_create(self):
        """Open the first period of each dimension of these new leads, from
        their creation, before the commit (see _history_sync)."""
        self._history_defer_sync(written=True)

    def _history_on_write(self, vals):
        """The written fields may change a dimension: compare before the
        commit (see _history_sync). No query here."""
        self._history_defer_sync(written=True, sync=bool(HISTORY_TRIGGER_FIELDS & set(vals)))

    def _history_defer_sync(self, written=False, sync=True):
        """Have _history_sync check these leads before the commit. Its
        periods are changed by the last user who wrote the lead (the ORM may
        flush a computation later, as someone else), else by the user who
        computed them.

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
            precommit = self.env.cr.precommit
            pending = precommit.data.get(HISTORY_PENDING_KEY)
            if pending is None:
                pending = precommit.data[HISTORY_PENDING_KEY] = OrderedSet()
                precommit.add(self.browse()._history_sync_pending)
            pending.update(leads.ids)

    def _history_written_by(self):
        """{lead id: user id} of the leads written in the transaction (see
        HISTORY_USERS_KEY)."""
        return self._history_cache(HISTORY_USERS_KEY, dict)

    def _history_cache(self, key, factory):
        """The value of ``key`` in the cursor's cache, forgotten at the end
        of the transaction."""
        cr = self.env.cr
        cache = cr.cache
        value = cache.get(key)
        if value is None:
            value = cache[key] = factory()
            for callbacks in (cr.postcommit, cr.postrollback):
                callbacks.add(lambda: cache.pop(key, None))
        return value

    def _history_sync_pending(self):
        """Precommit: compare the leads of the transaction with their open
        periods (see _history_sync); one statement, after the deferred hooks
        that ran before it (those that change leads later call it again)."""
        lead_ids = self.env.cr.precommit.data.pop(HISTORY_PENDING_KEY, None)
        if lead_ids:
            self.browse(lead_ids)._history_sync()

    def _history_sync(self):
        """Once the transaction's computations are flushed,
        for each dimension of these leads whose open period holds another
        value than the lead (or that has none), close that period now and
        open one with the lead's value (from the lead's creation when it had
        none) -- one statement for all leads and dimensions."""
        self.env.flush_all()
        self.env["lead.history"].flush_model()
        written_by = self._history_written_by()
        users = {lead_id: written_by.pop(lead_id) for lead_id in self.ids if lead_id in written_by}

        def lead_column(dimensions):
            return SQL("CASE d.dimension %s END", SQL(" ").join(
                SQL("WHEN %s THEN l.%s", dimension, SQL.identifier(HISTORY_FIELDS[dimension]))
                for dimension in dimensions))

        selections = [dimension for dimension in HISTORY_FIELDS if dimension not in HISTORY_VALUE_COLUMNS]
        relations = {column: [dim for dim, col in HISTORY_VALUE_COLUMNS.items() if col == column]
                     for column in ("stage_id", "user_id", "team_id")}
        now = fields.Datetime.now()
        self.env.execute_query(SQL(
            """
            WITH current AS (
                SELECT l.id AS lead_id, d.dimension,
                       %(stage)s AS stage_id, %(user)s AS user_id, %(team)s AS team_id,
                       (%(value)s)::varchar AS value,
                       l.company_id, l.create_date, h.id AS open_id,
                       h.stage_id AS open_stage_id, h.user_id AS open_user_id, h.team_id AS open_team_id,
                       h.value AS open_value, COALESCE(u.user_id, %(uid)s) AS changed_by
                  FROM crm_lead l
                 CROSS JOIN unnest(%(dimensions)s::varchar[]) AS d(dimension)
                  LEFT JOIN unnest(%(user_leads)s::int[], %(user_ids)s::int[]) AS u(lead_id, user_id)
                    ON u.lead_id = l.id
                  LEFT JOIN lead_history h
                    ON h.lead_id = l.id AND h.dimension = d.dimension AND h.date_to IS NULL
                 WHERE l.id = ANY(%(ids)s)
            ), changed AS (
                SELECT * FROM current
                 WHERE open_id IS NULL
                    OR (stage_id, user_id, team_id, value)
                       IS DISTINCT FROM (open_stage_id, open_user_id, open_team_id, open_value)
            ), closed AS (
                UPDATE lead_history h SET date_to = %(now)s, write_uid = %(uid)s, write_date = %(now)s
                  FROM changed c
                 WHERE h.id = c.open_id
            )
            INSERT INTO lead_history (lead_id, dimension, stage_id, user_id, team_id, value, company_id, date_from,
                                      changed_by, create_uid, create_date, write_uid, write_date)
            SELECT lead_id, dimension, stage_id, user_id, team_id, value, company_id,
                   CASE WHEN open_id IS NULL THEN create_date ELSE %(now)s END,
                   changed_by, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM changed
            """,
            stage=lead_column(relations["stage_id"]),
            user=lead_column(relations["user_id"]),
            team=lead_column(relations["team_id"]),
            value=lead_column(selections),
            dimensions=list(HISTORY_FIELDS), ids=self.ids, now=now, uid=self.env.uid,
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
