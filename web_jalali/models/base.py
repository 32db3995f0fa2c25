import re

from odoo import models
from odoo.exceptions import UserError

from ..tools.jalali import GREGORIAN_MIN_YEAR

_YEAR = re.compile(r"\s*(-?\d+)-")


class Base(models.AbstractModel):
    _inherit = "base"

    def web_save(self, vals, specification, next_id=None):
        """Refuse Date/Datetime values before 1700: a Solar Hijri date sent
        as Gregorian by a client that converted nothing, never saved."""
        self._check_gregorian_dates(vals)
        return super().web_save(vals, specification, next_id=next_id)

    def _check_gregorian_dates(self, vals):
        """UserError naming the first Date/Datetime field of ``vals`` (and of
        the x2many lines it creates or updates) whose year is before 1700."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if not field or not value:
                continue
            if field.type in ("date", "datetime"):
                match = _YEAR.match(value) if isinstance(value, str) else None
                year = int(match.group(1)) if match else getattr(value, "year", None)
                if year is not None and year < GREGORIAN_MIN_YEAR:
                    raise UserError(self.env._(
                        "%(field)s: %(value)s is not a Gregorian date (its year is before %(year)s). "
                        "Your browser sent a date of another calendar; reload the page and enter it again.",
                        field=field._description_string(self.env), value=value, year=GREGORIAN_MIN_YEAR))
            elif field.type in ("one2many", "many2many") and isinstance(value, list):
                for command in value:
                    if isinstance(command, (list, tuple)) and len(command) > 2 and isinstance(command[2], dict):
                        self.env[field.comodel_name]._check_gregorian_dates(command[2])
