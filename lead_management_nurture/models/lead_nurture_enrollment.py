import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import send_window

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
DEFAULT_MAX_TOUCHES = 2
DEFAULT_TOUCH_PERIOD_DAYS = 7
EXIT_REASONS = [
    ("sql", "Reached SQL"),
    ("replied", "Replied"),
    ("not_interested", "Not Interested"),
    ("junk", "Junk"),
    ("disqualified", "Disqualified"),
    ("converted", "Converted"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("unsubscribed", "Unsubscribed or Blacklisted"),
    ("bounced", "Bounced"),
    ("removed", "Removed by a User"),
]


class LeadNurtureEnrollment(models.Model):
    _name = "lead.nurture.enrollment"
    _description = "Nurture Enrolment"
    _order = "enroll_date desc, id desc"
    _rec_name = "cadence_id"

    # which lead and whose: for those who may read leads; marketing users follow the cadence's progress
    lead_id = fields.Many2one(
        "crm.lead", required=True, ondelete="cascade", index=True, groups="sales_team.group_sale_salesman")
    cadence_id = fields.Many2one("lead.nurture.cadence", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="lead_id.company_id")
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson", groups="sales_team.group_sale_salesman")
    state = fields.Selection(
        [("active", "In Progress"), ("done", "Completed"), ("exited", "Exited")],
        required=True, default="active", readonly=True)
    step_id = fields.Many2one(
        "lead.nurture.step", string="Current Step", readonly=True, ondelete="set null",
        help="The next step to do while in progress; the last step done once completed.")
    next_date = fields.Datetime(
        string="Next Touch", readonly=True,
        help="When the current step is due; moved by the send window and the contact limit.")
    waiting_reason = fields.Selection(
        [("window", "Outside the send window"), ("guard", "Contact limit reached")],
        readonly=True, help="Why the current step was postponed.")
    enroll_date = fields.Datetime(string="Enrolled On", required=True, default=fields.Datetime.now, readonly=True)
    end_date = fields.Datetime(string="Ended On", readonly=True)
    exit_reason = fields.Selection(EXIT_REASONS, readonly=True)
    sql_date = fields.Datetime(string="Reached SQL On", readonly=True)
    variant_id = fields.Many2one(
        "lead.nurture.step.variant", string="Last Variant", readonly=True, ondelete="set null",
        help="The variant of the last e-mail sent; empty for the default template.")
    touch_ids = fields.One2many("lead.nurture.touch", "enrollment_id", string="History", readonly=True)

    def init(self):
        # one enrolment in progress per lead and cadence, even with several workers enrolling at once
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS lead_nurture_enrollment_active_unique"
            " ON lead_nurture_enrollment (lead_id, cadence_id) WHERE state = 'active'"))
        # the cron's due enrolments
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS lead_nurture_enrollment_due_index"
            " ON lead_nurture_enrollment (next_date) WHERE state = 'active'"))

    @api.depends("lead_id", "cadence_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # the lead's name only for those who may read it: many2one values are named as superuser
        user = self.env.user
        if not (user._is_superuser() or user.has_group("sales_team.group_sale_salesman")):
            for enrollment in self:
                enrollment.display_name = enrollment.cadence_id.name
            return
        for enrollment in self:
            enrollment.display_name = f"{enrollment.lead_id.name} - {enrollment.cadence_id.name}"

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # the salesperson, related to the lead, is converted as superuser, which skips its groups
        # when grouping, aggregating or sorting by it: check them here
        if fname == "user_id":
            self.check_field_access_rights("read", [fname])
        return super()._field_to_sql(alias, fname, query, flush)

    @api.model_create_multi
    def create(self, vals_list):
        cadences = self.env["lead.nurture.cadence"].browse(
            {vals["cadence_id"] for vals in vals_list if vals.get("cadence_id")})
        first_steps = {cadence.id: cadence.step_ids[:1] for cadence in cadences}
        now = fields.Datetime.now()
        for vals in vals_list:
            step = first_steps.get(vals.get("cadence_id"))
            if not step:
                raise UserError(self.env._("A cadence needs at least one step before leads can enter it."))
            vals.setdefault("enroll_date", now)
            vals.setdefault("step_id", step.id)
            vals.setdefault("next_date", fields.Datetime.to_datetime(vals["enroll_date"]) + step._get_delay())
        enrollments = super().create(vals_list)
        enrollments.lead_id._message_log_batch(bodies={
            enrollment.lead_id.id: Markup("<p>%s</p>") % self.env._(
                "Enrolled in the nurture cadence %(cadence)s.", cadence=enrollment.cadence_id.name)
            for enrollment in enrollments
        })
        return enrollments

    def action_remove(self):
        """Take these leads out of their cadences (button for salespeople)."""
        self.filtered(lambda e: e.state == "active")._exit("removed")

    @api.model
    def _cron_process(self, batch_size=BATCH_SIZE):
        """Scheduled action: enrol the leads entering the audiences, then do
        the due steps, a batch at a time (each batch committed, the cron
        called again while work remains), within the cron's time budget."""
        return self.env["ir.cron"]._lead_management_run_batches(
            "lead_management_nurture.ir_cron_nurture", self._cron_process_batch, batch_size,
            min_size=20, max_size=BATCH_SIZE * 5)

    @api.model
    def _cron_process_batch(self, batch_size):
        """One batch of :meth:`_cron_process`: ``(done, remaining)``."""
        cadences = self.env["lead.nurture.cadence"].search([("enrollment_mode", "=", "auto")])
        enrolled = cadences._enroll_audience(limit=batch_size)
        due = self._lock_due(batch_size)
        due._process_due()
        remaining = self.search_count([("state", "=", "active"), ("next_date", "<=", fields.Datetime.now()),
                                       ("cadence_id.active", "=", True)])
        if len(enrolled) >= batch_size:
            remaining += batch_size   # an audience may hold more leads to enrol: run again
        self.env["ir.cron"]._notify_progress(done=len(due) + len(enrolled), remaining=remaining)
        _logger.info("lead_management_nurture: %s enrolled, %s steps due processed, %s remaining",
                     len(enrolled), len(due), remaining)
        return len(due) + len(enrolled), remaining

    @api.model
    def _lock_due(self, limit):
        """The due enrolments of active cadences (an archived cadence is
        paused) that no other worker is processing, locked."""
        self.flush_model(["state", "next_date", "cadence_id"])
        self.env["lead.nurture.cadence"].flush_model(["active"])
        self.env.cr.execute(SQL(
            """SELECT enrollment.id FROM lead_nurture_enrollment enrollment
                WHERE enrollment.state = 'active' AND enrollment.next_date <= %s
                  AND enrollment.cadence_id IN (SELECT id FROM lead_nurture_cadence WHERE active)
             ORDER BY enrollment.next_date, enrollment.id LIMIT %s FOR UPDATE OF enrollment SKIP LOCKED""",
            fields.Datetime.now(), limit))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _process_due(self):
        """Do the current step of these due enrolments, for the whole batch at
        once: exit the leads that left the cadence's scope, postpone what is
        outside its send window or over the contact limit, skip steps whose
        condition no longer holds, send the e-mails (one mass mailing per
        step and variant), create the activities, record the touches and move
        each enrolment to its next step."""
        now = fields.Datetime.now()
        # the step they were at was deleted: the cadence is over for them
        self.filtered(lambda e: e.state == "active" and not e.step_id).write(
            {"state": "done", "end_date": now, "next_date": False})
        enrollments = self.filtered(lambda e: e.state == "active" and e.step_id)
        enrollments = enrollments._exit_out_of_scope()

        ready = enrollments._postpone_outside_window(now)
        ready = ready._postpone_over_guard(now)
        matching = ready._filter_condition()
        touches = (ready - matching)._prepare_touches("skipped", now)
        touches += matching._do_steps(now)
        self.env["lead.nurture.touch"].create(touches)
        ready._advance(now)

    def _postpone_outside_window(self, now):
        """Postpone the enrolments outside their cadence's send window to its
        next opening; return the others."""
        ready_ids, postponed = [], defaultdict(list)
        for enrollment in self:
            slot = enrollment._next_slot(now)
            if slot > now:
                postponed[slot].append(enrollment.id)
            else:
                ready_ids.append(enrollment.id)
        for slot, ids in postponed.items():
            self.browse(ids).write({"next_date": slot, "waiting_reason": "window"})
        return self.browse(ready_ids)

    def _postpone_over_guard(self, now):
        """Postpone the enrolments whose lead had its fill of automated
        touches over the period (all cadences) to the moment the next one is
        allowed, inside the send window; return the others."""
        max_touches, period_days = self._get_guard_settings()
        if max_touches <= 0 or not self:
            return self
        since = fields.Datetime.subtract(now, days=period_days)
        dates_by_lead = {lead.id: list(dates) for lead, dates in self.env["lead.nurture.touch"]._read_group(
            [("lead_id", "in", self.lead_id.ids), ("state", "=", "done"), ("date", ">", since)],
            ["lead_id"], ["date:array_agg"])}
        ready_ids, postponed = [], defaultdict(list)
        for enrollment in self:
            dates = dates_by_lead.setdefault(enrollment.lead_id.id, [])
            release = send_window.guard_release(dates, now, max_touches, period_days)
            if release <= now:
                dates.append(now)   # the touch about to be done counts for the lead's next enrolment of this batch
                ready_ids.append(enrollment.id)
            else:
                postponed[enrollment._next_slot(release)].append(enrollment.id)
        for slot, ids in postponed.items():
            self.browse(ids).write({"next_date": slot, "waiting_reason": "guard"})
        return self.browse(ready_ids)

    def _next_slot(self, moment):
        """The first moment at or after ``moment`` inside the send window of
        this enrolment's cadence, for its lead (see tools.send_window)."""
        self.ensure_one()
        cadence, lead = self.cadence_id, self.lead_id
        return send_window.next_slot(
            moment, lead._nurture_timezone(self.env.company.partner_id.tz or "UTC"),
            cadence._get_working_days(lead.country_id.code), cadence.window_hour_from, cadence.window_hour_to)

    def _filter_condition(self):
        """The enrolments whose lead still matches its step's condition."""
        matching_ids = []
        for step, enrollments in self.grouped("step_id").items():
            condition = step._get_condition_domain()
            if step.kind == "email":
                condition.append(("email_normalized", "!=", False))
            if not condition:
                matching_ids += enrollments.ids
                continue
            lead_ids = set(self.env["crm.lead"].with_context(active_test=False)._search(
                [("id", "in", enrollments.lead_id.ids), *condition]))
            matching_ids += [enrollment.id for enrollment in enrollments if enrollment.lead_id.id in lead_ids]
        return self.browse(matching_ids)

    def _do_steps(self, now):
        """Send the e-mails and create the activities of these enrolments'
        current steps; return the values of their touches."""
        touches = []
        activities = self.filtered(lambda e: e.step_id.kind == "activity")
        emails = (self - activities).grouped(lambda e: (e.step_id, e.step_id._select_variant(e.lead_id)))
        for (step, variant), enrollments in emails.items():
            mailing = step._get_mailing(variant)
            lead_ids = enrollments.lead_id.ids
            mailing._send_nurture_emails((variant or step).mail_template_id, lead_ids)
            traces = {trace.res_id: trace.id for trace in self.env["mailing.trace"].search(
                [("mass_mailing_id", "=", mailing.id), ("res_id", "in", lead_ids)], order="id")}
            enrollments.write({"variant_id": variant.id})
            touches += enrollments._prepare_touches("done", now, variant=variant, traces=traces)
        if activities:
            activities._create_step_activities(now)
            touches += activities._prepare_touches("done", now)
        return touches

    def _create_step_activities(self, now):
        """The activities of these enrolments' activity steps, for each lead's
        salesperson (else its team leader); a lead with neither gets none."""
        vals_list = []
        for enrollment in self:
            step, lead = enrollment.step_id, enrollment.lead_id
            user = lead.user_id or lead.team_id.user_id or enrollment.cadence_id.team_id.user_id
            if not user:
                continue
            vals = lead._prepare_activity_values(
                step.activity_type_id, user, step.activity_summary or step.name,
                fields.Date.context_today(lead, now))
            vals["note"] = step.activity_note
            vals_list.append(vals)
        # sudo: the cadence acts for the salesperson, who may not be the cron's user
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _prepare_touches(self, state, now, variant=None, traces=None):
        return [{
            "enrollment_id": enrollment.id,
            "lead_id": enrollment.lead_id.id,
            "step_id": enrollment.step_id.id,
            "variant_id": variant.id if variant else False,
            "state": state,
            "date": now,
            "mailing_trace_id": (traces or {}).get(enrollment.lead_id.id, False),
        } for enrollment in self]

    def _advance(self, now):
        """Move each enrolment to its next step, or complete it."""
        by_values = defaultdict(list)
        for enrollment in self:
            step = enrollment.step_id._get_next_step()
            if not step:
                by_values["done", enrollment.step_id.id, False].append(enrollment.id)
                continue
            base = enrollment.enroll_date if step.delay_from == "enrollment" else now
            by_values["active", step.id, max(base + step._get_delay(), now)].append(enrollment.id)
        for (state, step_id, next_date), ids in by_values.items():
            values = {"step_id": step_id, "next_date": next_date, "waiting_reason": False}
            if state == "done":
                values.update(state="done", end_date=now)
            self.browse(ids).write(values)

    def _exit_out_of_scope(self):
        """Exit the enrolments whose lead may no longer be nurtured (see
        crm.lead._nurture_exit_reason), with the reason; return the others."""
        by_reason = self.grouped(lambda e: e.lead_id._nurture_exit_reason())
        for reason, exiting in by_reason.items():
            if reason:
                exiting._exit(reason)
        return by_reason.get(False, self.browse())

    def _exit(self, reason):
        """Take these enrolments out of their cadence with ``reason`` (one of
        EXIT_REASONS), with a note on each lead."""
        enrollments = self.filtered(lambda e: e.state == "active")
        if not enrollments:
            return
        now = fields.Datetime.now()
        values = {"state": "exited", "exit_reason": reason, "end_date": now, "next_date": False,
                  "waiting_reason": False}
        if reason == "sql":
            values["sql_date"] = now
        enrollments.write(values)
        label = dict(self._fields["exit_reason"]._description_selection(self.env))[reason]
        # sudo: the note goes on each lead whoever ends its enrolment (a marketing user reads no lead); nothing returned
        enrollments_sudo = enrollments.sudo()
        enrollments_sudo.lead_id._message_log_batch(bodies={
            enrollment.lead_id.id: Markup("<p>%s</p>") % self.env._(
                "Left the nurture cadence %(cadence)s: %(reason)s.", cadence=enrollment.cadence_id.name, reason=label)
            for enrollment in enrollments_sudo
        })

    @api.model
    def _get_guard_settings(self):
        """The over-contact guard: (at most so many touches, per so many days)."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: settings read by every cadence run
        return (int(params.get_param("lead_management_nurture.max_touches") or DEFAULT_MAX_TOUCHES),
                int(params.get_param("lead_management_nurture.touch_period_days") or DEFAULT_TOUCH_PERIOD_DAYS))
