"""Text, digit and identifier normalization without the ORM.

Persian (۰-۹) and Arabic-Indic (٠-٩) digits become ASCII (identifiers: every
Unicode decimal digit, see clean_identifier); Arabic yeh/kaf become their
Persian forms so that names typed on an Arabic keyboard match the same names
typed on a Persian one.
"""
import re
import unicodedata

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
#: what people type between the digits of an identifier
_IDENTIFIER_SEPARATORS = re.compile(r"[\s\-./_,\u00a0\u200c\u200e\u200f\u2010-\u2015]")
_IDENTIFIER_CHARS = re.compile(r"[0-9A-Z]*")


def clean_text(value):
    """``value`` as PostgreSQL can store it: without NUL characters, lone
    surrogates (JSON such as ``"\\ud800"``) replaced by U+FFFD."""
    if not value:
        return value
    return value.replace("\x00", "").encode("utf-8", "surrogatepass").decode("utf-8", "replace")


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


def clean_identifier(value):
    """An identifier (national id, economic code) as stored and matched:
    ASCII digits (from any script, full-width and superscript ones included),
    upper-case letters, no separators; ``False`` when nothing is left.

    :param str value: the identifier as typed
    :raise ValueError: when characters other than letters, digits and
        separators remain
    """
    if not value:
        return False
    value = unicodedata.normalize("NFKC", value)
    value = "".join(str(unicodedata.decimal(char)) if unicodedata.category(char) == "Nd" else char
                    for char in value)
    value = _IDENTIFIER_SEPARATORS.sub("", value).upper()
    if not _IDENTIFIER_CHARS.fullmatch(value):
        raise ValueError(value)
    return value or False
