"""Secrets out of what the capture log keeps, without the ORM.

A submission may carry the caller's credentials (Google Ads' ``google_key``,
a token or key in a query string, a signature): each value named like a
secret is replaced by ``REDACTED`` before the submission is stored, in
dicts and lists at any depth and in raw bodies, JSON or form-encoded (or
broken: name/value pairs are found in the text).
"""
import json
import re
from urllib.parse import unquote_plus

REDACTED = "***"
#: values nested deeper are replaced as a whole (no payload of a channel is this deep)
MAX_DEPTH = 64
#: names (lower case, words joined by "_") whose values are secrets whatever their prefix
_SECRET_WORDS = r"token|secret|password|passwd|passphrase|pwd|signature|authorization|api_?key|access_key|private_key"
#: names of secrets by themselves only ("idempotency_key" is not one)
_SECRET_NAMES = r"key|google_key|webhook_key|auth|bearer|credentials?|sig|hmac|session_id"
SECRET_NAME = re.compile(rf"(?:^|_)(?:{_SECRET_WORDS})(?:_?\d+)?$|^(?:{_SECRET_NAMES})$")
#: a "name": value pair of JSON text, whole or broken
_JSON_PAIR = re.compile(r'"(?P<name>(?:[^"\\]|\\.){1,128})"(?P<sep>\s*:\s*)'
                        r'(?P<value>"(?:[^"\\]|\\.)*"?|[^\s,}\]]+)')
#: a name=value pair of a form-encoded body or a query string
_FORM_PAIR = re.compile(r"(?P<lead>^|[&;?\s])(?P<name>[^=&;?\s\"]{1,128})=(?P<value>[^&;\s\"]*)")


def is_secret_name(name):
    """Whether a value named ``name`` (any case, camelCase, dots or dashes)
    is a secret."""
    if not isinstance(name, str):
        return False
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return bool(SECRET_NAME.search(re.sub(r"[^a-z0-9]+", "_", name).strip("_")))


def redact_secrets(payload, _depth=0):
    """``payload`` with the value of each secret replaced by ``REDACTED``:
    a dict or list is redacted at any depth up to MAX_DEPTH (a copy is
    returned), a text or bytes body as JSON when it is JSON, else pair by
    pair; anything else is returned as is."""
    if isinstance(payload, (dict, list, tuple)) and _depth >= MAX_DEPTH:
        return REDACTED
    if isinstance(payload, dict):
        return {key: REDACTED if is_secret_name(key) and value not in (None, "", False)
                else redact_secrets(value, _depth + 1) for key, value in payload.items()}
    if isinstance(payload, (list, tuple)):
        return [redact_secrets(value, _depth + 1) for value in payload]
    if isinstance(payload, (bytes, bytearray)):
        payload = payload.decode("utf-8", "replace")
    if isinstance(payload, str):
        return _redact_text(payload)
    return payload


def _redact_text(text):
    """``text`` with its secrets redacted: as JSON when it parses, else
    pair by pair as a form-encoded body."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse: pair by pair
        data = None
    if isinstance(data, (dict, list)):
        redacted = redact_secrets(data)
        return text if redacted == data else json.dumps(redacted, ensure_ascii=False, indent=1)
    text = _JSON_PAIR.sub(lambda match: f'"{match["name"]}"{match["sep"]}"{REDACTED}"'
                          if is_secret_name(match["name"]) else match[0], text)
    return _FORM_PAIR.sub(lambda match: f"{match['lead']}{match['name']}={REDACTED}"
                          if match["value"] and is_secret_name(unquote_plus(match["name"])) else match[0], text)
