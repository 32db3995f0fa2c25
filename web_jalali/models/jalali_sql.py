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
    # web client's groups by Jalali month, quarter and year): months 1..6
    # have 31 days, 7..12 have 30 (Esfand 29 or 30, last, never a start)
    "jalali_month_start(date) RETURNS date":
        "$1 - CASE WHEN jalali_yday($1) < 186 THEN jalali_yday($1) % 31"
        " ELSE (jalali_yday($1) - 186) % 30 END",
    "jalali_quarter_start(date) RETURNS date":
        "$1 - jalali_yday($1) + CASE WHEN jalali_yday($1) < 93 THEN 0 WHEN jalali_yday($1) < 186 THEN 93"
        " WHEN jalali_yday($1) < 276 THEN 186 ELSE 276 END",
    "jalali_year_start(date) RETURNS date": "$1 - jalali_yday($1)",
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
