"""Territory matching and salesperson choice without the ORM."""
import re

from .normalize import normalize_text

TEMPERATURE_RANKS = {"cold": 0, "warm": 1, "hot": 2}


def parse_lines(value):
    """Cities or zip prefixes typed one per line (or separated by commas),
    normalized for matching; empty lines dropped."""
    return {normalize_text(part) for part in re.split(r"[\n,،;]+", value or "") if normalize_text(part)}


def matches(criteria, lead):
    """Whether ``lead`` satisfies every criterion that is set.

    :param dict criteria: sets of ids or normalized strings per criterion
        (``country_ids``, ``state_ids``, ``cities``, ``zip_prefixes``,
        ``lang_ids``, ``industry_ids``, ``specialty_ids``, ``tag_ids``) and
        ``min_temperature``; an empty criterion matches anything
    :param dict lead: ``country_id``, ``state_id``, ``city``, ``zip``,
        ``lang_id``, ``industry_id`` (ids or False), ``specialty_ids``,
        ``tag_ids`` (sets of ids) and ``temperature``
    """
    for key in ("country_ids", "state_ids", "lang_ids", "industry_ids"):
        if criteria.get(key) and lead.get(key[:-1]) not in criteria[key]:
            return False
    for key in ("specialty_ids", "tag_ids"):
        if criteria.get(key) and not criteria[key] & lead.get(key, set()):
            return False
    if criteria.get("cities") and normalize_text(lead.get("city") or "") not in criteria["cities"]:
        return False
    if criteria.get("zip_prefixes"):
        zip_code = normalize_text(lead.get("zip") or "").replace(" ", "")
        if not zip_code or not any(zip_code.startswith(prefix.replace(" ", "")) for prefix in criteria["zip_prefixes"]):
            return False
    minimum = criteria.get("min_temperature")
    return not (minimum and TEMPERATURE_RANKS.get(lead.get("temperature"), 0) < TEMPERATURE_RANKS[minimum])


def choose_salesperson(user_ids, loads, max_open, method, position, excluded=None):
    """Pick a salesperson of a territory, or None when all are full.

    :param list user_ids: the territory's salespeople, in a stable order
    :param dict loads: open leads per salesperson (updated by the caller)
    :param int max_open: cap of open leads per salesperson (0: no cap)
    :param str method: ``round_robin`` or ``least_loaded``
    :param int position: round-robin position: index of the last one chosen
    :param int excluded: a salesperson not to choose (the one who let the lead wait)
    :return: ``(user_id, new_position)`` or ``(None, position)``
    """
    count = len(user_ids)
    order = [user_ids[(position + 1 + offset) % count] for offset in range(count)] if count else []
    available = [user for user in order
                 if user != excluded and (not max_open or loads.get(user, 0) < max_open)]
    if not available:
        return None, position
    if method == "least_loaded":
        chosen = min(available, key=lambda user: loads.get(user, 0))   # ties: round-robin order
    else:
        chosen = available[0]
    return chosen, user_ids.index(chosen)
