#!/usr/bin/env python3
"""Malformed requests to the capture channels: no 500, no partial lead,
every refusal logged with its reason.

The database of bench_capture_api.py (``lead_management_bench_api``,
created or updated, prepared the same way: a salesperson with a fresh API
key, a web form embedded on https://allowed.bench.example, rates no run
reaches) and the same server (``--workers=2``, no cron, loopback), started
here and stopped at the end, with ``--proxy-mode``: each request says its own
address (X-Forwarded-For 10.x.y.z), so that each row of the capture log is
traced back to the request that wrote it.

``--count`` requests (default 10,000; request i is generated from
``--seed`` and i, and can be sent again alone), from ``--clients`` threads
(default 8), each a new connection, in categories (see CATEGORIES):

- lead API with a valid key: wrong types (numbers, lists, objects, null,
  booleans), missing contact, unknown fields, values too long (up to ~900
  kB) and bodies over 1 MB (up to ~2 MB), control characters and NUL bytes,
  lone surrogates, invalid and truncated JSON, deep nesting, wrong content
  types, invalid UTF-8, lists of more than 100, empty lists, nested lists,
  JSON scalars, odd numbers, odd headers, bodies shorter than announced,
  other methods;
- lead API with a forged, truncated, absent or malformed key;
- web form: forged and archived tokens, a valid token with bad values
  (form-encoded, multipart and JSON), honeypot, fill time, origins not
  allowed, preflights, wrong body types, browsers asking for HTML.

Every payload is invalid, so no request may create a lead -- except those
with a forged API key or token, or caught as spam, which carry a valid lead:
refusing them is what they test. Hence the checks, after the run:

- no answer 500 (and none without an HTTP answer);
- no lead created during the run, and no "partial lead" (neither e-mail nor
  phone nor mobile), no existing lead written;
- the capture log has, for each request that reached the capture code, one
  row per payload (lists: one per element), status rejected with a non-empty
  error -- requests answered before it (401 of Odoo's authentication, 405,
  413, 429, preflights) have none, as do those whose body never arrived.

Each distinct 500 is sent again alone afterwards, and printed with the
server's traceback. Exits with 1 if a check fails.

    python3 bench/fuzz_capture.py --addons-path=... [--count 10000] [--clients 8] [--seed 1]
"""
import argparse
import json
import os
import queue
import random
import re
import string
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import quote, urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (
    CAPTURE_API_PATH,
    CAPTURE_DB,
    CAPTURE_FORM_PATH,
    ensure_database,
    environment,
    http_request,
    prepare_capture_database,
    read_log,
    setup_odoo,
    start_server,
    stop_server,
)

#: lead fields and extra keys of the API, and their maximum length (crm_lead_capture.py)
API_FIELDS = {
    "name": 255, "contact_name": 128, "partner_name": 128, "email_from": 254, "phone": 64, "mobile": 64,
    "function": 128, "website": 255, "street": 255, "street2": 255, "city": 128, "zip": 32,
    "national_id": 32, "vat": 32, "description": 10000, "country": 64, "state": 64, "lang": 16,
    "external_id": 128, "idempotency_key": 128, "utm_source": 128, "utm_medium": 128, "utm_campaign": 128,
    "gclid": 255, "fbclid": 255, "referrer": 2048, "landing_page": 2048,
}
#: what the bench form accepts (its default fields and the tracking ones)
FORM_FIELDS = {key: API_FIELDS[key] for key in (
    "contact_name", "email_from", "mobile", "partner_name", "description", "utm_source", "utm_medium",
    "utm_campaign", "gclid", "fbclid", "referrer", "landing_page", "idempotency_key")}
#: fields whose numbers the API reads as text
NUMERIC_FIELDS = {"phone", "mobile", "national_id", "vat", "zip", "external_id"}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
API_MAX_BODY = 1024 * 1024
FORM_MAX_BODY = 64 * 1024
ODD_TEXTS = [
    "'; DROP TABLE crm_lead; --", "<script>alert(1)</script>", "%", "_", "%_%", "\\", "${7*7}", "{{7*7}}",
    "\u202eevil\u202c", "\u200b\u200c\u200d", "e\u0301\u0301\u0301", "😀" * 5, "ﷺ", "Ａｂｃ", "\ufeff",
    "\u0000", "\x01\x02\x1f\x7f", "\r\n\r\nX-Injected: 1", "\t\n", "   ", "null", "None", "NaN",
    "علی\u200cرضا", "ي ك ى", "٠١٢٣٤٥٦٧٨٩", "a\x00b",
]
#: what the PostgreSQL text type cannot hold: lone surrogates, NUL (tried apart: see the "NUL" categories)
LONE_SURROGATES = ["\ud800", "a\udfffb", "\udc80\ud800", "😀\ud83d"]
#: keys still unknown once their NUL is dropped ("email_from\x00" would be a valid e-mail field)
NUL_KEYS = ["x\x00", "\x00", "email_from\x00x", "k\x00ey"]
WRONG_VALUES = [[], [1, 2], {}, {"a": 1}, {"$gt": ""}, True, 0, -1, 1.5, 1e308, [[[]]], [None], ["a@b.cd"],
                {"email_from": "a@b.cd"}]
UNKNOWN_KEYS = ["id", "user_id", "stage_id", "probability", "active", "type", "company_id", "create_uid",
                "__proto__", "constructor", "Email_From", "email", "e-mail", "x_custom", "", " ", "a" * 300,
                "ключ", "کلید", "\x1b[31m", "message_ids", "partner_id", "tag_ids"]
