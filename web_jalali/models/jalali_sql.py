from odoo import models

# The arithmetic of jdatetime (jalali_core, after FarsiWeb's jalali.c), in SQL.
# ``n`` counts days from 1 Farvardin 979 (1600-03-20), shifted by 50 cycles of
# 33 Jalali years (12053 days each) so that PostgreSQL's truncating division
# agrees with Python's floor division for every date from year 1 on.
_N = "(($1 - DATE '1600-03-20') + 602650)"
_C = f"(({_N} % 12053) % 1461)"  # day of the current 4-year span
_YEAR = f"(-671 + 33 * ({_N} / 12053) + 4 * (({_N} % 12053) / 1461)" \
        f" + CASE WHEN {_C} >= 366 THEN ({_C} - 1) / 365 ELSE 0 END)"
_MONTHS = "'{" + ",".join(f"-{month:02d}" for month in range(1, 13)) + "}'::text[]"
_DAYS = "'{" + ",".join(f"-{day:02d}" for day in range(1, 32)) + "}'::text[]"
_YDAY = f"(CASE WHEN {_C} >= 366 THEN ({_C} - 1) % 365 ELSE {_C} END)"
# the first day of each month, quarter and year, in days from 1 Farvardin
_PERIOD_FIRST_YDAYS = {
    "month": [31 * month for month in range(6)] + [186 + 30 * month for month in range(6)],
    "quarter": [0, 93, 186, 276],
    "year": [0],
}


def _period_start(period):
    """SQL of the first day of the Jalali ``period`` of ``$1``: ``$1`` less
    the days since it began, from a constant array indexed by the day of the
    4-year span (whose day of the year is as in ``_YDAY``)."""
    firsts = _PERIOD_FIRST_YDAYS[period]
    offsets = []
    for day in range(1461):
        yday = (day - 1) % 365 if day >= 366 else day
        offsets.append(yday - max(first for first in firsts if first <= yday))
    return f"$1 - ('{{{','.join(map(str, offsets))}}}'::int[])[{_C} + 1]"


# Pure SQL one-expression bodies: PostgreSQL inlines them in a query (no
# function call per row) and can index them (IMMUTABLE).
SQL_FUNCTIONS = {
    "jalali_year(date) RETURNS integer": _YEAR,
    # 0 for 1 Farvardin .. 365 for 30 Esfand of a leap year
    "jalali_yday(date) RETURNS integer": _YDAY,
    "jalali_month_number(date) RETURNS integer":
        "CASE WHEN jalali_yday($1) < 186 THEN jalali_yday($1) / 31 + 1"
        " ELSE (jalali_yday($1) - 186) / 30 + 7 END",
    # text from constant arrays: to_char is only STABLE (locale), which would
    # forbid inlining, and lpad/concatenations cost twice as much per row;
    # years have 4 digits for dates from 1621 on
    "jalali_date(date) RETURNS text":
        "jalali_year($1)::text || (" + _MONTHS + ")[jalali_month_number($1)] || (" + _DAYS + ")["
        "CASE WHEN jalali_yday($1) < 186 THEN jalali_yday($1) % 31 ELSE (jalali_yday($1) - 186) % 30 END + 1]",
    "jalali_month(date) RETURNS text":
        "jalali_year($1)::text || (" + _MONTHS + ")[jalali_month_number($1)]",
    "jalali_quarter(date) RETURNS text":
        "jalali_year($1)::text || ('{-Q1,-Q2,-Q3,-Q4}'::text[])[(jalali_month_number($1) + 2) / 3]",
    # Gregorian dates of the first day of the Jalali period of a date (the
    # web client's groups by Jalali month, quarter and year): the date less
    # its days into the period, looked up by the day of its 4-year span, so
    # that the date (often a time zone conversion) is computed twice per row,
    # not once per use of jalali_yday
    "jalali_month_start(date) RETURNS date": _period_start("month"),
    "jalali_quarter_start(date) RETURNS date": _period_start("quarter"),
    "jalali_year_start(date) RETURNS date": _period_start("year"),
}


class WebJalaliSql(models.AbstractModel):
    _name = "web_jalali.sql"
    _description = "Solar Hijri SQL functions"

    def init(self):
        """Create the IMMUTABLE functions ``jalali_date(date)`` ('1405-09-11'),
        ``jalali_month(date)`` ('1405-09'), ``jalali_quarter(date)`` ('1405-Q3',
        Q1 = Farvardin..Khordad), ``jalali_year(date)`` (1405) and the
        Gregorian first day of the Jalali month, quarter and year of a date
        (``jalali_month_start``, ...), for grouping
        by Jalali periods in SQL (cast timestamps to ``date`` in the user's
        time zone first)."""
        for signature, body in SQL_FUNCTIONS.items():
            # constant SQL of this module, no input; no parameters, so its % stay modulo operators
            self.env.cr.execute(  # pylint: disable=sql-injection
                f"CREATE OR REPLACE FUNCTION {signature}"
                f" LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {body} $$"
            )
