from odoo import api, models
from odoo.exceptions import ValidationError

from ..tools.national_id import is_valid_national_id
from ..tools.normalize import clean_identifier

IDENTIFIER_FIELDS = ("national_id", "vat")
#: longer than any national id or economic code
IDENTIFIER_MAX_LENGTH = 32


class LeadIdentifierMixin(models.AbstractModel):
    """The one normalizer and validator of national ids and economic codes
    (``national_id`` and ``vat``), for leads and contacts alike: what is
    stored is what matching compares."""

    _name = "lead.identifier.mixin"
    _description = "National ID and Economic Code"

    @api.model
    def _prepare_identifier_values(self, vals):
        """``vals`` with its identifiers cleaned (see _clean_identifier_value)."""
        if not any(vals.get(fname) for fname in IDENTIFIER_FIELDS):
            return vals
        return dict(vals, **{fname: self._clean_identifier_value(fname, vals[fname])
                             for fname in IDENTIFIER_FIELDS if vals.get(fname)})

    @api.model
    def _clean_identifier_value(self, fname, value):
        """``value`` with ASCII digits, upper-case letters and no separators.

        :raise ValidationError: naming the field when the value is not an
            identifier (wrong type, other characters, too long)
        """
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        label = self._fields[fname].get_description(self.env)["string"]
        if not isinstance(value, str):
            raise ValidationError(self.env._(
                "%(field)s: expected text made of letters and digits, got %(value)r.", field=label, value=value))
        try:
            cleaned = clean_identifier(value)
        except ValueError:
            raise ValidationError(self.env._(
                "%(field)s: %(value)s contains characters other than letters, digits and separators.",
                field=label, value=value[:IDENTIFIER_MAX_LENGTH])) from None
        if cleaned and len(cleaned) > IDENTIFIER_MAX_LENGTH:
            raise ValidationError(self.env._(
                "%(field)s: expected at most %(max)s letters and digits, got %(length)s.",
                field=label, max=IDENTIFIER_MAX_LENGTH, length=len(cleaned)))
        return cleaned

    def _check_national_id_format(self, national_id, country):
        """Raise a ValidationError naming the field and the expected format
        when ``national_id`` is not valid for ``country`` (or, without one,
        for the company's country)."""
        country = country or self.env.company.country_id
        if not national_id or is_valid_national_id(national_id, country.code):
            return
        expected = {
            "IR": self.env._("10 digits with a valid check digit"),
            "GE": self.env._("11 digits"),
        }[country.code]
        raise ValidationError(self.env._(
            "National ID: %(value)s is not a valid national ID for %(country)s; expected %(format)s.",
            value=national_id, country=country.name, format=expected,
        ))
