"""National identification numbers: format rules and check digits."""


def is_valid_iran_national_id(value):
    """Iranian national code (کد ملی): 10 digits, not all the same, whose last
    digit is the check digit of the first nine (weights 10..2, modulo 11)."""
    if not value or len(value) != 10 or not value.isdigit() or len(set(value)) == 1:
        return False
    total = sum(int(value[i]) * (10 - i) for i in range(9))
    remainder = total % 11
    check = int(value[9])
    return check == remainder if remainder < 2 else check == 11 - remainder


def is_valid_georgia_national_id(value):
    """Georgian personal number: exactly 11 digits."""
    return bool(value) and len(value) == 11 and value.isdigit()


NATIONAL_ID_VALIDATORS = {
    "IR": is_valid_iran_national_id,
    "GE": is_valid_georgia_national_id,
}


#: length of the national ids whose leading zeros a spreadsheet number loses
NATIONAL_ID_LENGTHS = {"IR": 10, "GE": 11}


def restore_leading_zeros(value, country_code):
    """A national id read from a number (a spreadsheet cell) lost its leading
    zeros: put them back when the country's format says how many there are
    and the result is valid; anything else is returned as it is."""
    length = NATIONAL_ID_LENGTHS.get((country_code or "").upper())
    if not value or not length or not value.isdigit() or len(value) >= length:
        return value
    padded = value.zfill(length)
    return padded if is_valid_national_id(padded, country_code) else value


def is_valid_national_id(value, country_code):
    """Validate a cleaned id for the country; any text is valid for a country
    without a known format."""
    validator = NATIONAL_ID_VALIDATORS.get((country_code or "").upper())
    if not value or not validator:
        return True
    return validator(value)
