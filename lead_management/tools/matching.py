"""The matching engine without the ORM: the keys by which the same person is
recognized across channels (e-mail, phone numbers in E.164, national id,
economic code), the lock keys that serialize captures of the same person,
and the choice of the best match among candidates.

Used by the capture pipeline, the spreadsheet import and the conversion
wizard (through ``crm.lead._find_matching_leads`` and
``crm.lead._find_matching_partners``).
"""
import hashlib
import re

import phonenumbers

from .normalize import normalize_digits

#: the keys, strongest first: a national id outranks an e-mail address
MATCH_KEYS = ("external_id", "national_id", "vat", "email", "phone")
_EMAIL = re.compile(r"[^@\s<>\"(),;:\[\]]+@[^@\s<>\"(),;:\[\]]+\.[^@\s<>\"(),;:\[\].]{2,}")


def normalize_email(value):
    """The e-mail address as matched (lower-case, trimmed, Persian digits as
    ASCII), or ``False`` when ``value`` is not one address."""
    if not value or not isinstance(value, str):
        return False
    value = normalize_digits(value).strip().lower()
    return value if _EMAIL.fullmatch(value) else False


def normalize_phone(value, country_code=None):
    """``value`` in E.164 (``+989121234567``), read with Persian or
    Arabic-Indic digits and national prefixes (``0912…``) in the country
    ``country_code``; ``False`` when it is not a possible number."""
    if not value or not isinstance(value, str):
        return False
    value = normalize_digits(value).strip()
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(number):
        return False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def match_keys(email=None, phones=(), national_id=None, vat=None, external_id=None):
    """The match keys of a person, as ``(kind, value)`` pairs, strongest
    first: values already normalized (see normalize_email, normalize_phone,
    normalize.clean_identifier); empty ones are left out."""
    keys = []
    if external_id:
        keys.append(("external_id", external_id))
    if national_id:
        keys.append(("national_id", national_id))
    if vat:
        keys.append(("vat", vat))
    if email:
        keys.append(("email", email))
    keys.extend(("phone", phone) for phone in dict.fromkeys(phones) if phone)
    return keys


def lock_key(kind, value):
    """A signed 64-bit integer for the key ``(kind, value)``: what the
    capture pipeline locks so that two captures of the same person are
    serialized."""
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def index_ranked(candidates):
    """Index known records by their match keys, for rank_matches.

    :param candidates: ``(record_id, order, keys)`` triples: ``order`` any
        sortable value, lower first on ties; ``keys`` ``(kind, value)`` pairs
    :return: {key: [(order, record_id)]}
    """
    index = {}
    for record_id, order, keys in candidates:
        for key in dict.fromkeys(keys):
            index.setdefault(key, []).append((order, record_id))
    return index


def rank_matches(keys, index):
    """Every record sharing a key with ``keys``, best first: by the
    strongest key shared, then by the record's order.

    :param keys: ``match_keys()`` of the person looked for
    :param index: index_ranked() of the known records
    :return: ``[(record_id, kind)]``, each record once, with the strongest
        kind of key it shares
    """
    best = {}
    for kind, value in keys:
        strength = MATCH_KEYS.index(kind)
        for order, record_id in index.get((kind, value), ()):
            if record_id not in best or (strength, order) < best[record_id][:2]:
                best[record_id] = (strength, order, kind)
    return [(record_id, kind) for record_id, (__, __, kind) in sorted(best.items(), key=lambda item: item[1][:2])]


def index_candidates(candidates):
    """Index known records by their match keys, for best_match.

    :param candidates: ``(record_id, date, keys)`` triples, ``keys`` an
        iterable of ``(kind, value)`` pairs
    """
    return index_ranked((record_id, (-date.timestamp(), -record_id), keys) for record_id, date, keys in candidates)


def best_match(keys, index):
    """The record sharing the strongest key with ``keys``, the most recent
    one on ties (see rank_matches).

    :param keys: ``match_keys()`` of the person looked for
    :param index: index_candidates() of the known records
    :return: the record id, or ``None``
    """
    matches = rank_matches(keys, index)
    return matches[0][0] if matches else None


def phone_country_code(number):
    """The two-letter code of the country of ``number`` (in E.164, or
    with its international prefix: ``+98…`` is IR), or ``False`` when the
    prefix says none (a national number, a shared non-geographic code)."""
    if not number or not isinstance(number, str):
        return False
    try:
        parsed = phonenumbers.parse(normalize_digits(number).strip(), None)
    except phonenumbers.NumberParseException:
        return False
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != phonenumbers.UNKNOWN_REGION and region != "001" else False
