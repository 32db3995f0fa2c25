import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: the crm.lead field Odoo's chatter tracks for each history dimension the back-fill rebuilds
TRACKED_FIELDS = {"stage": "stage_id", "user": "user_id", "team": "team_id", "lead_status": "lead_status"}
BACKFILL_BATCH_SIZE = 10_000
HISTORY_DIMENSIONS = [
    ("stage", "Pipeline Stage"),
    ("lead_status", "Lead Status"),
    ("lifecycle_stage", "Lifecycle Stage"),
    ("temperature", "Temperature"),
    ("user", "Salesperson"),
    ("team", "Sales Team"),
]


class LeadHistory(models.Model):
    """One period a lead spent in one value of a dimension: the source of the
    funnel and time-in-stage figures. Written by crm.lead's create() and
    write() once per batch (see crm_lead_history.py)."""

    _name = "lead.history"
    _description = "Lead History Period"
    _order = "lead_id, dimension, date_from, id"
    _rec_name = "dimension"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    dimension = fields.Selection(HISTORY_DIMENSIONS, required=True)
    stage_id = fields.Many2one("crm.stage", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Salesperson", ondelete="set null")
    team_id = fields.Many2one("crm.team", string="Sales Team", ondelete="set null")
    value = fields.Char(help="The selection key of lead status, lifecycle stage and temperature periods.")
    date_from = fields.Datetime(string="From", required=True)
    date_to = fields.Datetime(string="To", help="Empty while the lead is still in this value.")
    changed_by = fields.Many2one("res.users", ondelete="set null")
    company_id = fields.Many2one("res.company", ondelete="cascade")

    # ------------------------------------------------------------
    # Time in each value
    # ------------------------------------------------------------

    @api.model
    def _get_value_column(self, dimension):
        return {"stage": "stage_id", "user": "user_id", "team": "team_id"}.get(dimension, "value")

    @api.model
    def _time_in_values(self, leads, dimension="stage"):
        """HubSpot's *date entered*, *date exited* and *cumulative time in*
        each value of ``dimension`` the ``leads`` have been in, from the
        periods the current user may read, in one query:
        ``{lead_id: [{"value", "date_entered", "date_exited" (False while
        current), "current_since" (False when not current), "seconds"}]}``,
        in the order the values were first entered. ``value`` is a record
        for stage, user and team, a selection key otherwise."""
        result = {lead_id: [] for lead_id in leads.ids}
        if not leads.ids or not self.has_access("read"):
            return result
        column = self._get_value_column(dimension)
        self.flush_model()
        query = self._search([("lead_id", "in", leads.ids), ("dimension", "=", dimension)])
        now = fields.Datetime.now()
        rows = self.env.execute_query(SQL("""
            SELECT lead_id, %(column)s, MIN(date_from),
                   CASE WHEN bool_or(date_to IS NULL) THEN NULL ELSE MAX(date_to) END,
                   MAX(date_from) FILTER (WHERE date_to IS NULL),
                   SUM(EXTRACT(EPOCH FROM COALESCE(date_to, %(now)s) - date_from))
              FROM lead_history
             WHERE id IN %(ids)s
             GROUP BY lead_id, %(column)s
             ORDER BY lead_id, MIN(date_from), %(column)s""",
            column=SQL.identifier(column), now=now, ids=query.subselect()))
        comodel = self._fields[column].comodel_name if column != "value" else None
        for lead_id, value, entered, exited, current_since, seconds in rows:
            result[lead_id].append({
                "value": self.env[comodel].browse(value) if comodel else value,
                "date_entered": entered,
                "date_exited": exited or False,
                "current_since": current_since or False,
                "seconds": max(float(seconds or 0), 0.0),
            })
        return result

    # ------------------------------------------------------------
    # Back-fill from Odoo's tracking
    # ------------------------------------------------------------

    @api.model
    def _backfill(self, batch_size=BACKFILL_BATCH_SIZE, limit=None):
        """Rebuild the periods of every lead that has no history row from the
        tracking rows of Odoo's chatter (stage, salesperson, team, lead
        status; the first period from the lead's creation), and one period
        from the creation with the current value for the dimensions Odoo
        does not track (lifecycle stage, temperature). In SQL, by batches of
        ``batch_size`` leads; at most ``limit`` leads when given (a cron's
        share). Leads that have history are left alone: running it again
        adds nothing. Returns the number of leads back-filled."""
        for model in ("crm.lead", "mail.message", "mail.tracking.value", "lead.history"):
            self.env[model].flush_model()
        cr = self.env.cr
        cr.execute(SQL("""
            SELECT count(*) FROM crm_lead l
             WHERE NOT EXISTS (SELECT FROM lead_history h WHERE h.lead_id = l.id)"""))
        missing = cr.fetchone()[0]
        target = missing if limit is None else min(missing, limit)
        params = self._backfill_params()
        # the planner overestimates the periods of a batch and compiles the
        # query (JIT) for seconds per batch, a third of the time
        cr.execute("SELECT current_setting('jit')")
        jit = cr.fetchone()[0]
        cr.execute("SET LOCAL jit = off")
        done, last_id = 0, 0
        while done < target:
            cr.execute(SQL("""
                SELECT l.id FROM crm_lead l
                 WHERE l.id > %s AND NOT EXISTS (SELECT FROM lead_history h WHERE h.lead_id = l.id)
                 ORDER BY l.id LIMIT %s""", last_id, min(batch_size, target - done)))
            ids = [row[0] for row in cr.fetchall()]
            if not ids:
                break
            cr.execute(self._backfill_query(ids, **params))
            done += len(ids)
            last_id = ids[-1]
            self.env["ir.cron"]._notify_progress(done=done, remaining=missing - done)
            _logger.info("lead.history back-fill: %s of %s leads", done, missing)
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        if done:
            self.invalidate_model()
        return done

    @api.model
    def _backfill_params(self):
        """The tracked fields' ids and, for selections, every label the
        chatter may have stored (the selection in every language it was
        translated to, and the keys themselves) mapped back to its key."""
        IrModelFields = self.env["ir.model.fields"]
        field_ids = [IrModelFields._get("crm.lead", fname).id for fname in TRACKED_FIELDS.values()]
        selections = [fname for fname in TRACKED_FIELDS.values()
                      if self.env["crm.lead"]._fields[fname].type == "selection"]
        self.env.cr.execute(SQL("""
            SELECT f.name, s.value, label.key, label.value
              FROM ir_model_fields_selection s
              JOIN ir_model_fields f ON f.id = s.field_id
             CROSS JOIN LATERAL jsonb_each_text(s.name) AS label
             WHERE f.model = 'crm.lead' AND f.name IN %s""", tuple(selections)))
        labels = {}
        # English last: a label that reads as another key's label in some language keeps its English meaning
        for fname, key, _lang, label in sorted(self.env.cr.fetchall(), key=lambda row: row[2] == "en_US"):
            labels[fname, label.strip().lower()] = key
            labels.setdefault((fname, key), key)
        for fname in selections:
            for key, label in self.env["crm.lead"]._fields[fname]._description_selection(self.env):
                labels.setdefault((fname, key), key)
                labels.setdefault((fname, label.strip().lower()), key)
        return {
            "field_ids": field_ids,
            "labels": [(fname, label, key) for (fname, label), key in labels.items()],
        }

    @api.model
    def _backfill_query(self, ids, field_ids, labels):
        """The INSERT of the periods of the leads ``ids``. A lead whose
        current value differs from its last tracked one (changed with
        tracking off) gets a last period with the current value from its last
        write, so that the open period always holds the lead's value; a
        label no language maps back gives a period without value."""
        dimensions = list(TRACKED_FIELDS)
        return SQL("""
            WITH lead AS (
                SELECT l.id, COALESCE(l.create_date, l.write_date, now() AT TIME ZONE 'UTC') AS create_date,
                       l.create_uid, l.write_date, l.write_uid, l.company_id,
                       l.stage_id, l.user_id, l.team_id, l.lead_status, l.lifecycle_stage, l.temperature
                  FROM crm_lead l
                 WHERE l.id = ANY(%(ids)s)
            ),
            dim (dimension, fname, field_id) AS (
                SELECT * FROM unnest(%(dimensions)s::varchar[], %(fnames)s::varchar[], %(field_ids)s::int[])
            ),
            label (fname, label, key) AS (
                SELECT * FROM unnest(%(label_fnames)s::varchar[], %(label_texts)s::varchar[], %(label_keys)s::varchar[])
            ),
            tracked AS (
                SELECT m.res_id AS lead_id, dim.dimension, COALESCE(m.date, v.create_date) AS date, v.id AS seq,
                       m.create_uid AS uid,
                       NULLIF(v.old_value_integer, 0) AS old_id, NULLIF(v.new_value_integer, 0) AS new_id,
                       old_label.key AS old_key, new_label.key AS new_key
                  FROM mail_message m
                  JOIN mail_tracking_value v ON v.mail_message_id = m.id
                  JOIN dim ON dim.field_id = v.field_id
                  LEFT JOIN label old_label ON old_label.fname = dim.fname
                                           AND old_label.label = lower(trim(v.old_value_char))
                  LEFT JOIN label new_label ON new_label.fname = dim.fname
                                           AND new_label.label = lower(trim(v.new_value_char))
                 WHERE m.model = 'crm.lead' AND m.res_id = ANY(%(ids)s)
            ),
            current AS (
                SELECT lead.id AS lead_id, cur.dimension, cur.cur_id, cur.cur_key
                  FROM lead
                 CROSS JOIN LATERAL (VALUES ('stage', lead.stage_id, NULL::varchar),
                                            ('user', lead.user_id, NULL),
                                            ('team', lead.team_id, NULL),
                                            ('lead_status', NULL, lead.lead_status::varchar))
                       AS cur (dimension, cur_id, cur_key)
            ),
            last AS (
                SELECT DISTINCT ON (lead_id, dimension) lead_id, dimension, date, new_id, new_key
                  FROM tracked
                 ORDER BY lead_id, dimension, date DESC, seq DESC
            ),
            step AS (
                SELECT lead_id, dimension, date, seq, uid, old_id, new_id, old_key, new_key FROM tracked
                 UNION ALL
                SELECT c.lead_id, c.dimension, GREATEST(lead.write_date, last.date), NULL, lead.write_uid,
                       last.new_id, c.cur_id, last.new_key, c.cur_key
                  FROM current c
                  JOIN last ON last.lead_id = c.lead_id AND last.dimension = c.dimension
                  JOIN lead ON lead.id = c.lead_id
                 WHERE (last.new_id, last.new_key) IS DISTINCT FROM (c.cur_id, c.cur_key)
            ),
            ordered AS (
                SELECT step.*, row_number() OVER w AS rn, lead(step.date) OVER w AS next_date
                  FROM step
                WINDOW w AS (PARTITION BY lead_id, dimension ORDER BY date, seq NULLS LAST)
            ),
            period AS (
                SELECT c.lead_id, c.dimension,
                       CASE WHEN o.lead_id IS NULL THEN c.cur_id ELSE o.old_id END AS value_id,
                       CASE WHEN o.lead_id IS NULL THEN c.cur_key ELSE o.old_key END AS value_key,
                       LEAST(lead.create_date, o.date) AS date_from, o.date AS date_to, lead.create_uid AS changed_by
                  FROM current c
                  JOIN lead ON lead.id = c.lead_id
                  LEFT JOIN ordered o ON o.lead_id = c.lead_id AND o.dimension = c.dimension AND o.rn = 1
                 UNION ALL
                SELECT lead_id, dimension, new_id, new_key, date, next_date, uid FROM ordered
                 UNION ALL
                SELECT id, 'lifecycle_stage', NULL, lifecycle_stage, create_date, NULL, create_uid FROM lead
                 UNION ALL
                SELECT id, 'temperature', NULL, temperature, create_date, NULL, create_uid FROM lead
            )
            INSERT INTO lead_history (lead_id, dimension, stage_id, user_id, team_id, value, date_from, date_to,
                                      changed_by, company_id, create_uid, create_date, write_uid, write_date)
            SELECT p.lead_id, p.dimension, stage.id, salesperson.id, team.id,
                   CASE WHEN p.dimension NOT IN ('stage', 'user', 'team') THEN p.value_key END,
                   p.date_from, p.date_to, author.id, lead.company_id,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM period p
              JOIN lead ON lead.id = p.lead_id
              LEFT JOIN crm_stage stage ON p.dimension = 'stage' AND stage.id = p.value_id
              LEFT JOIN res_users salesperson ON p.dimension = 'user' AND salesperson.id = p.value_id
              LEFT JOIN crm_team team ON p.dimension = 'team' AND team.id = p.value_id
              LEFT JOIN res_users author ON author.id = p.changed_by
             ORDER BY p.lead_id, p.dimension, p.date_from""",
            ids=ids, dimensions=dimensions, fnames=[TRACKED_FIELDS[d] for d in dimensions], field_ids=field_ids,
            label_fnames=[row[0] for row in labels], label_texts=[row[1] for row in labels],
            label_keys=[row[2] for row in labels], uid=self.env.uid)