BAD_EMAILS = ["no-at-sign", "two@@example.com", "a@b", "a@b.c", "<a@b.cd>", "a b@c.de", "a@b..", "@b.cd",
              "a@", "a@b.cd, c@d.ef", "a@b.cd;", "a@[1.2.3.4]", "\"a\"@b.cd"]
BAD_PHONES = ["abc", "+", "12", "++98912", "0", "-", "phone", "۱۲", "+98 912 345 678 901 234 567", "()"]
FORGED_AUTH = ["Bearer ", "Bearer", "bearer x", "Basic YWRtaW46YWRtaW4=", "Token abc", "Bearer null",
               "Bearer undefined", "Bearer ' OR 1=1 --", "Bearer %s" % ("A" * 8000)]


def email(rng):
    return f"fuzz{rng.randrange(10**12)}@fuzz.bench.example"


def mobile(rng):
    number = f"0912{rng.randrange(10**7):07d}"
    return number.translate(PERSIAN_DIGITS) if rng.random() < 0.5 else "+98" + number[1:]


def valid_lead(rng, form=False):
    """A lead the channel would capture (with a forged key or token, or as spam)."""
    lead = {"contact_name": rng.choice(["Fuzz Person", "علی رضایی", "ნინო"]), "email_from": email(rng)}
    if rng.random() < 0.7:
        lead["mobile"] = mobile(rng)
    if not form and rng.random() < 0.5:
        lead.update(city="تهران", utm_source="Fuzz")
    return lead


def base_lead(rng, form=False):
    """A few plausible fields, some odd."""
    fields = list(FORM_FIELDS if form else API_FIELDS)
    lead = {}
    for key in rng.sample(fields, rng.randint(1, min(8, len(fields)))):
        lead[key] = plausible(rng, key)
    if rng.random() < 0.3:
        key = rng.choice(list(lead))
        lead[key] = rng.choice(ODD_TEXTS) if rng.random() < 0.7 else rng.choice([*WRONG_VALUES, None, "", False])
    return lead


def plausible(rng, key):
    values = {
        "email_from": email(rng), "mobile": mobile(rng), "phone": f"021{rng.randrange(10**8):08d}",
        "country": rng.choice(["IR", "Iran", "GE", "ir", "XX", "%"]), "state": rng.choice(["Tehran", "THR", "%"]),
        "lang": rng.choice(["en", "en_US", "en-US", "fa_IR"]), "national_id": rng.choice(["0499370899", "123"]),
        "description": "توضیح\nline 2\tend", "website": "https://example.com/path?q=1",
        "referrer": "https://google.com/?q=" + "x" * rng.randrange(50),
    }
    return values.get(key, rng.choice(["Fuzz", "فاز", "Fuzz Co.", "x" * rng.randrange(1, 40)]))


def poison(rng, lead, form=False, json_body=True):
    """Make ``lead`` certainly refused by crm.lead._capture_prepare (the last change to it)."""
    fields = FORM_FIELDS if form else API_FIELDS
    kinds = ["unknown", "over_length", "bad_email", "bad_phone", "no_contact"]
    if json_body:
        kinds.append("wrong_type")
    if not form:
        kinds += ["bad_country", "bad_lang"]
    kind = rng.choice(kinds)
    if kind == "unknown":
        keys = UNKNOWN_KEYS + (["phone", "city", "national_id", "country"] if form else ["consent"])
        key = rng.choice(keys)
        lead[key] = plausible(rng, "name") if rng.random() < 0.5 else rng.choice(ODD_TEXTS)
    elif kind == "over_length":
        key = rng.choice(list(fields))
        length = fields[key] + 1 + (rng.randrange(1000) if rng.random() < 0.9 else rng.randrange(900_000))
        if form:
            length = min(length, fields[key] + 1 + 20_000)   # the form's 64 kB
        lead[key] = rng.choice("aبx") * length
    elif kind == "bad_email":
        lead["email_from"] = rng.choice(BAD_EMAILS)
    elif kind == "bad_phone":
        lead[rng.choice(["mobile", "phone"] if not form else ["mobile"])] = rng.choice(BAD_PHONES)
    elif kind == "no_contact":
        for key in ("email_from", "phone", "mobile"):
            if rng.random() < 0.5 or not json_body:
                lead.pop(key, None)
            else:
                lead[key] = rng.choice([None, "", False, "   ", "\x00", "\u200b\x01"] if json_body else [""])
        if not json_body:
            lead.setdefault("contact_name", "No contact")
    elif kind == "wrong_type":
        key = rng.choice([key for key in fields if key not in NUMERIC_FIELDS])
        lead[key] = rng.choice([value for value in WRONG_VALUES if value not in (0,)])
    elif kind == "bad_country":
        lead["country"] = rng.choice(["Atlantis", "ZZ", "Q", "Narnia", "Mordor"])
    elif kind == "bad_lang":
        lead["lang"] = rng.choice(["xx", "xx-XX", "klingon", "zz_ZZ"])
    return lead


