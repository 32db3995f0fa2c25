"""Ad platforms' lead forms as capture payloads, without the ORM.

Google Ads lead form extensions post ``user_column_data`` (one entry per
question, with a ``column_id`` for the standard ones); Meta Lead Ads give
``field_data`` (one entry per question, named). Both become the lead
fields of the capture pipeline (see crm.lead._capture); the questions the
advertiser added become "question: answer" lines of the description.
"""
import hashlib
import hmac

#: Google's column ids and the lead field (or payload key) they fill
GOOGLE_COLUMNS = {
    "FULL_NAME": "contact_name",
    "EMAIL": "email_from",
    "WORK_EMAIL": "email_from",
    "PHONE_NUMBER": "phone",
    "WORK_PHONE": "phone",
    "COMPANY_NAME": "partner_name",
    "JOB_TITLE": "function",
    "CITY": "city",
    "REGION": "state",
    "COUNTRY": "country",
    "POSTAL_CODE": "zip",
    "STREET_ADDRESS": "street",
}
#: Meta's standard field names and the lead field (or payload key) they fill
META_FIELDS = {
    "full_name": "contact_name",
    "email": "email_from",
    "work_email": "email_from",
    "phone_number": "phone",
    "work_phone_number": "phone",
    "company_name": "partner_name",
    "job_title": "function",
    "city": "city",
    "state": "state",
    "province": "state",
    "country": "country",
    "zip": "zip",
    "zip_code": "zip",
    "post_code": "zip",
    "postal_code": "zip",
    "street_address": "street",
}
_FIRST_NAMES = {"FIRST_NAME", "first_name"}
_LAST_NAMES = {"LAST_NAME", "last_name"}


def google_answers(data):
    """``(key, question, answer)`` of a Google Ads lead's
    ``user_column_data``: ``key`` is the column id, ``question`` its name."""
    answers = []
    for column in data.get("user_column_data") or []:
        if not isinstance(column, dict):
            continue
        answer = column.get("string_value")
        if answer in (None, ""):
            continue
        key = str(column.get("column_id") or "")
        answers.append((key, str(column.get("column_name") or key), str(answer)))
    return answers


def meta_answers(field_data):
    """``(key, question, answer)`` of a Meta lead's ``field_data``: the
    field's name is both key and question; several values are joined."""
    answers = []
    for field in field_data or []:
        if not isinstance(field, dict):
            continue
        values = field.get("values")
        values = values if isinstance(values, list) else [values]
        answer = ", ".join(str(value) for value in values if value not in (None, ""))
        if answer:
            name = str(field.get("name") or "")
            answers.append((name, name.replace("_", " ").strip(), answer))
    return answers


def answers_to_payload(answers, columns):
    """The capture payload of a lead form's answers.

    :param answers: ``(key, question, answer)`` (see google_answers, meta_answers)
    :param columns: the standard keys and the payload key they fill
    :return: ``(payload, questions)``: the lead fields, and the
        ``(question, answer)`` pairs of the other questions, in order (a
        second e-mail or a third phone number included)
    """
    payload, questions, first, last = {}, [], None, None
    for key, question, answer in answers:
        answer = answer.strip()
        if key in _FIRST_NAMES:
            first = answer
        elif key in _LAST_NAMES:
            last = answer
        elif key in columns and columns[key] == "phone" and "phone" in payload and "mobile" not in payload:
            payload["mobile"] = answer
        elif key in columns and columns[key] not in payload:
            payload[columns[key]] = answer
        else:
            questions.append((question, answer))
    if "contact_name" not in payload and (first or last):
        payload["contact_name"] = " ".join(part for part in (first, last) if part)
    return payload, questions


def meta_signature_valid(body, header, app_secret):
    """Whether ``header`` (``X-Hub-Signature-256``: ``sha256=<hex>``) is
    the HMAC-SHA256 of the raw ``body`` with the app secret."""
    if not header or not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len("sha256="):].strip().lower().encode())


def secret_matches(sent, secret):
    """Whether the text ``sent`` is the non-empty ``secret``, compared in
    constant time (any text: compare_digest refuses non-ASCII strings)."""
    if not secret or not isinstance(sent, str):
        return False
    return hmac.compare_digest(sent.encode(), secret.encode())


def redact(text, secrets):
    """``text`` with each of the non-empty ``secrets`` replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def meta_leadgen_changes(data):
    """The ``value`` of each ``leadgen`` change of a Meta notification
    (``{"object": "page", "entry": [{"changes": [...]}]}``)."""
    values = []
    entries = data.get("entry") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            if isinstance(change, dict) and change.get("field") == "leadgen" and isinstance(change.get("value"), dict):
                values.append(change["value"])
    return values


def retry_delay_minutes(attempt, delays=(1, 5, 15, 60, 240, 720)):
    """Minutes before the ``attempt``-th retry (1-based) of a failed fetch;
    ``None`` once ``delays`` are exhausted."""
    return delays[attempt - 1] if 0 < attempt <= len(delays) else None
