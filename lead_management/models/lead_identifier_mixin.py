from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, split_every

from ..tools.national_id import is_valid_national_id, restore_leading_zeros
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

    def _prepare_identifier_values(self, vals):
        """``vals`` with its identifiers cleaned (see _clean_identifier_value);
        a national id given as a number (a spreadsheet cell) gets back the
        leading zeros of the country of the record (``vals``, the records
        written, else the company's)."""
        if not any(vals.get(fname) for fname in IDENTIFIER_FIELDS):
            return vals
        vals = dict(vals)
        if vals.get("vat"):
            vals["vat"] = self._clean_identifier_value("vat", vals["vat"])
        if vals.get("national_id"):
            country = self.env["res.country"].browse(vals["country_id"]) if vals.get("country_id") \
                else self.country_id if len(self.country_id) == 1 else self.env.company.country_id
            vals["national_id"] = self._clean_national_id(vals["national_id"], country)
        return vals

    @api.model
    def _clean_national_id(self, value, country, from_number=None):
        """The national id ``value`` cleaned (see _clean_identifier_value);
        one given as a number (a spreadsheet cell, a JSON number), or
        ``from_number``, gets back the leading zeros of ``country``'s
        format: the one rule of JSON-RPC, the import and the capture
        channels."""
        if from_number is None:
            from_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        cleaned = self._clean_identifier_value("national_id", value)
        return restore_leading_zeros(cleaned, country.code) if from_number else cleaned

    @api.model
    def _clean_identifier_value(self, fname, value):
        """``value`` with ASCII digits, upper-case letters and no separators.

        :raise ValidationError: naming the field when the value is not an
            identifier (wrong type, other characters, too long)
        """
        if isinstance(value, float) and value.is_integer():
            value = int(value)
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

    @api.model
    def _normalize_stored_identifiers(self):
        """Store the identifiers saved before they were normalized the way
        they are matched now (migration to 18.0.1.1.0); a value that is not
        an identifier is left as it is."""
        for fname in IDENTIFIER_FIELDS:
            self.flush_model([fname])
            rows = self.env.execute_query(SQL(
                "SELECT id, %s FROM %s WHERE %s IS NOT NULL",
                SQL.identifier(fname), SQL.identifier(self._table), SQL.identifier(fname)))
            updates = []
            for record_id, value in rows:
                try:
                    cleaned = clean_identifier(value)
                except ValueError:
                    continue
                if cleaned != value:
                    updates.append((record_id, cleaned))
            for batch in split_every(1000, updates):
                self.env.execute_query(SQL(
                    "UPDATE %s SET %s = v.value FROM (VALUES %s) AS v(id, value) WHERE %s.id = v.id",
                    SQL.identifier(self._table), SQL.identifier(fname),
                    SQL(", ").join(SQL("(%s, %s)", record_id, value) for record_id, value in batch),
                    SQL.identifier(self._table)))
            self.invalidate_model([fname])

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