def dumps(rng, data):
    """JSON bytes, ASCII-escaped or not (lone surrogates then become invalid UTF-8)."""
    return json.dumps(data, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def form_encode(rng, data):
    """Form-encoded bytes, the odd characters percent-encoded (NUL becomes %00)."""
    pairs = [(str(key).encode("utf-8", "surrogatepass"), str(value).encode("utf-8", "surrogatepass"))
             for key, value in data.items()]
    if rng.random() < 0.1:
        pairs.append((b"contact_name", b"%FF%FE invalid UTF-8"))
    return urlencode(pairs).encode()


def multipart(rng, data, file=False):
    boundary = f"----fuzz{rng.randrange(10**9)}"
    parts = []
    for key, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode(
            "utf-8", "surrogatepass") + str(value).encode("utf-8", "surrogatepass") + b"\r\n")
    if file:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n%PDF-1.4 fuzz\r\n".encode())
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Case:
    """One request, and what the capture log should have of it."""

    def __init__(self, category, target, body=b"", headers=(), method="POST", path=None, payloads=1,
                 half_close=False, raw_path=None):
        self.category, self.target, self.body, self.method = category, target, body, method
        self.headers, self.path, self.payloads, self.half_close = list(headers), path, payloads, half_close
        self.raw_path = raw_path
        self.note = None   # what the report details (the fill time sent, the kind of NUL)

    def expected_rows(self, status):
        """Rows of the capture log expected for the answer ``status``
        (None: a 500, checked apart)."""
        if status >= 500 or status == 0:
            return None
        if self.half_close:
            return 0   # the body never arrived: refused by werkzeug before the route
        if self.method != "POST" or status in (401, 405, 413, 429):
            return 0
        if self.target == "api":
            # 403: Odoo's authentication (a malformed key), or a key of a user without sales rights
            return 0 if status == 403 else 1 if status == 400 else self.payloads
        return 1


