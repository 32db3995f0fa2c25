"""Text, digit, email and phone normalization without the ORM.

Persian (۰-۹) and Arabic-Indic (٠-٩) digits become ASCII; Arabic yeh/kaf
become their Persian forms so that names typed on an Arabic keyboard match
the same names typed on a Persian one.
"""
import re
import unicodedata

try:
    import phonenumbers
except ImportError:  # pragma: no cover - phonenumbers is a hard requirement
    phonenumbers = None

_DIGITS = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    "01234567890123456789",
)
_LETTERS = str.maketrans({
    "\u064a": "\u06cc",  # ARABIC LETTER YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
    "\u0640": None,      # ARABIC TATWEEL
})
_SPACES = re.compile(r"[\s\u00a0\u200f\u200e]+")


def normalize_digits(value):
    """Return ``value`` with Persian and Arabic-Indic digits as ASCII digits."""
    if not value:
        return value
    return value.translate(_DIGITS)


def normalize_whitespace(value):
    """Collapse runs of white space (and direction marks) into one space."""
    if not value:
        return value
    return _SPACES.sub(" ", value).strip()


def normalize_text(value):
    """Normalize a name or city for matching: digits, Arabic letters, NFC,
    white space and case. ``اصفهان``, ``اصفهان `` and ``ISFAHAN`` keep their
    script but compare equal to their own variants."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", value)
    value = normalize_digits(value).translate(_LETTERS)
    return normalize_whitespace(value).casefold()


def normalize_email(value):
    """Lower-case, trimmed email with ASCII digits; ``False`` when empty."""
    value = normalize_whitespace(normalize_digits(value or ""))
    return value.lower() or False


def only_digits(value):
    """Keep ASCII digits only (after converting Persian/Arabic ones)."""
    return re.sub(r"\D", "", normalize_digits(value or ""))


def normalize_phone(number, country_code=None):
    """Return ``number`` in E.164, or ``False`` when it cannot be parsed.

    :param str number: the number as typed, in any digits and spacing
    :param str country_code: ISO 3166 alpha-2 code used for national numbers
    """
    if not number or phonenumbers is None:
        return False
    number = normalize_whitespace(normalize_digits(number))
    if number.startswith("00"):
        number = "+" + number[2:]
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def clean_identifier(value):
    """An identifier (national id, tax id) with ASCII digits, upper-case
    letters and no separators; ``False`` when nothing is left."""
    if not value:
        return value
    value = normalize_digits(value)
    return re.sub(r"[\s\-./\u00a0\u200c]", "", value).upper() or False
