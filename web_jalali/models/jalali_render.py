"""Which calendar the server renders dates in (reports, e-mail templates,
notifications written by code).

Rule: a date renders in the Solar Hijri calendar when the rendering language
(the context's ``lang``) is Persian (fa_IR, fa_AF) and its reader does not
prefer Gregorian. Renderings that know their reader say so in the context
(``date_calendar``: gregorian | jalali, ``date_digits``: latin | persian):
mail templates per recipient record (the record itself when it is a partner
or a user, else its ``partner_id``), activity notifications per assignee,
notes written by code per the user they are for (``reader_context``).
A reader who is a user brings their preferences; a reader who is not a user,
or an unknown reader, reads Persian with the defaults: Solar Hijri and
Persian digits. A rendering that names no reader is read by the current user
(a report or a page they render for themselves), unless that is the
superuser or the public user (a cron, a public page: the defaults).
Any other language renders as Odoo does (Gregorian)."""
import datetime

import pytz

from odoo import fields
from odoo.tools.misc import format_datetime as odoo_format_datetime
from odoo.tools.misc import get_lang

from ..tools import jalali
from .res_users import PERSIAN_LANGS

PERSIAN_DEFAULTS = {"date_calendar": "jalali", "date_digits": "persian"}


def jalali_digits(env, lang_code=False):
    """'latin' or 'persian': the digits of a Solar Hijri rendering in
    ``env`` (in ``lang_code`` if given), or None when it is Gregorian. The
    reader is the context's, else the current user (a report or a page they
    render for themselves), else unknown (a cron: the Persian defaults)."""
    lang = get_lang(env, lang_code).code
    if lang not in PERSIAN_LANGS:
        return None
    preferences = {key: env.context[key] for key in PERSIAN_DEFAULTS if key in env.context}
    if len(preferences) < len(PERSIAN_DEFAULTS):
        user = env.user
        known = not (user._is_public() or user._is_superuser())
        preferences = {**reader_context(user.partner_id if known else None, lang), **preferences}
    if preferences.get("date_calendar", "jalali") != "jalali":
        return None
    return preferences.get("date_digits") or "persian"


def reader_context(partner, lang):
    """The context keys of a rendering in ``lang`` read by ``partner``
    (empty when Odoo's defaults apply): their user's preferences, else the
    Persian defaults."""
    if lang not in PERSIAN_LANGS:
        return {}
    # sudo: the recipient's user may be unreadable to the sender; only their
    # two display preferences are used, to render what the sender sends anyway
    user = partner.sudo().with_context(active_test=False).user_ids[:1] if partner else None
    if not user:
        return dict(PERSIAN_DEFAULTS)
    return {"date_calendar": user.date_calendar, "date_digits": user.date_digits}


def format_local(env, value, strftime_format):
    """A local date or naive datetime (already in the reader's time zone)
    as code writes it in a note for a reader: Solar Hijri with the reader's
    digits per the rule above, else ``value.strftime(strftime_format)``."""
    digits = jalali_digits(env)
    if not digits:
        return value.strftime(strftime_format)
    if isinstance(value, datetime.datetime):
        return jalali.format_datetime(value, digits, seconds="%S" in strftime_format)
    return jalali.format_date(value, digits)


def to_local(env, value, tz=False):
    """A UTC datetime (naive or aware, or its string) as a naive datetime in
    ``tz``, else the user's time zone (as Odoo's format_datetime)."""
    value = fields.Datetime.to_datetime(value)
    if not value.tzinfo:
        value = pytz.utc.localize(value)
    zone = pytz.timezone(tz or env.user.tz or "UTC")
    return value.astimezone(zone).replace(tzinfo=None)


def format_datetime(env, value, tz=False, dt_format="medium", digits=None):
    """Odoo's ``format_datetime`` (tools.misc), in Solar Hijri when the
    rule above says so (``digits`` when known, else the context's reader,
    else the current user, who reads what they render for themselves)."""
    if not digits and value:
        digits = jalali_digits(env)
    if not digits or not value:
        return odoo_format_datetime(env, value, tz=tz, dt_format=dt_format)
    return jalali.format_datetime(
        to_local(env, value, tz), digits,
        long=dt_format in ("long", "full") or "MMM" in (dt_format or ""), seconds=dt_format != "short")