class Generator:
    def __init__(self, info, seed):
        self.info, self.seed = info, seed

    def api_headers(self, rng, content_type="application/json"):
        headers = [("Authorization", f"Bearer {self.info['key']}")]
        if content_type is not None:
            headers.append(("Content-Type", content_type))
        return headers

    def form_path(self, token=None):
        return CAPTURE_FORM_PATH + quote(token or self.info["token"], safe="")

    def form_headers(self, rng, content_type="application/x-www-form-urlencoded", origin=True):
        headers = [("Content-Type", content_type)] if content_type else []
        if origin is True:
            origin = rng.choice([self.info["origin"], None])
        if origin:
            headers.append(("Origin", origin))
        return headers

    def make(self, index):
        rng = random.Random(f"{self.seed}:{index}")
        category = rng.choices(list(CATEGORIES), weights=[weight for weight, _make in CATEGORIES.values()])[0]
        case = CATEGORIES[category][1](self, rng)
        case.category = category
        if case.path is None:
            case.path = CAPTURE_API_PATH if case.target == "api" else self.form_path()
        return case

    # lead API, valid key

    def api_json(self, rng, data, payloads=1, **kwargs):
        return Case("", "api", dumps(rng, data), self.api_headers(rng), payloads=payloads, **kwargs)

    def api_wrong_types(self, rng):
        lead = base_lead(rng)
        for key in rng.sample(list(lead), rng.randint(1, len(lead))):
            lead[key] = rng.choice([*WRONG_VALUES, None, False, ""]) if key not in NUMERIC_FIELDS \
                else rng.choice([*WRONG_VALUES, 9121234567, 0.5, -7])
        return self.api_json(rng, poison(rng, lead))

    def api_unknown_fields(self, rng):
        lead = base_lead(rng)
        for _unknown in range(rng.randint(1, 5)):
            lead[rng.choice(UNKNOWN_KEYS)] = plausible(rng, "name")
        return self.api_json(rng, poison(rng, lead))

    def api_missing_contact(self, rng):
        lead = base_lead(rng)
        for key in ("email_from", "phone", "mobile"):
            lead.pop(key, None)
        if rng.random() < 0.5:
            lead[rng.choice(["email_from", "phone", "mobile"])] = rng.choice([None, "", False, " \t ", "\x00\x01"])
        return self.api_json(rng, lead)   # no contact: refused as it is

    def api_bad_values(self, rng):
        lead = base_lead(rng)
        lead.update(email_from=rng.choice([*BAD_EMAILS, email(rng)]), mobile=rng.choice([*BAD_PHONES, mobile(rng)]))
        if rng.random() < 0.5:
            lead["national_id"] = rng.choice(["123", "0000000000", "abc", "۱۲۳۴۵۶۷۸۹۰", "1" * 32])
        return self.api_json(rng, poison(rng, lead))

    def api_over_length(self, rng):
        lead = base_lead(rng)
        key = rng.choice(list(API_FIELDS))
        length = API_FIELDS[key] + 1 + (rng.randrange(2000) if rng.random() < 0.85 else rng.randrange(900_000))
        lead[key] = rng.choice(["a", "ب", "😀", " a"]) * length
        return self.api_json(rng, lead)

    def api_huge_body(self, rng):
        lead = poison(rng, base_lead(rng))
        lead["description"] = "x" * rng.randrange(API_MAX_BODY + 1, 2 * API_MAX_BODY)
        return self.api_json(rng, lead)

    def api_control_chars(self, rng):
        lead = base_lead(rng)
        controls = "".join(chr(code) for code in [*range(32), 127, 0x85, 0x2028, 0x2029])
        for key in rng.sample(list(lead), rng.randint(1, len(lead))):
            if isinstance(lead[key], str):
                text = list(lead[key])
                for _insert in range(rng.randint(1, 5)):
                    text.insert(rng.randrange(len(text) + 1), rng.choice(controls))
                lead[key] = "".join(text)
        return self.api_json(rng, poison(rng, lead))

    def api_nul_in_keys(self, rng):
        lead = base_lead(rng)
        lead[rng.choice(NUL_KEYS)] = rng.choice(["NUL in a key", 1, None])
        return self.api_json(rng, lead)

    def api_surrogates(self, rng):
        lead = base_lead(rng)
        lead[rng.choice([*API_FIELDS, "x_unknown"])] = rng.choice(LONE_SURROGATES)
        return self.api_json(rng, poison(rng, lead))

    def api_like_patterns(self, rng):
        """Countries and states are looked up with =ilike: LIKE wildcards and escapes in the value."""
        lead = base_lead(rng)
        lead[rng.choice(["country", "state"])] = rng.choice(["%", "_", "\\", "a\\", "%\\", "I_", "%an", "\\%"])
        return self.api_json(rng, poison(rng, lead))

    def api_invalid_json(self, rng):
        body = rng.choice([
            b"", b"{", b"}", b"{'email_from': 'a@b.cd'}", b'{"email_from": "a@b.cd",}', b"[1, 2",
            b'{"email_from": "a@b.cd"', b"null null", b'{"a": undefined}', b"NaNx", b"\x00", b'{"a": "\\x41"}',
            b"\xef\xbb\xbf{}", b'{"a": 1} garbage', b"[]]", b"<lead><email>a@b.cd</email></lead>",
            b"email_from=a@b.cd", b'{"email_from": "a@b.cd" "mobile": "1"}', b'{"a":01}', b'{"a":"\t"}',
            b"\x1f\x8b\x08\x00", b'{"a": "\\u12"}', b'{"a": 1e}', b"-", b"--", b'"unterminated', b"{}" * 3,
            bytes(rng.randrange(256) for _byte in range(rng.randrange(1, 200))),
        ])
        return Case("", "api", body, self.api_headers(rng))

    def api_truncated_json(self, rng):
        payloads = rng.choice([1, rng.randint(2, 20)])
        data = [poison(rng, base_lead(rng)) for _item in range(payloads)]
        body = dumps(rng, data[0] if payloads == 1 else data)
        return Case("", "api", body[:rng.randrange(len(body))], self.api_headers(rng))

    def api_deep_nesting(self, rng):
        depth = rng.choice([50, 500, 990, 1000, 5000, 100_000])
        if rng.random() < 0.5:
            body = b"[" * depth + b"]" * depth
            return Case("", "api", body, self.api_headers(rng), payloads=1)
        body = b'{"a":' * depth + b"1" + b"}" * depth
        return Case("", "api", body, self.api_headers(rng))

    def api_content_type(self, rng):
        lead = poison(rng, base_lead(rng))
        content_type = rng.choice([
            "text/plain", "application/xml", None, "", "application/jsonx", "application/ld+json", "json",
            "application/x-www-form-urlencoded", "multipart/form-data", "APPLICATION/JSON",
            "application/json; charset=utf-16", "application/json; charset=latin-1", "application/json;;;",
            "text/html; charset=utf-8", "*/*", "application/json, text/plain"])
        body = dumps(rng, lead)
        if content_type == "application/x-www-form-urlencoded":
            body = form_encode(rng, lead)
        elif content_type == "multipart/form-data":
            body, content_type = multipart(rng, lead, file=rng.random() < 0.5)
        elif content_type and "utf-16" in content_type:
            body = json.dumps(lead).encode("utf-16")
        elif content_type and "latin-1" in content_type:
            body = json.dumps(lead, ensure_ascii=False).encode("latin-1", "replace")
        return Case("", "api", body, self.api_headers(rng, content_type))

    def api_invalid_utf8(self, rng):
        body = dumps(rng, poison(rng, base_lead(rng)))
        bad = rng.choice([b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xf8\x88\x80\x80\x80",
                          b"\x80", b"\xf4\x90\x80\x80"])
        position = body.rfind(b'"', 0, len(body) - 1) or 1
        return Case("", "api", body[:position] + bad + body[position:], self.api_headers(rng))

    def api_list_too_long(self, rng):
        count = rng.choice([101, 102, 150, 1000, rng.randint(101, 5000)])
        return self.api_json(rng, [{"x": index} for index in range(count)], payloads=count)

    def api_empty_list(self, rng):
        return Case("", "api", rng.choice([b"[]", b" [ ] ", b"[\n]"]), self.api_headers(rng))

    def api_nested_lists(self, rng):
        count = rng.randint(1, 100)
        data = [rng.choice([[poison(rng, base_lead(rng))], [], [[]], [valid_lead(rng)], [1, 2]])
                for _item in range(count)]
        return self.api_json(rng, data, payloads=count)

    def api_list_of_bad_leads(self, rng):
        count = rng.randint(1, 100)
        data = [rng.choice([poison(rng, base_lead(rng)), None, 1, "lead", True, [], {}]) for _item in range(count)]
        return self.api_json(rng, data, payloads=count)

    def api_json_scalar(self, rng):
        body = rng.choice([b"1", b'"a@b.cd"', b"null", b"true", b"false", b"3.5", b"-0", b'""', b"1e999"])
        return Case("", "api", body, self.api_headers(rng))

    def api_numbers(self, rng):
        lead = poison(rng, base_lead(rng))
        text = dumps(rng, lead)[:-1]
        key = rng.choice(list(API_FIELDS))
        number = rng.choice([b"1e999", b"-1e999", b"NaN", b"Infinity", b"-Infinity", b"-0", b"1e-400",
                             b"9" * 5000, b"123456789012345678901234567890", b"0.1e1", b"9121234567"])
        separator = b", " if len(text) > 1 else b""
        return Case("", "api", text + separator + f'"{key}": '.encode() + number + b"}", self.api_headers(rng))

    def api_headers_odd(self, rng):
        lead = poison(rng, base_lead(rng))
        body = dumps(rng, lead)
        headers = self.api_headers(rng)
        extra = rng.choice([
            ("Idempotency-Key", "k" * rng.randrange(1, 5000)), ("Idempotency-Key", b"\xff\xfe\x80"),
            ("Idempotency-Key", ""), ("Accept", "text/html"), ("Accept", "*/*;q=abc"),
            ("Accept-Language", rng.choice(["fa-IR,fa;q=0.9", "*", "xx", "q=abc", "\xe9"])),
            ("Content-Type", "text/plain"), ("Cookie", "session_id=forged; frontend_lang=fa_IR"),
            ("X-Requested-With", "XMLHttpRequest"), ("Content-Length", str(max(0, len(body) - 5))),
        ])
        headers.append(extra)
        return Case("", "api", body, headers)

    def api_short_body(self, rng):
        body = dumps(rng, poison(rng, base_lead(rng)))
        headers = [*self.api_headers(rng), ("Content-Length", str(len(body) + rng.randint(1, 1000)))]
        return Case("", "api", body, headers, half_close=True)

    def api_many_unknown_keys(self, rng):
        count = rng.choice([1000, 10_000, 50_000])
        return self.api_json(rng, {f"k{index}": 1 for index in range(count)})

    def api_method(self, rng):
        return Case("", "api", dumps(rng, valid_lead(rng)), self.api_headers(rng),
                    method=rng.choice(["GET", "PUT", "DELETE", "PATCH", "HEAD"]))

    def api_forged_key(self, rng):
        key = self.info["key"]
        authorization = rng.choice([
            *FORGED_AUTH, f"Bearer {key[:-1]}", f"Bearer {key}0", f"Bearer {key.upper()}",
            f"Bearer {key[:8]}{'0' * (len(key) - 8)}",
            f"Bearer {''.join(rng.choice('0123456789abcdef') for _c in key)}", None, f"Bearer {key[::-1]}",
            f"Basic {key}"])
        headers = [("Content-Type", "application/json")]
        if authorization is not None:
            headers.append(("Authorization", authorization))
        return Case("", "api", dumps(rng, valid_lead(rng)), headers)

    def api_forged_key_bytes(self, rng):
        headers = [("Content-Type", "application/json"),
                   ("Authorization", b"Bearer " + rng.choice([b"\xff\xfe", b"\x00" * 8, b"abc\x00def", b"\x80" * 40]))]
        return Case("", "api", dumps(rng, valid_lead(rng)), headers)

    # web form

    def form_forged_token(self, rng):
        token = rng.choice([
            "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _c in range(24)),
            "x" * rng.randint(65, 500), "توکن", "' OR '1'='1", "%", "_", "*", "a b", "tok\ten", "\x7f",
            self.info["token"][:-1], self.info["token"] + "x", self.info["token"].upper(), "null", "..."])
        body = dumps(rng, {**valid_lead(rng, form=True), "lm_elapsed": 10}) if rng.random() < 0.3 \
            else form_encode(rng, {**valid_lead(rng, form=True), "lm_elapsed": "10"})
        content_type = "application/json" if body[:1] == b"{" else "application/x-www-form-urlencoded"
        return Case("", "form", body, self.form_headers(rng, content_type), path=self.form_path(token))

    def form_archived_token(self, rng):
        body = form_encode(rng, {**valid_lead(rng, form=True), "lm_elapsed": "10"})
        return Case("", "form", body, self.form_headers(rng), path=self.form_path(self.info["archived_token"]))

    def form_bad_values_encoded(self, rng):
        lead = poison(rng, {**base_lead(rng, form=True), "lm_elapsed": "10"}, form=True, json_body=False)
        if rng.random() < 0.5:
            body, content_type = form_encode(rng, lead), "application/x-www-form-urlencoded"
        else:
            body, content_type = multipart(rng, lead)
        return Case("", "form", body, self.form_headers(rng, content_type))

    def form_bad_values_json(self, rng):
        lead = poison(rng, {**base_lead(rng, form=True), "lm_elapsed": rng.choice([10, "10", 10.5])}, form=True)
        return Case("", "form", dumps(rng, lead), self.form_headers(rng, "application/json"))

    def form_honeypot(self, rng):
        lead = {**valid_lead(rng, form=True), "lm_elapsed": "10"}
        if rng.random() < 0.5:
            lead["lm_hp"] = rng.choice([1, True, "x", [1], {"a": 1}, " ", "0"])
            return Case("", "form", dumps(rng, lead), self.form_headers(rng, "application/json"))
        lead["lm_hp"] = rng.choice(["http://spam.example", "0", " ", "x" * 1000])
        return Case("", "form", form_encode(rng, lead), self.form_headers(rng))

    def form_fill_time(self, rng):
        lead = poison(rng, base_lead(rng, form=True), form=True, json_body=False)
        elapsed = rng.choice(["", "0", "1", "2.99", "-10", "abc", "nan", "NaN", "inf", "-inf", "1e309", None])
        if elapsed is not None:
            lead["lm_elapsed"] = elapsed
        case = Case("", "form", form_encode(rng, lead), self.form_headers(rng))
        case.note = "absent" if elapsed is None else repr(elapsed)
        return case

    def form_invalid_origin(self, rng):
        lead = poison(rng, {**base_lead(rng, form=True), "lm_elapsed": "10"}, form=True, json_body=False)
        origin = rng.choice([
            f"https://evil{rng.randrange(1000)}.example", "null", "http://allowed.bench.example",
            "https://allowed.bench.example.evil.com", "https://ALLOWED.bench.example", "https://allowed.bench.example/",
            "https://" + "a" * 5000 + ".example", b"https://evil\x01.example", b"https://\xff\xfe.example",
            "file://", "javascript:alert(1)", "https://allowed.bench.example:443"])
        return Case("", "form", form_encode(rng, lead), self.form_headers(rng, origin=origin))

    def form_nul(self, rng):
        """What PostgreSQL text cannot hold, where a form puts it in the log."""
        kind = rng.choice(["key_encoded", "key_json", "surrogate_json", "token", "origin"])
        lead = {**base_lead(rng, form=True), "lm_elapsed": "10"}
        headers = self.form_headers(rng, "application/json" if kind in ("key_json", "surrogate_json") else
                                    "application/x-www-form-urlencoded")
        path = None
        if kind in ("key_encoded", "key_json"):
            lead[rng.choice(NUL_KEYS)] = "NUL in a key"
        elif kind == "surrogate_json":
            lead[rng.choice(list(FORM_FIELDS))] = rng.choice(LONE_SURROGATES)
            lead = poison(rng, lead, form=True)
        elif kind == "token":
            lead = poison(rng, lead, form=True, json_body=False)
            path = self.form_path(rng.choice(["\x00", "tok\x00en", self.info["token"] + "\x00"]))
        else:
            lead = poison(rng, lead, form=True, json_body=False)
            headers = [("Content-Type", "application/x-www-form-urlencoded"),
                       ("Origin", rng.choice([b"https://evil\x00.example", b"\x00", b"null\x00"]))]
        body = dumps(rng, lead) if kind in ("key_json", "surrogate_json") else form_encode(rng, lead)
        case = Case("", "form", body, headers, path=path)
        case.note = kind
        return case

    def form_preflight(self, rng):
        token = rng.choice([self.info["token"], self.info["archived_token"], "forged"])
        origin = rng.choice([self.info["origin"], "https://evil.example", None, "null"])
        headers = [("Access-Control-Request-Method", "POST")] + ([("Origin", origin)] if origin else [])
        return Case("", "form", b"", headers, method="OPTIONS", path=self.form_path(token))

    def form_body_type(self, rng):
        lead = poison(rng, {**base_lead(rng, form=True), "lm_elapsed": "10"}, form=True, json_body=False)
        kind = rng.choice(["text", "none", "invalid_json", "json_list", "json_scalar", "file", "no_boundary",
                           "garbage_multipart", "too_large", "empty", "xml"])
        content_type, body = "application/x-www-form-urlencoded", form_encode(rng, lead)
        if kind == "text":
            content_type = "text/plain"
        elif kind == "none":
            content_type = None
        elif kind == "invalid_json":
            content_type, body = "application/json", rng.choice([b"{", b"", b"{'a': 1}", b"\xff\xfe", b"[" * 5000])
        elif kind == "json_list":
            content_type, body = "application/json", dumps(rng, [lead, lead])
        elif kind == "json_scalar":
            content_type, body = "application/json", rng.choice([b"1", b"null", b'"x"', b"true"])
        elif kind == "file":
            body, content_type = multipart(rng, lead, file=True)
        elif kind == "no_boundary":
            content_type = "multipart/form-data"
        elif kind == "garbage_multipart":
            content_type = "multipart/form-data; boundary=xyz"
            body = rng.choice([b"--xyz\r\ngarbage", b"--xyz--", b"\x00\x01\x02", b"--xyz\r\n\r\n\r\n--xyz"])
        elif kind == "too_large":
            lead["description"] = "x" * rng.randrange(FORM_MAX_BODY, 3 * FORM_MAX_BODY)
            body = form_encode(rng, lead)
        elif kind == "empty":
            body = b""
        elif kind == "xml":
            content_type, body = "application/xml", b"<lead/>"
        return Case("", "form", body, self.form_headers(rng, content_type))

    def form_html(self, rng):
        if rng.random() < 0.5:
            case = self.form_honeypot(rng)
        else:
            case = self.form_bad_values_encoded(rng)
        case.headers.append(("Accept", rng.choice(["text/html", "text/html,application/xhtml+xml,*/*;q=0.8"])))
        return case


