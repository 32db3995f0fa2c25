"""Forecast categories without the ORM."""


def forecast_category(active, probability, is_won, lead_type, temperature):
    """pipeline, best_case, commit or omitted, from the probability and the
    temperature: won or 90% and more is a commit, an opportunity at 60% (40%
    when hot) a best case, a lost lead is omitted."""
    if not probability and not active:
        return "omitted"
    if probability >= 90 or is_won:
        return "commit"
    if lead_type == "opportunity" and (probability >= 60 or (probability >= 40 and temperature == "hot")):
        return "best_case"
    return "pipeline"
