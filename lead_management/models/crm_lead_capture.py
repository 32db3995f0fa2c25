import logging
import re
import unicodedata
from collections import defaultdict
from functools import partial
from typing import Any, TypedDict

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, escape_psql, html_escape, plaintext2html, str2bool

from ..tools import matching
from ..tools.normalize import clean_text, normalize_digits, normalize_text, normalize_whitespace
from ..tools.savepoint import call_batch_in_savepoint, call_in_savepoint
from .crm_lead_matching import MATCH_FIELDS

_logger = logging.getLogger(__name__)

#: lead fields a channel may fill, and their maximum length
CAPTURE_FIELDS = {
    "name": 255, "contact_name": 128, "partner_name": 128, "email_from": 254, "phone": 64, "mobile": 64,
    "function": 128, "website": 255, "street": 255, "street2": 255, "city": 128, "zip": 32,
    "national_id": 32, "vat": 32, "description": 10000,
}
#: what a payload may say besides lead fields, and its maximum length
CAPTURE_EXTRA_FIELDS = {
    "country": 64, "state": 64, "country_id": 16, "state_id": 16, "lang": 16,
    "external_id": 128, "idempotency_key": 128,
    "utm_source": 128, "utm_medium": 128, "utm_campaign": 128,
    "gclid": 255, "fbclid": 255, "referrer": 2048, "landing_page": 2048,
}
#: the fields by which the lead reaches its person: a public channel does not write them on a known
#: person's lead (its salesperson applies them, see lead.engagement.action_apply_submitted_values)
CONTACT_FIELDS = frozenset({"contact_name", "partner_name", "email_from", "phone", "mobile", "website",
                            "national_id", "vat"})
#: more keys than any lead has: refused as a whole, not field by field
MAX_PAYLOAD_KEYS = 100
#: what people write around a province's name: استان تهران, Tehran Province
_PROVINCE_WORDS = re.compile(r"^(استان|province of)\s+|\s+(province|region|მხარე)$")
_SINGLE_LINE_CONTROLS = str.maketrans({chr(code): " " for code in [*range(32), 127]})
_TEXT_CONTROLS = str.maketrans({chr(code): None for code in [*range(32), 127] if chr(code) not in "\n\t"})


def capture_channel(label, source_xmlid, event_type="form_submit", medium_xmlid=False, lenient=False,
                    phone_country_param=False, public=False):
    """A capture channel as crm.lead._get_capture_channels describes it."""
    return {"label": label, "event_type": event_type, "source_xmlid": source_xmlid, "medium_xmlid": medium_xmlid,
            "lenient": lenient, "phone_country_param": phone_country_param, "public": public}


class CaptureItem(TypedDict, total=False):
    """One payload on its way through the pipeline (_capture_prepare makes
    it; the import adds its own keys, see crm_lead_import)."""

    #: what was submitted, as it was
    payload: Any
    #: the lead values: of a new lead, or to fill in on the matched one
    vals: dict
    #: the values the person is matched by, phones in E.164
    match: dict
    #: the match keys of ``match`` (tools.matching.match_keys)
    keys: list
    #: the payload's idempotency key, else False
    idempotency: str | bool
    #: the payload keys sent as JSON numbers (a national id then gets back its leading zeros)
    numbers: set
    #: why it is refused, {field: message}; ``__all__`` for the whole payload
    errors: dict
    #: what the lead kept without recognizing it, {field: message}, for the salespeople
    notes: dict
    #: created, matched, rejected or error; "rejected" also until the pipeline creates or matches its lead
    status: str
    #: values of its engagement event besides the channel's (a call's direction and duration)
    event: dict
    #: the lead created or matched, else False
    lead_id: int | bool
    #: the earlier item of the same person in the batch (its index while matching), whose lead it shares
    same_as: Any
    #: the idempotency key was answered before: the first answer, repeated
    replayed: bool
    #: the fields its known person's lead does not take from it: all of them (True) when the caller may
    #: not read the lead, the contact fields (CONTACT_FIELDS) from a public channel
    withhold: bool | frozenset


