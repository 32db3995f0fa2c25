"""Score arithmetic without the ORM: decay, caps, clamping, thresholds."""

LIFECYCLE_RANKS = {"lead": 0, "mql": 1, "sql": 2}


def decay_factor(age_days, half_life_days):
    """Weight of an event ``age_days`` old: halves every ``half_life_days``.
    Future events count fully; a half-life of 0 or less means no decay."""
    if half_life_days <= 0 or age_days <= 0:
        return 1.0
    return 0.5 ** (age_days / half_life_days)


def capped(points, max_points):
    """Cap positive ``points`` at ``max_points`` (0: no cap); negative points
    are capped symmetrically so a cap also bounds penalties."""
    if not max_points:
        return points
    return max(-abs(max_points), min(points, abs(max_points)))


def clamp_score(points, low=0, high=100):
    """Total score as an integer between ``low`` and ``high``."""
    return int(max(low, min(high, round(points))))


def temperature(score, warm_threshold, hot_threshold):
    if score >= hot_threshold:
        return "hot"
    if score >= warm_threshold:
        return "warm"
    return "cold"


def qualification_stage(score, mql_threshold, sql_threshold):
    """lead, mql or sql for a score (a threshold of 0 is never reached)."""
    if sql_threshold and score >= sql_threshold:
        return "sql"
    if mql_threshold and score >= mql_threshold:
        return "mql"
    return "lead"


def highest_stage(*stages):
    """The most advanced of lead/mql/sql stages."""
    return max(stages, key=LIFECYCLE_RANKS.get)
