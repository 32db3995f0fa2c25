"""When an automated touch may go out: working days and hours in the lead's
timezone (send windows), and at most so many touches per lead per period
(the over-contact guard). Pure functions on naive UTC datetimes, as Odoo
stores them."""
from datetime import datetime, time, timedelta

import pytz

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
# working days by country (ISO 3166 code), Python weekdays; others work Monday to Friday
COUNTRY_WORKING_DAYS = {
    "IR": frozenset({SATURDAY, SUNDAY, MONDAY, TUESDAY, WEDNESDAY}),
    "GE": frozenset({MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY}),
}
DEFAULT_WORKING_DAYS = frozenset({MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY})


def country_working_days(country_code, iran_thursday=False):
    """Working days of a country; Thursday is optional in Iran."""
    days = COUNTRY_WORKING_DAYS.get((country_code or "").upper(), DEFAULT_WORKING_DAYS)
    if iran_thursday and (country_code or "").upper() == "IR":
        days = days | {THURSDAY}
    return days


def hours_to_time(hours):
    """9.5 -> 09:30; 24 and above is the end of the day."""
    if hours >= 24:
        return time.max
    minutes = round(hours * 60)
    return time(minutes // 60, minutes % 60)


def next_slot(now, tz_name, working_days, hour_from, hour_to):
    """The first moment at or after ``now`` (naive UTC) inside the window:
    a working day of ``working_days`` (Python weekdays), between
    ``hour_from`` and ``hour_to`` (hours, e.g. 8.5) local time in
    ``tz_name``. Returns a naive UTC datetime; ``now`` itself when it is
    inside the window.

    :raises ValueError: no working day, or hour_from is not before hour_to
    """
    if not working_days:
        raise ValueError("at least one working day is needed")
    if not 0 <= hour_from < hour_to <= 24:
        raise ValueError("the window must start before it ends, within the day")
    tz = pytz.timezone(tz_name or "UTC")
    local = pytz.utc.localize(now).astimezone(tz)
    start, end = hours_to_time(hour_from), hours_to_time(hour_to)
    for days_ahead in range(8):
        day = (local + timedelta(days=days_ahead)).date()
        if day.weekday() not in working_days:
            continue
        opening = tz.localize(datetime.combine(day, start))
        closing = tz.localize(datetime.combine(day, end))
        if days_ahead == 0:
            if local < opening:
                return _to_naive_utc(opening)
            if local < closing:
                return now
            continue
        return _to_naive_utc(opening)
    raise ValueError("no working day in the week")  # unreachable with a non-empty working_days


def guard_release(touch_dates, now, max_touches, period_days):
    """When the next touch of a lead may go out under the over-contact
    guard: ``now`` when fewer than ``max_touches`` touches happened during
    the last ``period_days`` days, else the moment enough of them are older
    than the period. ``max_touches`` of 0 or less means no limit."""
    if max_touches <= 0 or period_days <= 0:
        return now
    period = timedelta(days=period_days)
    recent = sorted(date for date in touch_dates if date > now - period)
    if len(recent) < max_touches:
        return now
    return recent[len(recent) - max_touches] + period


def _to_naive_utc(moment):
    return moment.astimezone(pytz.utc).replace(tzinfo=None)
