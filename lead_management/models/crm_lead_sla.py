from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.web_jalali.models.jalali_render import format_local, reader_context
from odoo.exceptions import AccessError
from odoo.tools import SQL, str2bool

from .crm_lead_routing import ASSIGN_BATCH_SIZE

#: default first-response targets in minutes per temperature (Settings override them)
DEFAULT_SLA_MINUTES = {"hot": 5, "warm": 240, "cold": 2880}
#: the response-time results: computed by the system, corrected by sales managers only
SLA_RESULT_FIELDS = frozenset({"sla_status", "sla_deadline", "first_response_date"})
#: lead statuses that end a lead without a contact to make: its First Contact call is cancelled
CLOSING_STATUSES = ("junk", "converted")


class CrmLead(models.Model):
    """Response time: a first-response deadline from the temperature when a
    lead is routed, the first real response of the salesperson, and the
    escalation of overdue leads."""

    _inherit = "crm.lead"

    # indexed by crm_lead_sla_pending_index (see init): the leads waiting for an answer
    sla_deadline = fields.Datetime(string="First Response Due", copy=False, tracking=True)
    first_response_date = fields.Datetime(string="First Response", copy=False, tracking=True)
    # shown on the lead; the Response Time report computes its own, in SQL
    response_time_minutes = fields.Float(string="Response Time (minutes)", compute="_compute_response_time_minutes")
    sla_status = fields.Selection(
        [("none", "No SLA"), ("pending", "Pending"), ("met", "Met"), ("breached", "Breached")],
        string="SLA Status", default="none", required=True, copy=False, tracking=True)

    def init(self):
        # the escalation cron's query: small, only the leads still waiting for an answer
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS crm_lead_sla_pending_index ON crm_lead (sla_deadline)"
            " WHERE sla_status = 'pending'"))

    @api.depends("first_response_date", "date_open", "create_date")
    def _compute_response_time_minutes(self):
        for lead in self:
            start = lead.date_open or lead.create_date
            if lead.first_response_date and start:
                lead.response_time_minutes = max((lead.first_response_date - start).total_seconds() / 60, 0.0)
            else:
                lead.response_time_minutes = 0.0

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """An email sent to the customer by the salesperson is a first response."""
        message = super().message_post(**kwargs)
        if message.message_type == "comment" and message.subtype_id == self.env.ref("mail.mt_comment"):
            self.filtered(lambda lead: lead.user_id.partner_id == message.author_id)._register_first_response()
        return message

    @api.model
    def _is_sla_enabled(self):
        """Settings' response-time targets, unless the context key
        ``lead_management_sla`` says otherwise (historical imports)."""
        if "lead_management_sla" in self.env.context:
            return bool(self.env.context["lead_management_sla"])
        # sudo: settings are readable by administrators only, and apply to every user's leads
        return str2bool(self.env["ir.config_parameter"].sudo().get_param("lead_management.sla_enabled", "True"))

    @api.model
    def _get_sla_minutes(self):
        # sudo: as in _is_sla_enabled
        params = self.env["ir.config_parameter"].sudo()
        return {
            temperature: int(params.get_param(f"lead_management.sla_{temperature}_minutes", default) or default)
            for temperature, default in DEFAULT_SLA_MINUTES.items()
        }

    def _start_sla(self, only_tighten=False):
        """Set the first-response deadline from the temperature and schedule a
        "First contact" call for the salesperson (urgent for hot leads), in
        the salesperson's language.

        The target belongs to the lead, not to each assignment: a lead
        re-routed while its deadline runs keeps it, and its call goes to the
        new salesperson (_move_first_contact). A lead re-routed after its
        deadline was breached (Settings: reassign breached leads) starts a
        new target for its new salesperson."""
        leads = self.filtered(lambda lead: lead.user_id and not lead.first_response_date)
        if not only_tighten:
            running = leads.filtered(lambda lead: lead.sla_deadline and lead.sla_status == "pending")
            running._move_first_contact()
            leads -= running
        if not leads or not self._is_sla_enabled():
            return
        minutes = self._get_sla_minutes()
        now = fields.Datetime.now()
        by_deadline = defaultdict(list)
        # a missed call's new lead is answered as a hot one, whatever its score
        temperature = self.env.context.get("lead_management_sla_temperature")
        for lead in leads:
            deadline = now + timedelta(minutes=minutes[temperature or lead.temperature or "cold"])
            if only_tighten and lead.sla_deadline and lead.sla_deadline <= deadline:
                continue
            by_deadline[deadline].append(lead.id)
        if not by_deadline:
            return
        leads = self.browse([lead_id for lead_ids in by_deadline.values() for lead_id in lead_ids])
        # one First Contact call per lead: a new salesperson's or a tighter deadline replaces it
        leads._get_first_contact_activities().unlink()
        for deadline, lead_ids in by_deadline.items():
            # sudo: the routing user sets the deadline of another salesperson's lead
            self.browse(lead_ids).sudo().write({"sla_deadline": deadline, "sla_status": "pending"})
        call = self.env.ref("lead_management.mail_activity_type_first_contact", raise_if_not_found=False)
        values, notes = [], []
        for (lang, deadline, hot, _calendar), group in leads.grouped(
                lambda lead: (lead.user_id.lang, lead.sla_deadline, (temperature or lead.temperature) == "hot",
                              (lead.user_id.date_calendar, lead.user_id.date_digits))).items():
            # dates in the salesperson's calendar (Solar Hijri for most Persian users)
            group = group.with_context(lang=lang, **reader_context(group.user_id[:1].partner_id, lang))
            summary = group.env._("Urgent: first contact") if hot else group.env._("First contact")
            date_deadline = fields.Date.context_today(group, deadline)
            values += [lead._prepare_activity_values(call, lead.user_id, summary, date_deadline) for lead in group]
            notes.append((len(group), Markup("<p>%s</p>") % group.env._(
                "Contact this lead before %(deadline)s (response-time target).",
                deadline=format_local(group.env, fields.Datetime.context_timestamp(group, deadline).replace(
                    tzinfo=None), "%Y-%m-%d %H:%M"))))
        # sudo: the routing user schedules the call for another salesperson;
        # quick update: the activity shows in their inbox without one email per lead
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(values)
        # a note is written (and its html sanitized) once per group, not once per activity
        offset = 0
        for count, note in notes:
            activities[offset:offset + count].write({"note": note})
            offset += count

    @api.model
    def _check_sla_correction(self, vals_list, new=False):
        """Refuse a change of the response-time results by anyone but a sales
        manager: the system sets them (under sudo), a manager may correct
        them (tracked). The empty results of a new lead (``new``) are no
        change."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        for vals in vals_list:
            names = SLA_RESULT_FIELDS & vals.keys()
            if new:
                names = {name for name in names if vals[name] and vals[name] != "none"}
            if names:
                raise AccessError(self.env._(
                    "Only sales managers may correct the response-time results (SLA status, first response "
                    "due, first response): the system records them."))

    def _sla_on_write(self, vals):
        """Converting a lead (Odoo's conversion too) or marking it junk cancels
        its First Contact call (a lost lead is archived, and Odoo removes its
        activities); moving it out of "New" is a first response of its
        salesperson. No query here: Odoo's flows write leads one at a time
        (see _defer_hook)."""
        if vals.get("lead_status") in CLOSING_STATUSES:
            self.filtered("sla_deadline")._defer_hook("_close_first_contact")
        if vals.get("lead_status", "new") != "new":
            self._register_first_response()
        if vals.get("user_id"):
            self.filtered("sla_deadline")._defer_hook("_move_first_contact")

    def _register_first_response(self, date=None):
        """Record the first real response of the salesperson (a status change,
        an email, a done activity, an answered call at ``date``) and whether
        it met the deadline; their First Contact call is done when the
        transaction ends."""
        leads = self.filtered(lambda lead: lead.user_id and not lead.first_response_date)
        if not leads:
            return
        now = date or fields.Datetime.now()
        for status, group in leads.grouped(lambda lead: (
                "none" if not lead.sla_deadline else "met" if now <= lead.sla_deadline else "breached")).items():
            # sudo: the first response is recorded whoever triggers it (email, activity)
            group.sudo().write({"first_response_date": now, "sla_status": status})
        leads.filtered("sla_deadline")._defer_hook("_close_first_contact")

    def _close_first_contact(self):
        """Deferred hook, once for the leads answered, converted or marked
        junk in the transaction: the First Contact call of a converted or
        junk lead is cancelled (removed, as Odoo does with the activities of
        a lost lead), that of an answered lead is done."""
        activities = self._get_first_contact_activities()
        closed_ids = set(self.filtered(lambda lead: lead.lead_status in CLOSING_STATUSES).ids)
        answered_ids = set(self.filtered("first_response_date").ids) - closed_ids
        done = activities.filtered(lambda activity: activity.res_id in answered_ids)
        activities.filtered(lambda activity: activity.res_id in closed_ids).unlink()
        if done:
            # not a call of the salesperson: no call event (see mail.activity._action_done)
            done.with_context(lead_management_first_response=True).action_feedback(
                feedback=self.env._("Done automatically: the first response was recorded."))

    def _move_first_contact(self):
        """Deferred hook, once for the leads given to another salesperson in
        the transaction: their open First Contact call goes to their
        salesperson now, with its due date (the lead's target is unchanged)."""
        activities = self._get_first_contact_activities()
        owners = {lead.id: lead.user_id for lead in self}
        for user, moving in activities.filtered(
                lambda activity: owners[activity.res_id] and activity.user_id != owners[activity.res_id]
        ).grouped(lambda activity: owners[activity.res_id]).items():
            # quick update: in the new salesperson's inbox without one email per lead
            moving.with_context(mail_activity_quick_update=True).write({"user_id": user.id})

    def _get_first_contact_activities(self):
        """The open First Contact calls of these leads, in one search (none
        without a deadline: the call comes with it, see _start_sla)."""
        leads = self.filtered("sla_deadline")
        if not leads:
            return self.env["mail.activity"]
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact", raise_if_not_found=False)
        if not first_contact:
            return self.env["mail.activity"]
        # sudo: the call is the salesperson's, whoever answers, converts or closes the lead
        return self.env["mail.activity"].sudo().search([
            ("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids), ("activity_type_id", "=", first_contact.id)])

    def _on_turned_hot(self):
        """Deferred hook, once for the leads scoring made hot: tighten their
        deadline."""
        self._start_sla(only_tighten=True)

    @api.model
    def _cron_sla_escalation(self, batch_size=ASSIGN_BATCH_SIZE):
        """Every 5 minutes: leads past their first-response deadline become
        breached, their team leader gets an activity and, when Settings ask
        for it, the lead goes to the next salesperson of its territory; in
        batches within the cron's time budget. Return the leads breached."""
        done, _remaining = self.env["ir.cron"]._lead_management_run_batches(
            "lead_management.ir_cron_sla_escalation", self._sla_escalation_batch, batch_size,
            min_size=50, max_size=ASSIGN_BATCH_SIZE * 5)
        return done

    @api.model
    def _sla_escalation_batch(self, batch_size):
        """One batch of :meth:`_cron_sla_escalation`: ``(done, remaining)``."""
        domain = [("sla_status", "=", "pending"), ("sla_deadline", "<", fields.Datetime.now()),
                  ("first_response_date", "=", False)]
        leads = self.search(domain, limit=batch_size)
        if not leads:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0, 0
        leads.write({"sla_status": "breached"})
        bodies = {}
        for lead in leads:
            # the note in the salesperson's language and calendar
            lang = lead._get_tracking_lang()
            lead = lead.with_context(lang=lang, **reader_context(lead.user_id.partner_id, lang))
            bodies[lead.id] = Markup('<div summary="o_mail_notification"><p>%s</p></div>') % lead.env._(
                "First response overdue: the deadline was %(deadline)s.",
                deadline=format_local(lead.env, fields.Datetime.context_timestamp(lead, lead.sla_deadline).replace(
                    tzinfo=None), "%Y-%m-%d %H:%M"))
        leads._message_log_batch(bodies=bodies)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        self.env["mail.activity"].create([
            lead._prepare_activity_values(
                todo, lead.team_id.user_id,
                lead.with_context(lang=lead.team_id.user_id.lang).env._("Response time breached"),
                fields.Date.context_today(lead))
            for lead in leads if lead.team_id.user_id
        ])
        # sudo: as in _is_sla_enabled
        reassign = str2bool(self.env["ir.config_parameter"].sudo().get_param("lead_management.sla_reassign", "False"))
        if reassign:
            movable = leads.filtered("territory_id")
            movable._assign_by_territory(
                only_unassigned=False, exclude_users={lead.id: lead.user_id.id for lead in movable})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
        return len(leads), remaining
