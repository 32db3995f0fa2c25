import re
from collections import defaultdict
from datetime import UTC, datetime
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import groupby, html_escape

from ..tools import matching
from ..tools.normalize import clean_text, normalize_digits

#: what a telephony event may say, and its maximum length
CALL_KEYS = {"caller": 64, "called": 64, "extension": 32, "direction": 16, "status": 16, "start": 64,
             "duration": 16, "recording_url": 2048, "call_id": 128}
CALL_DIRECTIONS = ("inbound", "outbound")
CALL_STATUSES = ("answered", "missed", "voicemail")
#: a called number this short is an extension, not a line
_EXTENSION = re.compile(r"[0-9]{1,6}")
#: seconds, up to about 115 days
_DURATION = re.compile(r"[0-9]{1,7}")


class CrmLead(models.Model):
    """Telephony: the calls a telephone system posts (see the calls route)
    become engagement events and notes on the caller's lead, a call-back
    activity when missed, a new lead for an unknown caller, and a screen
    pop for the salesperson whose extension rang.

    A salesperson's own API key posts the calls of his own extension only,
    and what it causes or gets back is limited to him and to the leads he
    may read; the keys of sales managers and of integration users (the
    telephone system's) post the calls of every extension."""

    _inherit = "crm.lead"

    @api.model
    def _capture_calls(self, events, api_user=None, remote_addr=None):
        """Record the telephony ``events`` (dicts: ``caller``, ``called``,
        ``extension``, ``direction``, ``status``, ``start``, ``duration``,
        ``recording_url``, ``call_id``) in one batch.

        The person is found by the normalized number among the open leads
        of any age; a known lead gets a ``call`` event and a note (and, for
        a missed call, an urgent call-back activity for its salesperson);
        an unknown caller becomes a lead through the capture pipeline (a
        customer's number links it to the customer), routed at once with
        the hot-lead response time when the call was missed. An answered
        call of the lead's salesperson is their first response. A call
        already received (same ``call_id``) is answered as the first time.

        With a key that may not post the calls of others (see
        _may_post_calls_of_others), a colleague's extension is refused, a
        call-back activity goes to the key's user only, a new caller's
        missed call is routed without the hot-lead urgency, and a lead the
        key's user may not read gets an incoming call but no outgoing one
        (the calls route answers it as a new caller's).

        :return: one dict per event: ``status`` (created, matched,
            rejected), ``lead_id`` and ``errors``
        """
        # sudo: a telephone system's key records calls on every lead, whoever's it is;
        # the controller checked that its user may create leads
        Lead = self.sudo()
        Log = self.env["lead.capture.log"].sudo()
        key_user = api_user or self.env["res.users"]
        trusted = self._may_post_calls_of_others(api_user)
        items = [Lead._prepare_call(event) for event in events]
        for item in items:
            item.update(key_user=key_user, trusted=trusted)
            if not trusted and not item["errors"] and item["extension"] not in (False, key_user.phone_extension):
                # the route refuses them; a replayed entry's payload may have been edited since
                item["errors"]["extension"] = self._get_foreign_extension_error([item["extension"]], key_user)
        valid = [item for item in items if not item["errors"]]
        call_ids = [item["call_id"] for item in valid if item["call_id"]]
        Lead._capture_lock([("idempotency", call_id) for call_id in call_ids])
        answers = Log._get_idempotent_answers("call", None, api_user, call_ids)
        pending, first_of = [], {}
        for item in valid:
            answer = answers.get(item["call_id"]) if item["call_id"] else None
            if answer:
                item.update(capture_status=answer["status"], lead_id=answer["lead_id"], replayed=True)
            elif item["call_id"] in first_of:
                item["same_as"] = first_of[item["call_id"]]   # sent twice in the request: recorded once
            else:
                pending.append(item)
                if item["call_id"]:
                    first_of[item["call_id"]] = item
        Lead._resolve_call_users(pending)
        lead_ids = Lead._find_matching_leads([{"phone": item["number"]} for item in pending], ["phone"], days=0)
        readable = set(lead_ids) if trusted else set(self._filter_readable_leads(lead_ids, key_user).ids)
        known, unknown = [], []
        for item, lead_id in zip(pending, lead_ids, strict=True):
            if lead_id and lead_id not in readable and item["direction"] == "outbound":
                lead_id = False   # a lead the key's user may not read: the call of a number of no open lead
            item["lead_id"] = lead_id
            (known if lead_id else unknown if item["direction"] == "inbound" else []).append(item)
            if not lead_id and item["direction"] == "outbound":
                item["errors"]["called"] = self.env._(
                    "Called: %(number)s is the number of no open lead; the call is not recorded.",
                    number=item["number"])
        Lead._record_known_calls(known)
        Lead._capture_unknown_callers(unknown, api_user, remote_addr)
        for item in items:
            if "same_as" in item:
                item.update(lead_id=item["same_as"].get("lead_id") or False, replayed=True,
                            capture_status="matched" if item["same_as"].get("lead_id") else None)
        captured = {id(item) for item in unknown}  # logged by the capture pipeline
        logged = [item for item in items if id(item) not in captured]
        Log.create([{
            "channel": "call", "status": "matched" if item.get("lead_id") else "rejected",
            "error": clean_text("\n".join(item["errors"].values())) or False,
            "payload": Log._dump_payload(item["event"]), "lead_id": item.get("lead_id") or False,
            "api_user_id": api_user.id if api_user else False, "remote_addr": remote_addr or False,
            "idempotency_key": item["call_id"] if item.get("lead_id") and not item.get("replayed") else False,
        } for item in logged])
        Lead._notify_incoming_calls([item for item in pending if item.get("lead_id")])
        return [{
            "status": item.get("capture_status") or ("matched" if item.get("lead_id") else "rejected"),
            "lead_id": item.get("lead_id") or False, "errors": item["errors"],
        } for item in items]

    @api.model
    def _may_post_calls_of_others(self, user):
        """Whether ``user``'s API key posts the calls of every extension:
        a sales manager's or an integration user's (no key: the system's)."""
        return not user or user.has_group("sales_team.group_sale_manager") \
            or user.has_group("lead_management.group_lead_management_integration")

    @api.model
    def _get_foreign_call_extensions(self, events, user):
        """The extensions of the call ``events`` (dicts as posted) that
        ``user``'s key may not post: those that are not his own, unless he
        may post the calls of others."""
        if self._may_post_calls_of_others(user):
            return []
        extensions = [self._read_call_extension(event) for event in events if isinstance(event, dict)]
        return list(dict.fromkeys(
            extension for extension in extensions if extension and extension != user.phone_extension))

    @api.model
    def _get_foreign_extension_error(self, extensions, user):
        """The error of a key posting the calls of ``extensions``, not its user's."""
        return self.env._(
            "extension: %(extensions)s is not the extension of this API key's user (%(own)s); expected "
            "yours or none. The calls of other extensions are posted with the key of a sales manager or of "
            "an integration user.", extensions=", ".join(extensions), own=user.phone_extension or "-")

    @api.model
    def _filter_readable_leads(self, lead_ids, user):
        """The leads of ``lead_ids`` that ``user`` may read (one query)."""
        return self.with_user(user).browse(list({lead_id for lead_id in lead_ids if lead_id}))._filtered_access("read")

    @api.model
    def _read_call_extension(self, event):
        """The extension of a call event (a dict as posted): its
        ``extension``, else the short ``called`` number of an incoming call."""
        def text(key):
            value = event.get(key)
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                return ""
            return clean_text(normalize_digits(str(value))).strip()

        extension, called = text("extension"), text("called")
        if not extension and (text("direction").lower() or "inbound") == "inbound" and _EXTENSION.fullmatch(called):
            return called
        return extension

    @api.model
    def _prepare_call(self, event):
        """Validate one telephony event.

        :return: a dict with ``event``, ``errors`` and, when valid,
            ``direction``, ``status``, ``number`` (E.164, or as sent when it cannot be read), ``extension``,
            ``start``, ``duration``, ``recording_url`` and ``call_id``
        """
        item = {"event": event, "errors": {}, "call_id": False}
        errors = item["errors"]
        if not isinstance(event, dict):
            errors["__all__"] = self.env._("Expected a call: a JSON object such as "
                                           '{"caller": "+989121234567", "status": "missed"}.')
            return item
        texts = {}
        for key, value in event.items():
            if key not in CALL_KEYS:
                errors[str(key)[:64]] = self.env._("%(field)s: not a field of a call; expected one of %(fields)s.",
                                                   field=str(key)[:64], fields=", ".join(CALL_KEYS))
            elif isinstance(value, bool) or not isinstance(value, (str, int, float, type(None))):
                errors[key] = self.env._("%(field)s: expected text or a number, got %(type)s.",
                                         field=key, type=type(value).__name__)
            elif value not in (None, ""):
                text = clean_text(normalize_digits(str(value))).strip()
                if len(text) > CALL_KEYS[key]:
                    errors[key] = self.env._("%(field)s: expected at most %(max)s characters, got %(length)s.",
                                             field=key, max=CALL_KEYS[key], length=len(text))
                else:
                    texts[key] = text
        direction = texts.get("direction", "inbound").lower()
        if direction not in CALL_DIRECTIONS:
            errors["direction"] = self.env._("direction: expected inbound or outbound, got %(value)s.",
                                             value=direction)
        status = texts.get("status", "answered").lower()
        if status not in CALL_STATUSES:
            errors["status"] = self.env._("status: expected answered, missed or voicemail, got %(value)s.",
                                          value=status)
        number_key = "called" if direction == "outbound" else "caller"
        dialled = texts.get(number_key) or ""
        # with its country code or as dialled in the calls' country, else as the telephone system sent it
        country = self._get_capture_phone_country("call", None, self.env.company)
        number = matching.normalize_phone(dialled, country.code) \
            or (dialled if any(char.isdigit() for char in dialled) else False)
        if not number and number_key not in errors:
            errors[number_key] = self.env._("%(field)s: expected the phone number of the call, got %(value)s.",
                                            field=number_key, value=dialled or "-")
        start = self._parse_call_start(texts["start"]) if texts.get("start") else fields.Datetime.now()
        if not start:
            errors["start"] = self.env._(
                "start: %(value)s is not a date and time; expected ISO 8601 such as 2026-03-21T09:30:00+03:30 "
                "(UTC without an offset).", value=texts["start"])
        duration = texts.get("duration", "0")
        if not _DURATION.fullmatch(duration):
            errors["duration"] = self.env._("duration: expected a whole number of seconds, got %(value)s.",
                                            value=duration)
        recording_url = texts.get("recording_url")
        if recording_url and urlsplit(recording_url).scheme not in ("http", "https"):
            errors["recording_url"] = self.env._("recording_url: expected an http or https address, got %(value)s.",
                                                 value=recording_url)
        extension = self._read_call_extension(texts)
        if not errors:
            item.update(direction=direction, call_status=status, number=number, extension=extension or False,
                        start=start, duration=int(duration), recording_url=recording_url or False,
                        call_id=texts.get("call_id") or False)
        return item

    @api.model
    def _parse_call_start(self, value):
        """A naive UTC datetime of an ISO 8601 text (UTC when it has no
        offset), or None."""
        try:
            start = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return start.astimezone(UTC).replace(tzinfo=None) if start.tzinfo else start
        except (ValueError, OverflowError):
            return None

    @api.model
    def _resolve_call_users(self, items):
        """The salesperson of each item's extension (item["user"])."""
        extensions = {item["extension"] for item in items if item["extension"]}
        # internal users only: a portal user's extension opens no lead
        users = self.env["res.users"].search([("phone_extension", "in", list(extensions)), ("share", "=", False)]) \
            if extensions else self.env["res.users"]
        by_extension = {}
        for user in users:
            if user.company_id == self.env.company or user.phone_extension not in by_extension:
                by_extension[user.phone_extension] = user
        for item in items:
            item["user"] = by_extension.get(item["extension"], self.env["res.users"])

    @api.model
    def _get_call_event_values(self, item):
        """The engagement values of a call, without its lead."""
        return {
            "event_type": "call", "date": item["start"], "note": self._get_call_summary(item),
            "call_direction": item["direction"], "call_status": item["call_status"], "call_duration": item["duration"],
            "call_number": item["number"], "call_user_id": item["user"].id,
            "call_recording_url": item["recording_url"], "call_id": item["call_id"],
        }

    @api.model
    def _get_call_summary(self, item):
        """"Incoming call, missed" and the like, in the current language."""
        direction = dict(self.env["lead.engagement"]._fields["call_direction"]._description_selection(self.env))
        status = dict(self.env["lead.engagement"]._fields["call_status"]._description_selection(self.env))
        summary = self.env._("%(direction)s call, %(status)s", direction=direction[item["direction"]],
                             status=status[item["call_status"]].lower())
        if item["duration"]:
            summary += f" ({item['duration'] // 60}:{item['duration'] % 60:02d})"
        return summary

    def _record_known_calls(self, items):
        """Calls of open leads: an event (not for an unanswered outgoing
        call), a note, a call-back activity for a missed incoming call (for
        the salesperson, else the team leader; with a salesperson's own key,
        for him only), the first response for an answered call of the
        salesperson."""
        if not items:
            return
        leads = self.browse(list(dict.fromkeys(item["lead_id"] for item in items)))
        leads.fetch(["user_id", "first_response_date"])
        self.env["lead.engagement"].create([
            dict(self._get_call_event_values(item), lead_id=item["lead_id"]) for item in items
            if item["direction"] == "inbound" or item["call_status"] == "answered"])
        bodies = defaultdict(Markup)
        for item in items:   # one note per lead, of all its calls in the request
            bodies[item["lead_id"]] += self._get_call_note(item)
        leads._message_log_batch(bodies=bodies)
        call_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        activities = []
        for item in items:
            lead = self.browse(item["lead_id"])
            # a lead of nobody yet: its team leader calls back
            owner = lead.user_id or lead.team_id.user_id
            if item["direction"] == "inbound" and item["call_status"] != "answered" and owner \
                    and self._may_notify_of_call(item, owner):
                lead = lead.with_context(lang=owner.lang)
                activities.append(lead._prepare_activity_values(
                    call_type, owner, lead.env._("Urgent: call back %(number)s", number=item["number"]),
                    fields.Date.context_today(lead)))
        if activities:
            # quick update: the activity shows in the salesperson's inbox without an email
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities)
        self._register_call_responses(items)

    @api.model
    def _may_notify_of_call(self, item, user):
        """Whether the call of ``item`` may give ``user`` an activity or a
        screen pop: a salesperson's own key notifies only him."""
        return item["trusted"] or user == item["key_user"]

    def _register_call_responses(self, items):
        """An answered call of the lead's salesperson is their first
        response: the call of their extension, else of their own key (a
        telephone system's outgoing call of no known extension is
        theirs)."""
        by_date = defaultdict(list)
        for item in items:
            lead = self.browse(item["lead_id"])
            caller = item["user"] or (item["key_user"] if not item["trusted"] else None)
            if item["call_status"] == "answered" and lead.user_id and (
                    caller == lead.user_id or (caller is None and item["direction"] == "outbound")):
                by_date[item["start"]].append(lead.id)
        for date, lead_ids in by_date.items():
            self.browse(lead_ids)._register_first_response(date=date)

    @api.model
    def _get_call_note(self, item):
        lines = [html_escape(self._get_call_summary(item)), html_escape(item["number"])]
        if item["user"]:
            lines.append(html_escape(self.env._("Extension %(extension)s (%(user)s)",
                                                extension=item["extension"], user=item["user"].name)))
        if item["recording_url"]:
            lines.append(Markup('<a href="%s" target="_blank" rel="noreferrer">%s</a>') % (
                item["recording_url"], self.env._("Recording")))
        return Markup("<p>%s</p>") % Markup("<br/>").join(lines)

    @api.model
    def _capture_unknown_callers(self, items, api_user, remote_addr):
        """Incoming calls of unknown numbers become leads through the
        capture pipeline, source Incoming call, in the country of the
        number's international prefix, named in the company's language:
        assigned to the salesperson who answered, else routed (a missed
        call at once, with the hot-lead response time); a missed call that
        no salesperson matches goes to the default sales team, whose leader
        gets the urgent call back."""
        if not items:
            return
        # the lead's texts are the company's, not those of the telephone system's request
        Company = self.with_context(lang=self.env.company.partner_id.lang or "en_US")
        by_user = defaultdict(list)
        for item in items:
            answered = item["call_status"] == "answered"
            by_user[item["user"] if answered else self.env["res.users"], answered].append(item)
        for (user, answered), group in by_user.items():
            # a missed call's lead is routed below, as a hot one; a call answered by a
            # salesperson is their first response, with no target left to meet
            context = {"lead_management_auto_assign": False} if not answered \
                else {"lead_management_sla": False} if user else {}
            Lead = self.with_context(**context)
            results = Lead._capture(
                [{"phone": item["number"], "country": matching.phone_country_code(item["number"]) or False,
                  "name": Company.env._("Call from %(number)s", number=item["number"]),
                  "description": Company._get_call_summary(item), "idempotency_key": item["call_id"]}
                 for item in group],
                "call", api_user=api_user, remote_addr=remote_addr,
                defaults={"user_id": user.id or False},
                events=[Company._get_call_event_values(item) for item in group])
            for item, result in zip(group, results, strict=True):
                item.update(capture_status=result["status"], lead_id=result["lead_id"])
                item["errors"].update(result["errors"])
        missed = [item for item in items if item["capture_status"] == "created" and item["call_status"] != "answered"]
        leads = self.browse([item["lead_id"] for item in missed])
        if leads and self._is_auto_assign_enabled():
            # a salesperson's own key makes no colleague's lead urgent
            hot = leads.with_context(lead_management_sla_temperature="hot") if items[0]["trusted"] else leads
            hot._route_new_leads()
        unassigned = set(leads.filtered(lambda lead: not lead.user_id).ids)
        self._call_back_by_team_leader([item for item in missed if item["lead_id"] in unassigned])
        self._register_call_responses([item for item in items if item["lead_id"]])

    @api.model
    def _call_back_by_team_leader(self, items):
        """New leads of missed calls that no salesperson took: the default
        sales team, and an urgent call back for its leader, in their
        language."""
        leads = self.browse([item["lead_id"] for item in items])
        if not leads:
            return
        use = "use_leads" if self._get_capture_type() == "lead" else "use_opportunities"
        team = self.env["crm.team"]._get_default_team_id(domain=[(use, "=", True)])
        if team:
            leads.filtered(lambda lead: not lead.team_id).write({"team_id": team.id})
        call_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        activities = []
        for item, lead in zip(items, leads, strict=True):
            leader = lead.team_id.user_id
            if leader and self._may_notify_of_call(item, leader):
                lead = lead.with_context(lang=leader.lang)
                activities.append(lead._prepare_activity_values(
                    call_type, leader, lead.env._("Urgent: call back %(number)s", number=item["number"]),
                    fields.Date.context_today(lead)))
        # quick update: the activity shows in the leader's inbox without an email
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities)

    @api.model
    def _notify_incoming_calls(self, items):
        """The screen pop: the salesperson whose extension rang gets the
        caller's lead on their screen (bus notification) when they may
        read it."""
        items = [item for item in items if item["direction"] == "inbound" and item["user"]
                 and self._may_notify_of_call(item, item["user"])]
        readable = set()
        for user, user_items in groupby(items, key=lambda item: item["user"]):
            readable.update((user.id, lead_id) for lead_id in self._filter_readable_leads(
                [item["lead_id"] for item in user_items], user).ids)
        items = [item for item in items if (item["user"].id, item["lead_id"]) in readable]
        leads = self.browse([item["lead_id"] for item in items])
        leads.fetch(["name", "contact_name", "partner_id"])
        by_id = {lead.id: lead for lead in leads}   # records of one prefetch set: the partners read once
        for item in items:
            user = item["user"]
            lead = by_id[item["lead_id"]].with_context(lang=user.lang)
            user.partner_id._bus_send("lead_management.incoming_call", {
                "lead_id": lead.id, "lead_name": lead.name, "number": item["number"],
                "contact_name": lead.contact_name or lead.partner_id.name or "",
                "title": lead.env._("Incoming call"),
                "call_status": item["call_status"],
            })
