#!/usr/bin/env python3
"""The analytics reports' main pivots next to Odoo's own ``crm.lead``
``read_group`` of the same grouping over the same leads.

The first run fills the database ``lead_management_bench_reports`` with N
leads spread over sources, campaigns, salespeople, provinces and two years,
H lead.history periods, a matched submission carrying another source for a
tenth of the leads (the touches of the attribution models) and C marketing
cost rows in two currencies, in SQL, and commits them.
Each figure is the median of ``--repeat`` runs of one ``read_group`` call as
the superuser, caches emptied before each run (the ORM's, not PostgreSQL's):
the SQL of the grouping and the ORM's post-processing, no HTTP, no rendering.
The Funnel report reads stored steps: their refresh (the hourly cron's work) is
timed once per run and printed too.

    python3 bench/bench_reports.py --addons-path=... --leads 1000000 --history 5000000 --costs 20000
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, setup_odoo, vacuum

DB = "lead_management_bench_reports"
MODULES = "lead_management,lead_management_account"
#: what the Source Performance pivot shows, ratios included (computed from each group's sums)
SOURCE_MEASURES = ["lead_count:sum", "sql_count:sum", "won_count:sum", "won_revenue:sum", "cost:sum",
                   "cost_per_lead:sum", "cac:sum", "roi:sum"]


def fill(env, leads, history, costs):
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Report lead %%'")
    if cr.fetchone()[0] >= leads:
        return
    print(f"generating {leads} leads, {history} history periods and {costs} costs (once)", file=sys.stderr)
    users = [env["res.users"].create({"name": f"Report rep {i}", "login": f"report_rep_{i}"}).id
             for i in range(20)]
    teams = [env["crm.team"].create({"name": f"Report team {i}", "use_leads": True}).id for i in range(4)]
    sources = [env["utm.source"].create({"name": f"Report source {i}"}).id for i in range(12)]
    mediums = env["utm.medium"].search([], limit=6).ids
    campaigns = [env["utm.campaign"].create({"name": f"Report campaign {i}"}).id for i in range(60)]
    stages = env["crm.stage"].search([]).ids
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1).id
    states = env["res.country.state"].search([("country_id.code", "=", "IR")]).ids
    params = {"users": users, "teams": teams, "sources": sources, "mediums": mediums, "campaigns": campaigns,
              "stages": stages, "won": won_stage, "states": states, "company": env.company.id,
              "country": env.ref("base.ir").id, "count": leads}
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, stage_id, team_id, user_id, company_id, country_id,
                              state_id, city, source_id, medium_id, campaign_id, expected_revenue,
                              create_date, write_date, create_uid, write_uid, date_open, date_closed,
                              lead_status, sla_status, lifecycle_stage, temperature, forecast_category,
                              score, score_fit, score_engagement)
        SELECT 'Report lead ' || g,
               CASE WHEN g %% 3 = 0 THEN 'opportunity' ELSE 'lead' END,
               g %% 10 <> 1,
               CASE WHEN g %% 10 = 1 THEN 0 WHEN g %% 10 = 2 THEN 100 ELSE 10 + g %% 60 END,
               CASE WHEN g %% 10 = 2 THEN %(won)s ELSE (%(stages)s)[1 + g %% array_length(%(stages)s, 1)] END,
               (%(teams)s)[1 + g %% array_length(%(teams)s, 1)],
               (%(users)s)[1 + g %% array_length(%(users)s, 1)],
               %(company)s, %(country)s,
               (%(states)s)[1 + g %% array_length(%(states)s, 1)],
               'City ' || (g %% 40),
               (%(sources)s)[1 + g %% array_length(%(sources)s, 1)],
               (%(mediums)s)[1 + g %% array_length(%(mediums)s, 1)],
               (%(campaigns)s)[1 + g %% array_length(%(campaigns)s, 1)],
               1000 * (1 + g %% 50),
               now() - (g %% 730) * interval '1 day', now(), 1, 1, now() - (g %% 730) * interval '1 day',
               CASE WHEN g %% 10 = 2 THEN now() - (g %% 700) * interval '1 day' END,
               (ARRAY['new', 'attempted', 'contacted', 'qualified', 'eager', 'junk'])[1 + g %% 6], 'none',
               (ARRAY['lead', 'mql', 'sql', 'opportunity', 'customer'])[1 + g %% 5],
               (ARRAY['cold', 'warm', 'hot'])[1 + g %% 3], 'pipeline', g %% 100, g %% 60, g %% 40
          FROM generate_series(1, %(count)s) g
    """, params)
    cr.execute("SELECT min(id), max(id) FROM crm_lead WHERE name LIKE 'Report lead %%'")
    low, high = cr.fetchone()
    # periods: each lead walks the lifecycle stages, one period a step, until it has its share
    cr.execute("""
        INSERT INTO lead_history (lead_id, dimension, value, date_from, date_to, company_id,
                                  create_date, write_date, create_uid, write_uid)
        SELECT l.id, 'lifecycle_stage', (ARRAY['lead', 'mql', 'sql', 'opportunity', 'customer'])[s],
               l.create_date + (s - 1) * interval '3 days',
               CASE WHEN s < %(per_lead)s THEN l.create_date + s * interval '3 days' END,
               l.company_id, now(), now(), 1, 1
          FROM crm_lead l, generate_series(1, %(per_lead)s) s
         WHERE l.id BETWEEN %(low)s AND %(high)s
    """, {"low": low, "high": high, "per_lead": max(1, min(5, history // max(leads, 1)))})
    cr.execute("""
        INSERT INTO lead_capture_log (channel, status, lead_id, source_id, company_id, create_date, write_date,
                                      create_uid, write_uid)
        SELECT 'api', 'matched', lead.id, (%(sources)s)[1 + (lead.id / 10) %% array_length(%(sources)s, 1)],
               lead.company_id, lead.create_date + interval '2 days', now(), 1, 1
          FROM crm_lead lead
         WHERE lead.id BETWEEN %(low)s AND %(high)s AND lead.id %% 10 = 0
    """, {"sources": sources, "low": low, "high": high})
    eur = env.ref("base.EUR")
    eur.active = True
    env["res.currency.rate"].create([
        {"currency_id": eur.id, "name": f"{year}-{month:02d}-01", "rate": 0.8 + month / 100}
        for year in (2025, 2026) for month in range(1, 13)])
    cr.execute("""
        INSERT INTO lead_marketing_cost (date, source_id, campaign_id, amount, currency_id, company_id, origin,
                                         create_date, write_date, create_uid, write_uid)
        SELECT current_date - (g %% 730), (%(sources)s)[1 + g %% array_length(%(sources)s, 1)],
               (%(campaigns)s)[1 + g %% array_length(%(campaigns)s, 1)], 10 + g %% 500,
               CASE WHEN g %% 2 = 0 THEN %(eur)s ELSE %(currency)s END, %(company)s, 'import', now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
    """, {"sources": sources, "campaigns": campaigns, "count": costs, "currency": env.company.currency_id.id,
          "eur": eur.id, "company": env.company.id})
    cr.commit()
    vacuum(env.cr.dbname)


def timed(env, model, domain, fields, groupby, repeat):
    """Median seconds of ``read_group`` on ``model``, caches emptied before each run."""
    Model = env[model]
    runs = []
    for _ in range(repeat):
        env.invalidate_all()
        env.registry.clear_cache()
        start = time.perf_counter()
        Model.read_group(domain, fields, groupby, lazy=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=500_000)
    parser.add_argument("--costs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", default=DB, help="the benchmark's database (created or updated)")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(args.db, MODULES, args.addons_path)
    env = environment(args.db)
    fill(env, args.leads, args.history, args.costs)
    refresh = None
    if "lead.funnel.report" in env and hasattr(env["lead.funnel.report"], "_refresh_steps"):
        start = time.perf_counter()
        env["lead.funnel.report"]._refresh_steps()
        env.cr.commit()
        refresh = time.perf_counter() - start
        env.cr.execute("ANALYZE lead_funnel_step")
        env.cr.commit()
    # (label, ours: model, domain, fields, groupby; Odoo's: the same grouping on crm.lead)
    pairs = [
        ("Source Performance, first touch, source x month",
         ("lead.source.report", [("attribution_model", "=", "first")],
          SOURCE_MEASURES, ["source_id", "date:month"]),
         ("crm.lead", [], ["expected_revenue:sum"], ["source_id", "create_date:month"]), 1.5),
        ("Source Performance, linear, source x month",
         ("lead.source.report", [("attribution_model", "=", "linear")],
          SOURCE_MEASURES, ["source_id", "date:month"]),
         ("crm.lead", [], ["expected_revenue:sum"], ["source_id", "create_date:month"]), 3.0),
        ("Funnel, lifecycle stage x cohort month",
         ("lead.funnel.report", [("dimension", "=", "lifecycle_stage"), ("mode", "=", "any")],
          ["entered_count:sum", "dropped_count:sum"], ["value", "cohort_month:month"]),
         ("crm.lead", [], ["expected_revenue:sum"], ["lifecycle_stage", "create_date:month"]), 1.5),
        ("Funnel, its pivot's rates and median too",
         ("lead.funnel.report", [("dimension", "=", "lifecycle_stage"), ("mode", "=", "strict")],
          ["entered_count:sum", "moved_on_count:sum", "dropped_count:sum", "current_count:sum", "next_rate:avg",
           "cumulative_rate:avg", "days_in_median:median"], ["value", "cohort_month:month"]),
         ("crm.lead", [], ["expected_revenue:sum"], ["lifecycle_stage", "create_date:month"]), 1.5),
        ("Salesperson Efficiency, salesperson x month",
         ("lead.rep.report", [], ["assigned_count:sum", "won_revenue:sum"], ["user_id", "date:month"]),
         ("crm.lead", [], ["expected_revenue:sum"], ["user_id", "create_date:month"]), 1.5),
    ]
    rows = []
    try:
        for label, ours, odoo, budget in pairs:
            if ours[0] not in env:
                rows.append((label, None, None, budget))
                continue
            theirs = timed(env, *odoo, args.repeat)
            mine = timed(env, *ours, args.repeat)
            rows.append((label, mine, theirs, budget))
    finally:
        env.cr.rollback()
        env.cr.close()
    print(f"{args.leads} leads, {args.history} history periods, {args.costs} costs; "
          f"median of {args.repeat} read_group calls as the superuser")
    print(f"{'pivot':<50}{'ours s':>9}{'Odoo s':>9}{'ratio':>8}{'budget':>8}")
    for label, mine, theirs, budget in rows:
        if mine is None:
            print(f"{label:<50}{'(report not installed)':>34}")
            continue
        print(f"{label:<50}{mine:>9.3f}{theirs:>9.3f}{mine / theirs:>8.2f}{budget:>8.2f}")
    if refresh is not None:
        print(f"{'Funnel steps refresh (hourly cron)':<50}{refresh:>9.3f}")


if __name__ == "__main__":
    main()
