from odoo import api, fields, models

from ..tools import jalali
from .jalali_render import jalali_digits


def _long(pattern):
    """Whether a babel/LDML pattern spells the month (MMM, MMMM)."""
    return "MMM" in (pattern or "")


class DateConverter(models.AbstractModel):
    _inherit = "ir.qweb.field.date"

    @api.model
    def value_to_html(self, value, options):
        digits = jalali_digits(self.env)
        if not value or not digits:
            return super().value_to_html(value, options)
        return jalali.format_date(fields.Date.to_date(value), digits, long=_long(options.get("format")))


class DateTimeConverter(models.AbstractModel):
    _inherit = "ir.qweb.field.datetime"

    @api.model
    def value_to_html(self, value, options):
        digits = jalali_digits(self.env)
        if not value or not digits or options.get("time_only"):
            return super().value_to_html(value, options)
        record = self.with_context(tz=options["tz_name"]) if options.get("tz_name") else self
        local = fields.Datetime.context_timestamp(record, fields.Datetime.to_datetime(value)).replace(tzinfo=None)
        long = _long(options.get("format"))
        if options.get("date_only"):
            return jalali.format_date(local, digits, long=long)
        return jalali.format_datetime(local, digits, long=long, seconds=not options.get("hide_seconds"))