#: category: (weight, generator method)
CATEGORIES = {
    "api wrong types": (10, Generator.api_wrong_types),
    "api unknown fields": (6, Generator.api_unknown_fields),
    "api missing contact": (6, Generator.api_missing_contact),
    "api bad values": (6, Generator.api_bad_values),
    "api over-length": (4, Generator.api_over_length),
    "api body > 1 MB": (0.6, Generator.api_huge_body),
    "api control chars": (6, Generator.api_control_chars),
    "api NUL in keys": (1.5, Generator.api_nul_in_keys),
    "api lone surrogates": (1.5, Generator.api_surrogates),
    "api LIKE patterns": (1, Generator.api_like_patterns),
    "api invalid JSON": (6, Generator.api_invalid_json),
    "api truncated JSON": (5, Generator.api_truncated_json),
    "api deep nesting": (2, Generator.api_deep_nesting),
    "api content type": (5, Generator.api_content_type),
    "api invalid UTF-8": (4, Generator.api_invalid_utf8),
    "api list > 100": (2, Generator.api_list_too_long),
    "api empty list": (1, Generator.api_empty_list),
    "api nested lists": (2, Generator.api_nested_lists),
    "api list of bad leads": (4, Generator.api_list_of_bad_leads),
    "api JSON scalar": (2, Generator.api_json_scalar),
    "api odd numbers": (3, Generator.api_numbers),
    "api odd headers": (3, Generator.api_headers_odd),
    "api short body": (0.5, Generator.api_short_body),
    "api many unknown keys": (0.3, Generator.api_many_unknown_keys),
    "api other methods": (1, Generator.api_method),
    "api forged key": (7, Generator.api_forged_key),
    "api forged key bytes": (1, Generator.api_forged_key_bytes),
    "form forged token": (5, Generator.form_forged_token),
    "form archived token": (1, Generator.form_archived_token),
    "form bad values (encoded)": (5, Generator.form_bad_values_encoded),
    "form bad values (JSON)": (4, Generator.form_bad_values_json),
    "form honeypot": (2, Generator.form_honeypot),
    "form fill time": (2, Generator.form_fill_time),
    "form invalid origin": (3, Generator.form_invalid_origin),
    "form NUL/surrogates": (1.5, Generator.form_nul),
    "form preflight": (1, Generator.form_preflight),
    "form body type": (3, Generator.form_body_type),
    "form accept HTML": (1, Generator.form_html),
}