class CrmLead(models.Model):
    """Capture: the one pipeline every channel goes through (API, web forms,
    e-mail, and the import and ad channels built on it): normalize, validate,
    find the same person, then create or update, once per batch."""

    _inherit = "crm.lead"

    external_id = fields.Char(
        string="Source Reference", index="btree_not_null", copy=False,
        help="Identifier of this lead in the system it came from (an ad platform, another CRM).")
    gclid = fields.Char(string="Google Click ID", copy=False)
    fbclid = fields.Char(string="Facebook Click ID", copy=False)
    referrer = fields.Char(copy=False, help="The page the visitor came from.")
    landing_page = fields.Char(copy=False, help="The page where the visitor submitted the form.")
    is_returning_customer = fields.Boolean(
        string="Returning Customer", copy=False, readonly=True,
        help="Captured from a person who is already a customer.")
    capture_log_ids = fields.One2many("lead.capture.log", "lead_id", string="Submissions")

    @api.private
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to a sales team's alias goes through the capture
        pipeline: from the address of an open lead, it is attached to that
        lead instead of opening a second one. The mail gateway's entry
        point (mail.thread.message_process), not an API: it finds leads the
        caller may not read."""
        email = email_normalize(msg_dict.get("email_from") or msg_dict.get("from") or "")
        if email and not self.env.context.get("lead_management_capture"):
            lead = self.browse(self._find_matching_leads([{"email_from": email}], ["email_from"])[0])
            if lead:
                self._capture_log_email(msg_dict, lead, "matched")
                # sudo: the mail gateway's user may not write on the lead's events
                lead.sudo()._capture_add_events("email")
                return lead
        source = self.env.ref(self._get_capture_channels()["email"]["source_xmlid"], raise_if_not_found=False)
        # the type follows the Leads feature and the alias's team (see _get_capture_type); the
        # salesperson is the alias's when it names one, else routing's (crm leaves it empty)
        custom_values = dict(custom_values or {})
        # sudo: the alias's team, whoever sends the e-mail
        team = self.env["crm.team"].sudo().browse(custom_values.get("team_id") or ())
        custom_values["type"] = self._get_capture_type(team)
        if source and not custom_values.get("source_id"):
            custom_values["source_id"] = source.id
        lead = super(CrmLead, self.with_context(lead_management_capture=True)).message_new(msg_dict, custom_values)
        if email:
            self._capture_log_email(msg_dict, lead, "created")
            # sudo: see above
            lead.sudo()._capture_add_events("email")
        return lead

    @api.model
    def _get_capture_channels(self):
        """The capture channels, by key: ``label``; ``event_type``, the
        engagement event a capture adds to its lead; ``source_xmlid``, the
        source of its leads captured without utm_source, and
        ``medium_xmlid``, the medium of its forms; ``lenient``, whether its
        people cannot correct what they sent (an ad's form, a caller's
        number), so that a value that does not validate goes into the
        description instead of refusing the lead, as long as a way to
        contact the person remains; ``phone_country_param``, the setting of
        the country of its numbers without a country code (else the
        company's); ``public``, whether anyone may send its submissions
        (a web form, an ad's form), which then write no contact field on a
        known person's lead, as a public user's submissions do not. A bridge
        declares its channel by overriding this method."""
        return {
            "api": capture_channel(self.env._("Lead API"), "lead_management.utm_source_landing_page",
                                   phone_country_param="lead_management.api_phone_country_id"),
            "web_form": capture_channel(self.env._("Web Form"), "lead_management.utm_source_website_form",
                                        public=True),
            "email": capture_channel(self.env._("Email"), "lead_management.utm_source_email",
                                     event_type="email_reply"),
            "import": capture_channel(self.env._("Import"), "lead_management.utm_source_import"),
            "google_ads": capture_channel(self.env._("Google Ads"), "lead_management.utm_source_google_ads",
                                          medium_xmlid="lead_management.utm_medium_paid_search", lenient=True,
                                          public=True),
            "meta": capture_channel(self.env._("Meta Lead Ads"), "lead_management.utm_source_meta_ads",
                                    medium_xmlid="lead_management.utm_medium_paid_social", lenient=True,
                                    public=True),
            "call": capture_channel(self.env._("Phone Call"), "lead_management.utm_source_incoming_call",
                                    event_type="call", lenient=True,
                                    phone_country_param="lead_management.call_phone_country_id"),
        }

    @api.model
    def _get_capture_channel_source(self, channel):
        """The source of the channel's leads captured without utm_source."""
        xmlid = self._get_capture_channels().get(channel, {}).get("source_xmlid")
        return xmlid and self.env.ref(xmlid, raise_if_not_found=False)

    @api.model
    def _capture(self, payloads, channel, form=None, api_user=None, remote_addr=None, replay_log=None,
                 defaults=None, events=None):
        """Capture ``payloads`` (a list of dicts: lead field names, plus
        ``country``, ``state`` (codes or names), ``country_id``,
        ``state_id`` (ids), ``lang``, ``external_id``,
        ``idempotency_key``, ``utm_source``, ``utm_medium``,
        ``utm_campaign``, ``gclid``, ``fbclid``, ``referrer``,
        ``landing_page``) from ``channel``, in one batch.

        Each payload is normalized and validated; the same person is looked
        for among the open leads of the matching window and the customers;
        a known person's open lead gets the empty fields filled, an
        engagement event and a note; the others become new leads (linked to
        the customer when there is one), scored and routed. Every payload is
        written to the capture log, in the same transaction as its lead.

        :param form: the lead.capture.form the payloads come through
        :param api_user: the res.users whose API key sent them
        :param replay_log: the lead.capture.log replayed (one payload)
        :param defaults: lead values of every payload that are not the
            visitor's text (a website form's team, tags, partner, salesperson):
            set on new leads, filled in where empty on known ones; never the
            type (see _get_capture_type)
        :param events: for each payload, values of its engagement event
            besides the channel's (a call's direction and duration)
        A known person's lead the caller may not read (a colleague's, for a
        salesperson limited to his own documents) gets the event and the
        note only, and the caller the answer of a new person; a public
        channel (or a public user) writes no contact field on it. What is
        not written is kept on the event, for its salesperson to apply.

        :return: one dict per payload: ``status`` (created, matched,
            rejected, error), ``lead_id``, ``errors`` ({field: message})
            and ``log_id``; as the caller may know them (see
            _capture_answers)
        """
        caller = self.env
        # sudo: a capture creates and updates leads whoever sends them (a web
        # form's public user, an API key's salesperson); matching must see
        # every lead to avoid duplicates. Callers decide who may capture.
        Lead = self.sudo().with_context(mail_create_nosubscribe=True)
        Log = self.env["lead.capture.log"].sudo()
        company = form.company_id if form and form.company_id else self.env.company
        lookups = {}  # countries, states, languages, utm records and the types, looked up once per batch
        phone_country = Lead._get_capture_phone_country(channel, form, company)
        items = [Lead._capture_prepare(payload, channel, form, company, lookups, phone_country=phone_country)
                 for payload in payloads]
        for item, event in zip(items, events or [{}] * len(items), strict=True):
            item["event"] = event
        valid = [item for item in items if not item["errors"]]
        defaults = {fname: value for fname, value in (defaults or {}).items() if fname != "type"}
        for item in valid:
            item["vals"].update(defaults)
            item["vals"]["type"] = Lead._capture_type(item["vals"], lookups)
        Lead._capture_lock([key for item in valid for key in item["keys"]]
                           + [("idempotency", item["idempotency"]) for item in valid if item["idempotency"]])
        first_answers = Log._get_idempotent_answers(
            channel, form, api_user, [item["idempotency"] for item in valid if item["idempotency"]])
        pending = []
        for item in valid:
            answer = first_answers.get(item["idempotency"])
            if answer:
                item.update(answer, replayed=True)
            else:
                pending.append(item)
        Lead._capture_match(pending)
        Lead._capture_withhold(pending, channel, caller)
        Lead._capture_write(pending, channel, form)
        Lead._capture_log_notes([item for item in pending if item["status"] == "created"])
        logs = Log._log_captures(items, channel, form, api_user, remote_addr, replay_log)
        return [dict(answer, log_id=log.id)
                for answer, log in zip(self._capture_answers(items, caller), logs, strict=True)]

    @api.model
    def _capture_withhold(self, items, channel, caller):
        """Set what each known person's lead does not take from its item
        (item["withhold"]): no contact field from a public channel or user;
        nothing from another caller who may not read the lead.

        :param caller: the environment of the capture's caller
        """
        matched = [item for item in items if item["lead_id"]]
        if not matched:
            return
        if caller.user._is_public() or self._get_capture_channels().get(channel, {}).get("public"):
            for item in matched:
                item["withhold"] = CONTACT_FIELDS
            return
        readable = set(caller["crm.lead"].browse({item["lead_id"] for item in matched})._filtered_access("read").ids)
        for item in matched:
            if item["lead_id"] not in readable:
                item["withhold"] = True

    @api.model
    def _capture_answers(self, items, caller):
        """The answers of ``items`` to their caller: a lead he may not read
        is not named, and its known person is answered as a new one
        (``created``); to a caller who may not read every lead, a new lead
        is not named either, so that both answers read the same.

        :param caller: the environment of the capture's caller
        :return: one dict per item: ``status``, ``lead_id`` and ``errors``
        """
        lead_ids = {item["lead_id"] for item in items if item.get("lead_id")}
        readable = set(caller["crm.lead"].browse(lead_ids)._filtered_access("read").ids)
        sees_all = caller.su or caller.user.has_group("sales_team.group_sale_salesman_all_leads")
        new_ids = {item["lead_id"] for item in items if item["status"] == "created"}
        answers = []
        for item in items:
            status, lead_id = item["status"], item.get("lead_id") or False
            if lead_id and (lead_id not in readable or (lead_id in new_ids and not sees_all)):
                status, lead_id = "created", False
            answers.append({"status": status, "lead_id": lead_id, "errors": item["errors"]})
        return answers

    @api.model
    def _get_capture_phone_country(self, channel, form, company):
        """The country of the channel's numbers written without a country
        code: the form's, else the setting of the lead API or of the calls,
        else the company's."""
        if form:
            return form.phone_country_id or company.country_id
        param = self._get_capture_channels().get(channel, {}).get("phone_country_param")
        # sudo: see _get_capture_match_days
        country_id = param and self.env["ir.config_parameter"].sudo().get_param(param)
        country = self.env["res.country"].browse(int(country_id)).exists() \
            if country_id and country_id.isdigit() else self.env["res.country"]
        return country or company.country_id

    @api.model
    def _capture_prepare(self, payload, channel, form, company, lookups, phone_country=None) -> CaptureItem:
        """Normalize and validate one payload.

        :param phone_country: the country of numbers written without a
            country code, when the payload has no country (default: the
            company's)

        :return: a CaptureItem
        """
        item = CaptureItem(payload=payload, vals={}, match={}, keys=[], idempotency=False, errors={}, notes={},
                           numbers=set(), status="rejected")
        if not isinstance(payload, dict):
            item["errors"]["__all__"] = self.env._("Expected a lead: a JSON object of field names and values.")
            return item
        errors, texts = item["errors"], {}
        allowed = form._get_allowed_fields() if form else {**CAPTURE_FIELDS, **CAPTURE_EXTRA_FIELDS}
        if len(payload) > MAX_PAYLOAD_KEYS:
            errors["__all__"] = self.env._("Expected at most %(max)s fields, got %(count)s.",
                                           max=MAX_PAYLOAD_KEYS, count=len(payload))
            return item
        payload = {clean_text(str(key)): clean_text(value) if isinstance(value, str) else value
                   for key, value in payload.items()}
        for key, value in payload.items():
            if key == "consent" and form:
                continue
            if key not in allowed:
                errors[key[:64]] = self.env._("%(field)s: not a field of a lead; expected one of %(fields)s.",
                                              field=key[:64], fields=", ".join(sorted(allowed)))
                continue
            if value is None or value == "" or value is False:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool) and key in (
                    "phone", "mobile", "national_id", "vat", "zip", "external_id", "country_id", "state_id"):
                item["numbers"].add(key)
                value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
            if not isinstance(value, str):
                errors[key] = self.env._("%(field)s: expected text, got %(type)s.",
                                         field=self._get_capture_label(key), type=type(value).__name__)
                continue
            value = unicodedata.normalize("NFC", value).translate(
                _TEXT_CONTROLS if key == "description" else _SINGLE_LINE_CONTROLS).strip()
            if len(value) > allowed[key]:
                errors[key] = self.env._("%(field)s: expected at most %(max)s characters, got %(length)s.",
                                         field=self._get_capture_label(key), max=allowed[key], length=len(value))
            elif value:
                texts[key] = value if key == "description" else normalize_whitespace(value)
        if form and form.channel == "web_form":
            for fname in form._get_required_fields():
                if not texts.get(fname) and fname not in errors:
                    errors[fname] = self.env._("%(field)s: this field is required.",
                                               field=self._get_capture_label(fname))
            if form.consent_text and not str2bool(str(payload.get("consent") or "false"), False):
                errors["consent"] = self.env._("Consent: please accept the terms to send the form.")
        phone_country = company.country_id if phone_country is None else phone_country
        self._capture_normalize(texts, item, company, channel, form, lookups, phone_country)
        if errors and "__all__" not in errors and set(errors) <= set(texts) \
                and self._get_capture_channels().get(channel, {}).get("lenient"):
            self._capture_keep_invalid(texts, item)
            self._capture_normalize(texts, item, company, channel, form, lookups, phone_country)
        if channel != "import" and not errors \
                and not any(item["vals"].get(fname) for fname in ("email_from", "phone", "mobile")):
            errors["email_from"] = self.env._(
                "E-mail: expected an e-mail address or a phone number, to contact the person back.")
        return item

    @api.model
    def _capture_keep_invalid(self, texts, item):
        """Set aside the texts that did not validate, and start the item's
        values over: they become "label: value" lines of the description."""
        invalid = [key for key in item["errors"] if key in texts]
        lines = [f"{self._get_capture_label(key)}: {texts.pop(key)}" for key in invalid]
        description = "\n".join(filter(None, [texts.get("description"), *lines]))
        texts["description"] = description[:CAPTURE_FIELDS["description"]]
        for key in invalid:
            del item["errors"][key]
        item["vals"].clear()
        item["match"] = {}
        item["notes"].clear()

    @api.model
    def _capture_normalize(self, texts, item, company, channel, form, lookups, phone_country):
        """Turn the texts of a payload into lead values (item["vals"]) and
        match values (item["match"]), adding field errors to item, and notes
        for the salespeople (item["notes"]) in the company's language."""
        errors, vals = item["errors"], item["vals"]
        Note = self.with_context(lang=company.partner_id.lang or self.env.lang)
        country = company.country_id
        if texts.get("country_id"):
            country = self._capture_browse_id("res.country", texts["country_id"])
            if not country:
                errors["country_id"] = self.env._("Country: %(value)s is not the id of a country.",
                                                  value=texts["country_id"])
                country = company.country_id
            else:
                vals["country_id"] = country.id
        elif texts.get("country"):
            country = self._capture_lookup(lookups, "country", texts["country"], self._capture_find_country)
            if not country:
                errors["country"] = self.env._(
                    "Country: %(value)s is not a country; expected a two-letter code such as IR or GE, or a name.",
                    value=texts["country"])
                country = company.country_id
            else:
                vals["country_id"] = country.id
        if texts.get("state"):
            state = self._capture_lookup(lookups, ("state", country.id), texts["state"],
                                         lambda value: self._capture_find_state(value, country))
            if not state:
                errors["state"] = self.env._("State: %(value)s is not a state of %(country)s.",
                                             value=texts["state"], country=country.name or "-")
            else:
                vals["state_id"] = state.id
        elif texts.get("state_id"):
            state = self._capture_browse_id("res.country.state", texts["state_id"])
            if not state or (vals.get("country_id") and state.country_id != country):
                errors["state_id"] = self.env._("State: %(value)s is not the id of a state of %(country)s.",
                                                value=texts["state_id"], country=country.name or "-")
            else:
                vals["state_id"] = state.id
                vals.setdefault("country_id", state.country_id.id)
        if texts.get("lang"):
            lang = self.env["res.lang"]._get_code(texts["lang"].replace("-", "_"))
            if not lang:
                errors["lang"] = self.env._("Language: %(value)s is not an installed language.", value=texts["lang"])
            else:
                vals["lang_id"] = self.env["res.lang"]._get_data(code=lang).id
        for fname in CAPTURE_FIELDS:
            if texts.get(fname):
                vals[fname] = texts[fname]
        if vals.get("description"):
            vals["description"] = plaintext2html(vals["description"])
        if vals.get("email_from"):
            email = matching.normalize_email(vals["email_from"])
            if not email:
                errors["email_from"] = self.env._("E-mail: %(value)s is not an e-mail address like name@example.com.",
                                                  value=vals["email_from"])
            else:
                vals["email_from"] = email
        match = dict(vals)
        lead_country = self.env["res.country"].browse(vals.get("country_id"))
        for fname in ("mobile", "phone"):
            if vals.get(fname):
                # with its country code, or as dialled in the lead's country, else in the channel's
                number = next(filter(None, (matching.normalize_phone(vals[fname], code) for code in (
                    lead_country.code, phone_country.code))), False)
                if number:
                    vals[fname] = normalize_digits(vals[fname])
                    match[fname] = number
                    if not vals.get("country_id"):  # read by Odoo (phone_sanitized) in the same country
                        vals["country_id"] = self._capture_get_phone_country(number, lookups).id or False
                elif channel == "import":
                    errors[fname] = self.env._(
                        "%(field)s: %(value)s is not a phone number; expected digits with the country code, such "
                        "as +98 912 345 6789, or as dialled in %(country)s.", field=self._get_capture_label(fname),
                        value=vals[fname], country=(lead_country or phone_country).name or "-")
                else:  # kept as typed, never a reason to lose the lead; not matched
                    vals[fname] = normalize_digits(vals[fname])
                    match.pop(fname)
                    item["notes"][fname] = Note.env._(
                        "%(field)s: %(value)s could not be read as a phone number; it is kept as typed.",
                        field=Note._get_capture_label(fname), value=vals[fname])
        for fname in ("national_id", "vat"):
            if vals.get(fname):
                try:
                    if fname == "national_id":
                        vals[fname] = match[fname] = self._clean_national_id(
                            vals[fname], country, from_number=fname in item["numbers"])
                        self._check_national_id_format(vals[fname], country)
                    else:
                        vals[fname] = match[fname] = self._clean_identifier_value(fname, vals[fname])
                except ValidationError as error:
                    errors[fname] = error.args[0]
        for fname in ("external_id", "gclid", "fbclid", "referrer", "landing_page"):
            if texts.get(fname):
                vals[fname] = match[fname] = texts[fname]
        if errors:
            return
        vals.setdefault("name", vals.get("partner_name") or vals.get("contact_name") or vals.get("email_from")
                        or vals.get("mobile") or vals.get("phone"))
        utm_vals, utm_not_found = self._capture_utm_values(texts, channel, form, lookups)
        vals.update(utm_vals)
        if utm_not_found:
            item["notes"]["utm"] = Note.env._("UTM values not found: %(values)s", values="; ".join(
                f"{Note._get_capture_label(key)}: {name}" for key, name in utm_not_found.items()))
        if form and form.team_id:
            vals["team_id"] = form.team_id.id
        # explicit: the defaults are those of the user capturing (the public user, an API
        # key's owner, the superuser of a cron), who neither owns the lead nor decides its type
        vals["user_id"] = form.user_id.id if form else False
        vals["company_id"] = company.id
        item["match"] = match
        item["keys"] = self._get_match_keys(match, MATCH_FIELDS)
        item["idempotency"] = texts.get("idempotency_key") or False

    @api.model
    def _capture_type(self, vals, lookups):
        """The type of the lead of ``vals`` (see _get_capture_type), once per
        batch for each team: as in Odoo (team aliases, the chatbot), a team
        working without leads gets opportunities."""
        team_id = vals.get("team_id")
        if ("type", team_id) not in lookups:
            # sudo: the team's setting, whoever captures (a public user cannot read teams)
            lookups[("type", team_id)] = self._get_capture_type(self.env["crm.team"].sudo().browse(team_id or ()))
        return lookups[("type", team_id)]

    @api.model
    def _get_capture_type(self, team=None):
        """The type of captured leads: ``lead`` when the Leads feature is on
        (Settings: every internal user has crm.group_use_lead) and their sales
        team, if any, works with leads, else ``opportunity``; whoever captures
        them."""
        if team and not team.use_leads:
            return "opportunity"
        group_use_lead = self.env.ref("crm.group_use_lead", raise_if_not_found=False)
        # sudo: the feature is the company's setting, whoever captures (a public user cannot read groups)
        group_user = self.env.ref("base.group_user").sudo()
        return "lead" if group_use_lead and group_use_lead in group_user.trans_implied_ids else "opportunity"

    @api.model
    def _capture_utm_values(self, texts, channel, form, lookups):
        """Source, medium and campaign: the payload's utm names, found in any
        installed language (created when unknown, except from public forms),
        else the form's, else the channel's source.

        :return: ``(vals, not_found)``: the lead values, and the names a form
            or the API sent that no record has ({payload key: name})
        """
        vals, not_found = {}, {}
        for fname, model in (("source_id", "utm.source"), ("medium_id", "utm.medium"),
                             ("campaign_id", "utm.campaign")):
            key = "utm_" + fname[:-3]
            name = texts.get(key)
            record = False
            if name:
                Utm = self.env["utm.mixin"]
                # Odoo's find-or-create compares names with LIKE: a text with % or _ is only looked for
                record = self._capture_lookup(
                    lookups, model, name,
                    lambda value, model=model, Utm=Utm: Utm._find_record_any_lang(model, value)
                    if form or escape_psql(value) != value else self._capture_find_or_create_utm(model, value))
                if not record:
                    not_found[key] = name
            if not record and form:
                record = form[fname]
            if record:
                vals[fname] = record.id
        if not vals.get("source_id"):
            source = self._capture_lookup(lookups, "channel_source", channel, self._get_capture_channel_source)
            if source:
                vals["source_id"] = source.id
        return vals, not_found

    @api.model
    def _capture_find_or_create_utm(self, model, name):
        """Odoo's find-or-create of the utm record named ``name``, safe when
        concurrent captures create the same new name: the slower one fails
        with a serialization failure, which Odoo retries (and then finds the
        record), instead of a unique violation that loses the lead."""
        Model = self.env[model]
        try:
            with self.env.cr.savepoint():
                return self.env["utm.mixin"]._find_or_create_record(model, name)
        except pg_errors.UniqueViolation as violation:
            # the name was created by a transaction that committed after this one began, so
            # this one cannot see it: inserting it "on conflict do nothing" makes PostgreSQL
            # raise its serialization failure (repeatable read), which ends the transaction
            values = Model._add_missing_default_values({"name": name.strip()})
            values.update({  # a campaign's title
                fname: name.strip() for fname, field in Model._fields.items()
                if field.required and field.store and field.type == "char" and not values.get(fname)
            })
            columns = {
                fname: Model._fields[fname].convert_to_column_insert(value, Model, values)
                for fname, value in values.items()
                if Model._fields[fname].store and Model._fields[fname].column_type
            }
            try:
                with self.env.cr.savepoint():
                    self.env.cr.execute(SQL(
                        "INSERT INTO %s (%s) VALUES %s ON CONFLICT DO NOTHING",
                        SQL.identifier(Model._table), SQL(", ").join(map(SQL.identifier, columns)),
                        tuple(columns.values())))
                    raise violation from None   # (no failure: nothing inserted is kept)
            except pg_errors.IntegrityError:
                raise violation from None       # the violation, or another constraint: as before

    @api.model
    def _capture_lookup(self, lookups, kind, value, find):
        """``find(value)``, once per batch for each kind and value."""
        key = (kind, value.casefold())
        if key not in lookups:
            lookups[key] = find(value)
        return lookups[key]

    @api.model
    def _capture_browse_id(self, model, value):
        """The record of ``model`` whose id is the text ``value``, or an empty recordset."""
        return self.env[model].browse(int(value)).exists() if value.isdigit() and len(value) < 10 \
            else self.env[model]

    @api.model
    def _capture_get_phone_country(self, number, lookups):
        """The country of a number in E.164, once per batch for each region."""
        code = matching.phone_country_code(number)
        if not code:
            return self.env["res.country"]
        return self._capture_lookup(lookups, "phone_country", code,
                                    lambda value: self.env["res.country"].search([("code", "=", value)], limit=1))

    @api.model
    def _capture_find_country(self, value):
        """The country of code or name ``value`` (in any installed
        language), compared without LIKE: a visitor's text is no pattern."""
        return self._capture_find_by_name(self.env["res.country"].search([]), value)

    @api.model
    def _capture_find_state(self, value, country):
        """The state of ``country`` of code or name ``value`` (in any
        installed language: استان تهران, Tehran)."""
        states = self.env["res.country.state"].search([("country_id", "=", country.id)])
        return self._capture_find_by_name(states, value) or self._capture_find_by_name(
            states, _PROVINCE_WORDS.sub("", normalize_text(value)))

    @api.model
    def _capture_find_by_name(self, records, value):
        wanted = normalize_text(value)
        for lang in self._capture_get_lang_codes():
            names = records.with_context(lang=lang).mapped("name")
            for record, name in zip(records, names, strict=True):
                if wanted in (normalize_text(record.code or ""), normalize_text(name)):
                    return record
        return records.browse()

    @api.model
    def _capture_get_lang_codes(self):
        """The user's language first, then English, then the other installed ones."""
        installed = [code for code, __ in self.env["res.lang"].get_installed()]
        return list(dict.fromkeys([self.env.lang or "en_US", "en_US", *installed]))

    @api.model
    def _get_capture_label(self, key):
        if key in self._fields:
            return self._fields[key].get_description(self.env)["string"]
        return self.env["lead.capture.log"]._get_extra_field_labels().get(key, key)

    @api.model
    def _capture_lock(self, keys):
        """Serialize the captures of the same person (and of the same
        idempotency key) across workers: each key's row of
        lead_capture_lock is upserted, in a stable order. Of two
        transactions capturing the same person, the second waits for the
        first, then gets a serialization failure: Odoo retries its request
        on a fresh snapshot, where it sees the lead the first one created.
        (An advisory lock would make it wait, then miss that lead: its
        snapshot is older than the other's commit.)"""
        lock_keys = sorted({matching.lock_key(kind, value) for kind, value in keys})
        if lock_keys:
            self.env.cr.execute(SQL(
                """INSERT INTO lead_capture_lock (key, date)
                   SELECT key, now() AT TIME ZONE 'UTC' FROM unnest(%s::bigint[]) AS key ORDER BY key
                   ON CONFLICT (key) DO UPDATE SET date = EXCLUDED.date""", lock_keys),
                log_exceptions=False)  # the serialization failure is expected, and retried

    @api.model
    def _capture_match(self, items):
        """Find the open lead, or else the customer, of each item; a person
        appearing twice in the batch is matched with its first appearance."""
        if not items:
            return
        leads = self._find_matching_leads([item["match"] for item in items], MATCH_FIELDS)
        for item, lead_id in zip(items, leads, strict=True):
            item["lead_id"] = lead_id
        unmatched = [item for item in items if not item["lead_id"]]
        if unmatched and self._is_capture_customer_matching_enabled():
            partners = self._find_matching_customers([item["match"] for item in unmatched], MATCH_FIELDS)
            for item, partner_id in zip(unmatched, partners, strict=True):
                if partner_id:
                    item["vals"].update(partner_id=partner_id, is_returning_customer=True)
        first_by_key = {}
        for index, item in enumerate(items):
            if item["lead_id"]:
                continue
            for key in item["keys"]:
                if key in first_by_key:
                    item["same_as"] = first_by_key[key]
                    break
            else:
                for key in item["keys"]:
                    first_by_key.setdefault(key, index)
        for item in items:
            if "same_as" in item:
                item["same_as"] = items[item["same_as"]]

    @api.model
    def _capture_write(self, items, channel, form):
        """Create the new leads and update the known ones, each in one
        batch when it can; a payload that fails is kept with its error,
        without the others losing theirs."""
        new = [item for item in items if not item["lead_id"] and "same_as" not in item]
        if new:
            # created with their event: the new leads are scored once
            event = self._capture_event_values(channel)
            for item in new:
                item["vals"]["engagement_ids"] = [Command.create({**event, **item["event"]})]
            leads = call_batch_in_savepoint(
                self.env.cr, new, lambda items: self.create([item["vals"] for item in items]),
                lambda item: self.create(item["vals"]), self._capture_create_failed)
            for item, lead in zip(new, leads, strict=True):
                if lead:
                    item.update(lead_id=lead.id, status="created")
            # given to a salesperson by their form or channel: the response-time target routing would set
            owned = [item["lead_id"] for item in new if item["status"] == "created" and item["vals"].get("user_id")]
            self.browse(owned)._start_sla()
        for item in items:
            first = item.get("same_as")
            if first:
                item.update(lead_id=first.get("lead_id") or False, errors=dict(first["errors"]))
                if not item["lead_id"]:
                    item["status"] = "error"
        matched = [item for item in items if item["lead_id"] and item["status"] == "rejected"]
        for item in matched:
            item["status"] = "matched"
        self._capture_update_matched(matched, channel)

    @api.model
    def _capture_log_notes(self, items):
        """What new leads kept without recognizing it (item["notes"]), as a
        note on each; known people's leads get it in their submission's note."""
        bodies = {item["lead_id"]: self._capture_notes_html(item) for item in items if item["notes"]}
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies=bodies)

    @api.model
    def _capture_notes_html(self, item):
        return Markup("").join(Markup("<p>%s</p>") % note for note in item["notes"].values())

    @api.model
    def _capture_create_failed(self, item, error):
        _logger.info("lead_management: capture failed: %s", error)
        item.update(status="error", errors={"__all__": self._capture_error_message(error)})
        return self.browse()

    @api.model
    def _capture_error_message(self, error):
        if isinstance(error, UserError):
            return str(error.args[0])
        return self.env._("The lead could not be saved (%(error)s).", error=type(error).__name__)

    def _capture_update_matched(self, items, channel):
        """Known people: fill the empty fields of their open lead (what a
        salesperson typed stays), add the channel's engagement event and a
        note with what was submitted."""
        if not items:
            return
        leads = self.browse([item["lead_id"] for item in items])
        leads.fetch([fname for fname in CAPTURE_FIELDS if fname != "name"]
                    + ["country_id", "state_id", "lang_id", "external_id", "gclid", "fbclid", "referrer",
                       "landing_page", "partner_id"])
        updates = defaultdict(list)
        withheld = []
        for item in items:
            lead = self.browse(item["lead_id"])
            fill = {fname: value for fname, value in item["vals"].items()
                    if fname not in ("name", "team_id", "user_id", "type", "company_id", "source_id", "medium_id",
                                     "campaign_id", "is_returning_customer") and not lead[fname]}
            withhold = item.get("withhold") or ()
            held = {fname: value for fname, value in fill.items() if withhold is True or fname in withhold}
            withheld.append(held)
            if held:
                fill = {fname: value for fname, value in fill.items() if fname not in held}
            if fill:
                updates[repr(sorted(fill.items()))].append((fill, lead.id))
        for group in updates.values():
            fill, lead_ids = group[0][0], [lead_id for __, lead_id in group]
            # a value refused: the submission is kept in the note and the log
            call_in_savepoint(self.env.cr, partial(self.browse(lead_ids).write, fill),
                              partial(_logger.info, "lead_management: captured values not filled in on leads %s: %s",
                                      lead_ids), errors=UserError)
        event = self._capture_event_values(channel)
        # sudo: the event follows the capture, whoever sent it
        self.env["lead.engagement"].sudo().create([
            {**event, **item["event"], "lead_id": item["lead_id"], "submitted_values": held or False}
            for item, held in zip(items, withheld, strict=True)])
        bodies = {item["lead_id"]: self._capture_note_body(item, withheld=bool(held))
                  for item, held in zip(items, withheld, strict=True)}
        leads._message_log_batch(bodies=bodies)

    def _capture_add_events(self, channel, date=None):
        """The channel's engagement event on each of these leads (one create)."""
        values = self._capture_event_values(channel, date=date)
        # sudo: the event follows the capture, whoever sent it
        self.env["lead.engagement"].sudo().create([dict(values, lead_id=lead.id) for lead in self])

    @api.model
    def _capture_event_values(self, channel, date=None):
        """The values of the channel's engagement event, without its lead."""
        event_type = self._get_capture_channels().get(channel, {}).get("event_type") or "form_submit"
        return {
            "event_type": event_type, "date": date or fields.Datetime.now(),
            "note": self.env._("Captured from %(channel)s", channel=self.env["lead.capture.log"]._get_channel_label(
                channel)),
        }

    @api.model
    def _capture_note_body(self, item, withheld=False):
        """The chatter note of a known person's new submission: the values
        submitted, escaped.

        :param withheld: some of them were not written on the lead
        """
        payload = item["payload"]
        lines = "".join(
            f"<li>{html_escape(self._get_capture_label(key))}: {html_escape(str(value)[:500])}</li>"
            for key, value in payload.items()
            if key in CAPTURE_FIELDS or (key in CAPTURE_EXTRA_FIELDS and key != "idempotency_key")
            if value not in (None, "", False)
        )
        title = html_escape(self.env._("The same person submitted again:"))
        body = Markup(f"<p>{title}</p><ul>{lines}</ul>") + self._capture_notes_html(item)
        if withheld:
            body += Markup("<p>%s</p>") % self.env._(
                "Empty fields of the lead were not filled in from this submission; "
                "apply its values from the Engagement tab.")
        return body

    @api.model
    def _capture_log_email(self, msg_dict, lead, status):
        # sudo: the log records every request, whoever sends it
        self.env["lead.capture.log"].sudo().create({
            "channel": "email", "status": status, "lead_id": lead.id,
            "payload": self.env["lead.capture.log"]._dump_payload({
                "email_from": msg_dict.get("from"), "name": msg_dict.get("subject"),
                "message_id": msg_dict.get("message_id")}),
        })
