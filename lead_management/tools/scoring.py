"""Score arithmetic without the ORM: caps, clamping, thresholds (the decay is SQL,
see lead.scoring.model._get_engagement_sums)."""

LIFECYCLE_RANKS = {"lead": 0, "mql": 1, "sql": 2}
DISQUALIFYING_STATUSES = ("junk", "not_interested")


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


def lifecycle_stage(lead_status, is_won, lead_type, current, qualification):
    """The lifecycle stage of a lead. Pipeline facts come first (a
    disqualifying status, won, opportunity); otherwise a lead never drops back
    below a qualification it reached.

    :param str current: the stage the lead has (None for a new lead)
    :param str qualification: the stage its score deserves (lead, mql or sql)
    """
    if lead_status in DISQUALIFYING_STATUSES:
        return "disqualified"
    if is_won:
        return "customer"
    if lead_type == "opportunity":
        return "opportunity"
    if current not in LIFECYCLE_RANKS:
        return qualification
    return highest_stage(current, qualification)