def address(index, block=10):
    """The X-Forwarded-For of request ``index``: its rows in the capture log."""
    return f"{block}.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"


def send(port, case, index, block=10):
    headers = [("X-Forwarded-For", address(index, block)), ("X-Forwarded-Host", f"127.0.0.1:{port}"),
               *case.headers]
    try:
        status, answer_headers, content, seconds = http_request(
            port, case.method, case.path, headers, case.body, half_close=case.half_close)
    except OSError as error:
        return 0, {}, str(error).encode(), 0.0
    return status, answer_headers, content, seconds


def prepare(args):
    env = environment(CAPTURE_DB)
    try:
        info = prepare_capture_database(env)
        archived = env["lead.capture.form"].with_context(active_test=False).search(
            [("name", "=", "Bench archived form")], limit=1) \
            or env["lead.capture.form"].create({"name": "Bench archived form"})
        archived.active = False
        info["archived_token"] = archived.sudo().token
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_lead")
        info["lead_id_before"] = env.cr.fetchone()[0]
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM lead_capture_log")
        info["log_id_before"] = env.cr.fetchone()[0]
        env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        info["start"] = env.cr.fetchone()[0]
        env.cr.commit()
    finally:
        env.cr.close()
    return info


def check_database(info):
    """What the run left: leads created, partial, written; the log rows by address."""
    env = environment(CAPTURE_DB)
    try:
        cr = env.cr
        cr.execute("SELECT count(*) FROM crm_lead WHERE id > %s", (info["lead_id_before"],))
        created = cr.fetchone()[0]
        cr.execute("""SELECT count(*) FROM crm_lead WHERE id > %s AND COALESCE(email_from, '') = ''
                      AND COALESCE(phone, '') = '' AND COALESCE(mobile, '') = ''""", (info["lead_id_before"],))
        partial = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_lead WHERE id <= %s AND write_date >= %s",
                   (info["lead_id_before"], info["start"]))
        written = cr.fetchone()[0]
        cr.execute("""SELECT remote_addr, status, COALESCE(error, '') <> '' FROM lead_capture_log
                       WHERE id > %s""", (info["log_id_before"],))
        rows = defaultdict(list)
        for remote_addr, status, has_error in cr.fetchall():
            rows[remote_addr].append((status, has_error))
    finally:
        cr.close()
    return created, partial, written, rows


