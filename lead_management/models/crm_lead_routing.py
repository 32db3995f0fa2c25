from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, split_every, str2bool

from ..tools import territory
from ..tools.notification import notification_action, soft_reload_action

ASSIGN_BATCH_SIZE = 1000
# {database: last lead id examined} by a queue run that stopped early: the run
# it triggers goes on from there instead of examining the same leads again
_QUEUE_RESUME = {}
ADDRESS_FIELDS = {"country_id", "state_id", "city", "zip"}


class CrmLead(models.Model):
    """Territory routing: the most specific matching territory, its
    salespeople in turn or by load, capped; automatic for new leads and
    address changes, and a queue cron for leads still waiting."""

    _inherit = "crm.lead"

    territory_id = fields.Many2one(
        "lead.territory", copy=False,
        help="Territory that routed this lead to its salesperson.")

    def action_assign_by_territory(self):
        """Route these leads to a salesperson by territory (server action
        "Assign by territory", for users who see every lead); assigned leads
        are reassigned, in the chatter."""
        if not self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            raise AccessError(self.env._(
                "Assign by territory: only salespeople who see all leads may route leads."))
        self.check_access("write")
        assigned = self._assign_by_territory(only_unassigned=False)
        queued = len(self) - len(assigned)
        return notification_action(
            self.env._("%(assigned)s leads assigned; %(queued)s stay unassigned (no matching territory or "
                       "every salesperson is full).", assigned=len(assigned), queued=queued),
            type="success" if not queued else "warning", next_action=soft_reload_action())

    def _routing_on_create(self):
        """New leads without a salesperson are routed when the transaction
        ends: after the form that created them has read them back."""
        if self._is_auto_assign_enabled():
            self.filtered(lambda lead: not lead.user_id and lead.active)._defer_hook("_route_new_leads")

    def _routing_on_write(self, vals):
        """A lead whose address changes may belong to another territory."""
        if ADDRESS_FIELDS & set(vals) and not self.env.context.get("lead_management_assigning") \
                and self._is_auto_assign_enabled():
            self._defer_hook("_route_moved_leads")

    def _route_new_leads(self):
        """Deferred hook: route the new leads still without a salesperson."""
        # sudo: automatic routing hands leads to salespeople the creator may
        # not write for (a salesperson's own lead, a web form's public user)
        self.sudo().filtered(lambda lead: not lead.user_id and lead.active)._assign_by_territory()

    def _route_moved_leads(self):
        """Deferred hook: reroute the leads whose address changed, unless
        their territory still matches."""
        # sudo: see _route_new_leads
        self.sudo().filtered(lambda lead: lead.active and (not lead.user_id or lead.territory_id)) \
            ._assign_by_territory(only_unassigned=False, keep_matching=True)

    @api.model
    def _is_auto_assign_enabled(self):
        """Settings' "Assign New Leads by Territory", unless the context key
        ``lead_management_auto_assign`` says otherwise (imports, tests)."""
        if "lead_management_auto_assign" in self.env.context:
            return bool(self.env.context["lead_management_auto_assign"])
        # sudo: settings are readable by administrators only, and apply to every user's leads
        return str2bool(self.env["ir.config_parameter"].sudo().get_param("lead_management.auto_assign", "True"))

    @api.model
    def _get_open_lead_loads(self, users):
        """Open leads per salesperson: {user id: count}."""
        if not users:
            return {}
        # sudo: a salesperson's load counts leads the current user may not see
        groups = self.env["crm.lead"].sudo()._read_group(
            [("user_id", "in", users.ids), *self._get_open_lead_domain()], ["user_id"], ["__count"])
        return {user.id: count for user, count in groups}

    def _assign_by_territory(self, only_unassigned=True, keep_matching=False, exclude_users=None,
                             auto_commit=False, batch_size=ASSIGN_BATCH_SIZE):
        """Route leads to the salespeople of the most specific matching
        territory, in batches; return the leads that got a salesperson.

        Each batch locks its leads with SKIP LOCKED (another worker assigning
        them keeps them), then the round-robin positions of the territories
        its leads match and of those sharing a salesperson with them (held
        until the end of the transaction, so the loads read with them stay
        exact): several workers never assign a lead twice nor break the round
        robin, and routings of other territories do not wait nor conflict.
        Only the positions that changed are written, to their own rows
        (``lead.territory.position``), never to the territories.

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
        self._reset_routing(routing)
        lock_filter = SQL(" AND user_id IS NULL") if only_unassigned else SQL()
        for ids in split_every(batch_size, self.ids):
            self.env.cr.execute(SQL(
                "SELECT id FROM crm_lead WHERE id = ANY(%s)%s ORDER BY id FOR UPDATE SKIP LOCKED",
                list(ids), lock_filter))
            leads = self.browse([row[0] for row in self.env.cr.fetchall()])
            if leads:
                assigned |= leads._assign_locked_batch(routing, keep_matching)
            if auto_commit:
                self._save_routing_positions(territories, routing)
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self._reset_routing(routing)
            if auto_commit or len(self) > batch_size:
                # write each batch out and let the cache go: a long run keeps a
                # constant time per batch instead of carrying every lead along
                self.env.flush_all()
                self.env.invalidate_all()
        self._save_routing_positions(territories, routing)
        return assigned

    @api.model
    def _reset_routing(self, routing):
        """Forget the locked positions and loads (a new transaction)."""
        routing.update(positions={}, saved={}, loads={})

    def _lock_routing(self, matching_ids, routing):
        """Lock the round-robin positions of the territories ``matching_ids``
        and of those sharing a salesperson with them, not locked yet; read
        their positions and their salespeople's loads into ``routing``."""
        user_ids = {user_id for terr, _crit, users in routing["territories"] if terr.id in matching_ids
                    for user_id in users}
        territory_ids = {terr.id for terr, _crit, users in routing["territories"]
                         if terr.id in matching_ids or user_ids.intersection(users)} - set(routing["positions"])
        if not territory_ids:
            return
        self.env.flush_all()
        # sudo: positions are routing's own rows
        positions = self.env["lead.territory.position"].sudo()._lock_positions(territory_ids)
        routing["positions"].update(positions)
        routing["saved"].update(positions)
        users = self.env["res.users"].browse(
            {user_id for terr, _crit, users in routing["territories"] if terr.id in territory_ids
             for user_id in users} - set(routing["loads"]))
        routing["loads"].update(self._get_open_lead_loads(users))

    def _save_routing_positions(self, territories, routing):
        """Write the round-robin positions that changed."""
        changed = {terr_id: position for terr_id, position in routing["positions"].items()
                   if routing["saved"].get(terr_id) != position}
        # sudo: positions are routing's own rows
        self.env["lead.territory.position"].sudo()._save_positions(changed)
        routing["saved"].update(changed)
        territories.invalidate_recordset(["rr_position"])

    def _assign_locked_batch(self, routing, keep_matching):
        """Assign one batch of locked leads; ``routing`` (positions, loads)
        is updated in place for the next batch."""
        # one write per territory and one per salesperson and team: fewer writes
        # than one per (salesperson, team, territory)
        by_territory, by_user_team = defaultdict(list), defaultdict(list)
        matches = []
        # sudo: the criteria are read on the leads as they are, whatever the
        # caller may read of their related records (tags, specialties, languages)
        for lead in self.sudo():
            attributes = {
                "country_id": lead.country_id.id, "state_id": lead.state_id.id, "city": lead.city,
                "zip": lead.zip, "lang_id": lead.lang_id.id, "industry_id": lead.industry_id.id,
                "specialty_ids": set(lead.specialty_ids.ids), "tag_ids": set(lead.tag_ids.ids),
                "temperature": lead.temperature,
            }
            matches.append((lead, [(terr, crit, users) for terr, crit, users in routing["territories"]
                                   if territory.matches(crit, attributes)]))
        self._lock_routing({terr.id for _lead, matching in matches for terr, _crit, _users in matching}, routing)
        positions, loads = routing["positions"], routing["loads"]
        for lead, matching in matches:
            if keep_matching and lead.territory_id in [terr for terr, _crit, _users in matching] \
                    and lead.user_id.id in lead.territory_id.user_ids.ids:
                continue
            for terr, _crit, users in matching:
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
                    break
        if not by_territory:
            return self.browse()
        assigned = self.browse([lead_id for lead_ids in by_territory.values() for lead_id in lead_ids])
        # the company check of each write reads its salesperson and team: read them all at
        # once (sudo: as that check does)
        self.env["res.users"].sudo().browse({user_id for user_id, _team_id in by_user_team}).mapped("company_ids")
        self.env["crm.team"].sudo().browse({team_id for _user_id, team_id in by_user_team}).fetch(["company_id"])
        # like Odoo's own lead assignment: the salesperson follows the lead (Odoo
        # subscribes them on write), without one "you have been assigned" email per lead
        assigning = assigned.with_context(lead_management_assigning=True, mail_auto_subscribe_no_notify=True)
        # the salesperson last: a salesperson routing their own or unassigned
        # leads may no longer write them afterwards
        for territory_id, lead_ids in by_territory.items():
            assigning.browse(lead_ids).write({"territory_id": territory_id})
        for (user_id, team_id), lead_ids in by_user_team.items():
            assigning.browse(lead_ids).write({"user_id": user_id, "team_id": team_id})
        assigned._start_sla()
        return assigned

    @api.model
    def _cron_assign_queue(self, batch_size=ASSIGN_BATCH_SIZE):
        """Every 10 minutes, when automatic assignment is on: route the leads
        still waiting in the queue (no territory matched, or every salesperson
        was full), one committed batch at a time within the cron's time
        budget; return the leads assigned."""
        assigned = self.browse()
        if not self._is_auto_assign_enabled():
            return assigned
        queue_domain = [("user_id", "=", False), ("probability", "<", 100)]
        last_id = _QUEUE_RESUME.pop(self.env.cr.dbname, 0) if self.env.context.get("cron_id") else 0

        def batch(size):
            nonlocal assigned, last_id
            leads = self.search([*queue_domain, ("id", ">", last_id)], order="id", limit=size)
            if not leads:
                return 0, 0
            assigned |= leads._assign_by_territory()
            last_id = leads[-1].id
            remaining = self.search_count([*queue_domain, ("id", ">", last_id)])
            self.env["ir.cron"]._notify_progress(done=len(leads), remaining=remaining)
            return len(leads), remaining

        _done, remaining = self.env["ir.cron"]._lead_management_run_batches(
            "lead_management.ir_cron_assign_queue", batch, batch_size, min_size=50, max_size=ASSIGN_BATCH_SIZE * 5)
        if (remaining or remaining is None) and self.env.context.get("cron_id"):
            _QUEUE_RESUME[self.env.cr.dbname] = last_id
        return assigned
