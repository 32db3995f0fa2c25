"""The web client's groups by date in Solar Hijri periods.

The web client of a Jalali user asks for them with the context key
``jalali_groups`` on its grouped reads (``read_group``, ``web_read_group``,
``read_progress_bar``): a group by ``date:month`` (``quarter``, ``year``) is
then read as ``date:jalali_month`` (...), whose SQL is the Gregorian first day
of the Jalali period, and labelled in Jalali with ``__range`` and ``__domain``
giving the Gregorian bounds of the period. Days keep their groups, labelled in
Jalali; weeks and hours are Odoo's. ``_read_group`` with Odoo's granularities
is unchanged: only the explicit ``jalali_*`` granularities are Jalali."""
import datetime

import pytz

from odoo import api, models
from odoo.models import parse_read_group_spec
from odoo.osv import expression
from odoo.tools import DEFAULT_SERVER_DATE_FORMAT, DEFAULT_SERVER_DATETIME_FORMAT, SQL

from ..tools import jalali

JALALI_PERIODS = ("month", "quarter", "year")
JALALI_LABELLED = (*JALALI_PERIODS, "day")
# the SQL functions of jalali_sql.py, on the SQL of a day
SQL_START = {
    "month": lambda day: SQL("jalali_month_start((%s)::date)", day),
    "quarter": lambda day: SQL("jalali_quarter_start((%s)::date)", day),
    "year": lambda day: SQL("jalali_year_start((%s)::date)", day),
}