def tracebacks(log_text):
    """The tracebacks of a log: (last line, whole text), in order."""
    found = []
    for match in re.finditer(r"Traceback \(most recent call last\):\n(?:.*\n)*?(?=\d{4}-\d\d-\d\d \d\d:|\Z)",
                             log_text):
        block = match.group(0).rstrip("\n")
        found.append((block.rsplit("\n", 1)[-1], block))
    return found


REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def where(block):
    """Each exception of a traceback (chained ones first): its last line and
    the innermost frame of this repository that it went through."""
    found = []
    for part in re.split(r"\n\n(?:During handling of the above exception, another exception occurred|"
                         r"The above exception was the direct cause of the following exception):\n\n", block):
        lines = part.rstrip("\n").split("\n")
        frame = next((f"{match.group(1)}:{match.group(2)} {match.group(3)}(): {lines[number + 1].strip()}"
                      for number, line in reversed(list(enumerate(lines[:-1])))
                      if (match := re.match(r'\s*File "' + re.escape(REPOSITORY) + r'/(.*)", line (\d+), in (\S+)',
                                            line))), "no frame of this repository")
        found.append((lines[-1], frame))
    return found


def describe(case, key):
    body = case.body if len(case.body) <= 300 else case.body[:300] + b"... (%d bytes)" % len(case.body)
    headers = [(name, value.replace(key, "<the valid key>") if isinstance(value, str) else value)
               for name, value in case.headers]
    return f"{case.method} {case.path[:200]}\n    headers: {headers}\n    body: {body!r}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="the server log (default: a new temporary file)")
    args = parser.parse_args()
    if args.count >= 1 << 24:
        parser.error("--count: at most 16,777,215 (one address of 10.0.0.0/8 per request)")
    setup_odoo(args.addons_path)
    ensure_database(CAPTURE_DB, "lead_management", args.addons_path)
    info = prepare(args)
    generator = Generator(info, args.seed)
    log_path = args.log or tempfile.mkstemp(prefix="fuzz_capture_", suffix=".log")[1]
    print(f"server log: {log_path}", file=sys.stderr)
    results = {}   # index: (category, status, seconds, answer size, expected rows)
    lock = threading.Lock()
    process, port = start_server(CAPTURE_DB, args.addons_path, log_path, extra_args=["--proxy-mode"])
    try:
        offset = read_log(log_path, 0)[1]
        work = queue.SimpleQueue()
        for index in range(args.count):
            work.put(index)
        start = time.perf_counter()

        def client():
            while True:
                try:
                    index = work.get_nowait()
                except queue.Empty:
                    return
                case = generator.make(index)
                status, _headers, content, seconds = send(port, case, index)
                with lock:
                    results[index] = (case.category, status, seconds, len(content), case.expected_rows(status),
                                      case.note)
                    if len(results) % 1000 == 0:
                        print(f"{len(results)} requests", file=sys.stderr, flush=True)

        threads = [threading.Thread(target=client, daemon=True) for _client in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.perf_counter() - start
        time.sleep(0.5)
        fuzz_log, offset = read_log(log_path, offset)
        # each category's first 500 (or request without answer), again alone, with its traceback
        replays = []
        failing = {}
        for index in sorted(results):
            category, status = results[index][:2]
            if (status >= 500 or status == 0) and category not in failing:
                failing[category] = index
        for category, index in failing.items():
            case = generator.make(index)
            status = send(port, case, index, block=11)[0]
            time.sleep(0.3)
            text, offset = read_log(log_path, offset)
            replays.append((category, index, case, status, tracebacks(text)))
    finally:
        stop_server(process)
    created, partial, written, rows = check_database(info)
    report(args, results, duration, fuzz_log, replays, created, partial, written, rows, info["key"], log_path)


def report(args, results, duration, fuzz_log, replays, created, partial, written, rows, key, log_path):
    statuses = Counter(status for _category, status, *_rest in results.values())
    print(f"\n{len(results)} malformed requests in {duration:.0f} s ({len(results) / duration:.0f}/s), "
          f"{args.clients} clients, seed {args.seed}")
    print("answers: " + ", ".join(f"{status or 'none'}: {count}" for status, count in sorted(statuses.items())))
    by_category = defaultdict(list)
    notes = defaultdict(Counter)
    for index, (category, status, seconds, size, expected, note) in results.items():
        if note is not None:
            notes[category][(note, status)] += 1
        by_category[category].append((index, status, seconds, size, expected))
    mismatches = defaultdict(list)
    reached = expected_rows = 0
    found = Counter()
    for category, items in by_category.items():
        for index, status, _seconds, _size, expected in items:
            got = rows.get(address(index), [])
            found.update("rejected with error" if row_status == "rejected" and has_error
                         else f"{row_status}{'' if has_error else ' without error'}" for row_status, has_error in got)
            if expected is None:
                continue
            reached += expected > 0
            expected_rows += expected
            if len(got) != expected or any(row != ("rejected", True) for row in got):
                mismatches[category].append((index, status, expected, got))
    unattributed = sum(len(got) for remote_addr, got in rows.items()
                       if not remote_addr or not remote_addr.startswith(("10.", "11.")))
    print(f"\n{'category':<27}{'sent':>6}  {'answers':<42}{'500':>5}{'log ok':>8}{'max ms':>8}{'max kB':>8}")
    for category in CATEGORIES:
        items = by_category.get(category, [])
        if not items:
            continue
        answers = Counter(status for _index, status, *_rest in items)
        text = " ".join(f"{status or 'none'}:{count}" for status, count in sorted(answers.items()))
        server_errors = sum(count for status, count in answers.items() if status >= 500 or status == 0)
        checked = [item for item in items if item[4] is not None]
        log_ok = f"{len(checked) - len(mismatches.get(category, ()))}/{len(checked)}"
        print(f"{category:<27}{len(items):>6}  {text:<42}{server_errors:>5}{log_ok:>8}"
              f"{max(item[2] for item in items) * 1000:>8.0f}{max(item[3] for item in items) / 1024:>8.0f}")
    server_errors = sum(count for status, count in statuses.items() if status >= 500 or status == 0)
    not_logged = Counter(status for _category, status, _seconds, _size, expected, _note in results.values()
                         if expected == 0)
    print("\nanswered before the capture code (no log row expected): "
          + ", ".join(f"{status}: {count}" for status, count in sorted(not_logged.items())))
    print(f"requests that reached the capture code (500s apart): {reached}; log rows expected: {expected_rows}; "
          f"found: " + ", ".join(f"{kind}: {count}" for kind, count in sorted(found.items()))
          + f"; rows of no fuzz request: {unattributed}")
    print("  (rows of status error: written by the capture's error path, for requests answered 500, apart)")
    print(f"requests whose log rows differ from the expected: {sum(len(items) for items in mismatches.values())}")
    for category, items in mismatches.items():
        if not items:
            continue
        index, status, expected, got = items[0]
        print(f"  {category}: {len(items)}, e.g. request {index} answered {status}: expected {expected} "
              f"rejected rows with an error, found {got[:5]}")
    for category, counts in notes.items():
        print(f"{category}, answers by kind: " + ", ".join(
            f"{note} {status}: {count}" for (note, status), count in sorted(counts.items(), key=str)))
    print(f"\nleads created during the run: {created} (expected 0); partial leads (no e-mail, phone nor mobile): "
          f"{partial} (must be 0); existing leads written: {written} (expected 0)")
    signatures = Counter(re.sub(r"characters? '.*?' in position [\d-]+|characters in position [\d-]+",
                                "character(s) in position N", last) for last, _block in tracebacks(fuzz_log))
    print(f"HTTP 500 and no answer: {server_errors} (goal 0); tracebacks in the server log during the run: "
          f"{sum(signatures.values())}")
    for signature, count in signatures.most_common():
        print(f"  {count:>5}  {signature[:200]}")
    for category, index, case, status, found_tracebacks in replays:
        print(f"\n--- {category}: request {index} (--seed {args.seed}), sent again alone: {status}\n    "
              f"{describe(case, key)}")
        for _last, block in found_tracebacks[-1:]:   # the one that made the answer a 500
            for exception, frame in where(block):
                print(f"    server: {exception[:200]}\n      at {frame[:300]}")
    if replays:
        print(f"\n(whole tracebacks: {log_path})")
    failed = server_errors or partial or created or written or mismatches
    print("\nchecks: " + ("FAILED" if failed else "passed"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