def jalali_period_start(day, period):
    """The Gregorian first day of the Jalali ``period`` of the date ``day``."""
    jdate = jalali.to_jalali(day)
    month = {"month": jdate.month, "quarter": (jdate.month - 1) // 3 * 3 + 1, "year": 1}[period]
    return jalali.to_gregorian(jdate.year, month, 1)


def jalali_period_next(start, period):
    """The Gregorian first day of the Jalali ``period`` after the one starting on ``start``."""
    if period == "day":
        return start + datetime.timedelta(days=1)
    jdate = jalali.to_jalali(start)
    months = jdate.year * 12 + jdate.month - 1 + {"month": 1, "quarter": 3, "year": 12}[period]
    return jalali.to_gregorian(months // 12, months % 12 + 1, 1)


def jalali_period_label(start, period, digits):
    """'آذر ۱۴۰۵', 'Q3 ۱۴۰۵', '۱۴۰۵' or '۱۱ آذر ۱۴۰۵': days and years in
    ``digits``, the quarter's name as Odoo's (Q1..Q4)."""
    jdate = jalali.to_jalali(start)
    year = jalali.to_digits(str(jdate.year), digits)
    return {
        "day": lambda: f"{jalali.to_digits(str(jdate.day), digits)} {jalali.MONTHS[jdate.month - 1]} {year}",
        "month": lambda: f"{jalali.MONTHS[jdate.month - 1]} {year}",
        "quarter": lambda: f"Q{(jdate.month - 1) // 3 + 1} {year}",
        "year": lambda: year,
    }[period]()


class Base(models.AbstractModel):
    _inherit = "base"

    def _read_group_groupby(self, groupby_spec, query):
        """``field:jalali_month`` (``jalali_quarter``, ``jalali_year``): the
        Gregorian first day of the Jalali period of the field's day (in the
        context's time zone for datetimes, as Odoo's granularities)."""
        fname, property_name, granularity = parse_read_group_spec(groupby_spec)
        period = granularity and granularity.startswith("jalali_") and granularity[len("jalali_"):]
        if not period:
            return super()._read_group_groupby(groupby_spec, query)
        field = self._fields.get(fname)
        if property_name or period not in JALALI_PERIODS or not field or field.type not in ("date", "datetime"):
            raise ValueError(f"Jalali granularity on a no-date field or unknown: {groupby_spec!r}")
        sql = self._field_to_sql(self._table, fname, query)
        if field.type == "datetime":
            # as Odoo's granularities: the day in the context's time zone
            if (tz := self.env.context.get("tz")) in pytz.all_timezones_set:
                sql = SQL("timezone(%s, timezone('UTC', %s))", tz, sql)
            return SQL("(%s)::timestamp", SQL_START[period](sql))
        return SQL_START[period](sql)

    def _jalali_group_period(self, groupby_spec):
        """The Jalali period ('day', 'month', ...) in which the web client
        groups by ``groupby_spec``, or None (Odoo's groups)."""
        if not self.env.context.get("jalali_groups"):
            return None
        fname, property_name, granularity = parse_read_group_spec(groupby_spec)
        field = self._fields.get(fname)
        if property_name or not field or field.type not in ("date", "datetime"):
            return None
        granularity = granularity or "month"
        return granularity if granularity in JALALI_LABELLED else None

    def _read_group_get_annotated_groupby(self, groupby, lazy):
        """Read the web client's groups by Jalali months, quarters and years."""
        annotated = super()._read_group_get_annotated_groupby(groupby, lazy)
        for key, spec in annotated.items():
            if self._jalali_group_period(spec) in JALALI_PERIODS:
                fname, __, granularity = parse_read_group_spec(spec)
                annotated[key] = f"{fname}:jalali_{granularity}"
        return annotated

    @api.model
    def _read_group_fill_temporal(self, data, groupby, annoted_aggregates,
                                  fill_from=False, fill_to=False, min_groups=False):
        """Fill the missing Jalali periods between the groups (and bounds)."""
        period = groupby and self._jalali_group_period(groupby[0])
        if period not in JALALI_PERIODS:
            return super()._read_group_fill_temporal(
                data, groupby, annoted_aggregates, fill_from=fill_from, fill_to=fill_to, min_groups=min_groups)
        first = groupby[0]
        is_datetime = self._fields[parse_read_group_spec(first)[0]].type == "datetime"
        existing = sorted({row[first] for row in data if row[first]})
        starts = [value.date() if is_datetime else value for value in existing]
        bounds = [jalali_period_start(datetime.date.fromisoformat(str(bound)[:10]), period)
                  for bound in (fill_from, fill_to) if bound]
        low = bounds[0] if fill_from else (starts[0] if starts else None)
        high = bounds[-1] if fill_to else (starts[-1] if starts else None)
        low, high = low or high, high or low
        if not low:
            return data
        required, start = [], low
        while start <= high or (min_groups and len(required) < min_groups):
            required.append(start)
            start = jalali_period_next(start, period)
        if is_datetime:
            required = [datetime.datetime.combine(day, datetime.time.min) for day in required]
        empty_item = {name: self._read_group_empty_value(spec) for name, spec in annoted_aggregates.items()}
        for group in groupby[1:]:
            empty_item[group] = self._read_group_empty_value(group)
        rows = {}
        for row in data:
            rows.setdefault(row[first], []).append(row)
        result = []
        for value in sorted(set(existing) | set(required)):
            result.extend(rows.get(value) or [dict(empty_item, **{first: value})])
        result.extend(rows.get(False, []))
        return result

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Jalali labels, ranges and domains for the web client's groups by
        Jalali periods and days."""
        periods = {group: self._jalali_group_period(group) for group in lazy_groupby}
        super()._read_group_format_result(rows_dict, [group for group in lazy_groupby if not periods[group]])
        digits = self.env.user.date_digits or "latin"
        tz = self.env.context.get("tz")
        tzinfo = pytz.timezone(tz) if tz in pytz.all_timezones_set else None
        for group, period in periods.items():
            if not period:
                continue
            fname = parse_read_group_spec(group)[0]
            is_datetime = self._fields[fname].type == "datetime"
            for row in rows_dict:
                value = row[group]
                if not value:
                    row.setdefault("__range", {})[group] = False
                    row["__domain"] = expression.AND([row["__domain"], [(fname, "=", value)]])
                    continue
                start = value.date() if is_datetime else value
                end = jalali_period_next(start, period)
                if is_datetime:
                    start, end = (datetime.datetime.combine(day, datetime.time.min) for day in (start, end))
                    if tzinfo:
                        start, end = (tzinfo.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
                                      for moment in (start, end))
                    start, end = (moment.strftime(DEFAULT_SERVER_DATETIME_FORMAT) for moment in (start, end))
                else:
                    start, end = (day.strftime(DEFAULT_SERVER_DATE_FORMAT) for day in (start, end))
                row[group] = jalali_period_label(value, period, digits)
                row.setdefault("__range", {})[group] = {"from": start, "to": end}
                row["__domain"] = expression.AND([row["__domain"], ["&", (fname, ">=", start), (fname, "<", end)]])
