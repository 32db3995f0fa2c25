#!/usr/bin/env python3
"""The analytics reports at scale, each next to Odoo's own ``crm.lead``
``read_group`` of the same grouping over the same leads.

The first run fills the database with N leads (12 sources, 10% won, 10% lost),
one matched submission carrying another source for a tenth of them (touches
of the attribution models) and M marketing costs in two currencies, in SQL,
and commits them. Each grouping is read once to warm the cache, then timed
(best of three).

Source Performance: by source x month, first touch (<= 1.5x Odoo's) and
linear attribution (<= 3x).

    python3 bench/bench_reports.py --addons-path=... --leads 1000000 --costs 20000
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ADDON_MODULES, ensure_database, environment, setup_odoo

DB = "lead_management_bench_reports"
SOURCES = 12


def fill(env, db, leads, costs):
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench report lead %%'")
    if cr.fetchone()[0] >= leads:
        return
    print(f"generating {leads} leads and {costs} marketing costs (once)", file=sys.stderr)
    sources = env["utm.source"].create([{"name": f"Bench report source {i}"} for i in range(SOURCES)]).ids
    teams = env["crm.team"].search([], limit=3).ids or [env["crm.team"].create({"name": "Bench"}).id]
    open_stage = env["crm.stage"].search([("is_won", "=", False)], limit=1).id
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1).id
    eur = env.ref("base.EUR")
    eur.active = True
    env["res.currency.rate"].create([
        {"currency_id": eur.id, "name": f"2025-{month:02d}-01", "rate": 0.8 + month / 100} for month in range(1, 13)])
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, stage_id, team_id, company_id, source_id,
                              create_date, write_date, create_uid, write_uid, date_closed, expected_revenue,
                              lead_status, sla_status, lifecycle_stage, temperature, score)
        SELECT 'Bench report lead ' || g,
               CASE WHEN g %% 5 = 0 OR g %% 10 = 2 THEN 'opportunity' ELSE 'lead' END,
               g %% 10 <> 1,
               CASE WHEN g %% 10 = 1 THEN 0 WHEN g %% 10 = 2 THEN 100 ELSE 10 END,
               CASE WHEN g %% 10 = 2 THEN %(won)s ELSE %(open)s END,
               (%(teams)s)[1 + g %% array_length(%(teams)s, 1)],
               %(company)s,
               (%(sources)s)[1 + g %% array_length(%(sources)s, 1)],
               '2025-01-01'::timestamp + (g %% 365) * interval '1 day', now(), 1, 1,
               CASE WHEN g %% 10 = 2 THEN '2025-01-01'::timestamp + (g %% 365 + g %% 40) * interval '1 day' END,
               1000 + g %% 5000,
               'new', 'none',
               (ARRAY['lead', 'mql', 'sql', 'opportunity', 'customer'])[1 + g %% 5],
               (ARRAY['cold', 'warm', 'hot'])[1 + g %% 3],
               g %% 101
          FROM generate_series(1, %(count)s) g
    """, {"won": won_stage, "open": open_stage, "teams": teams, "company": env.company.id, "sources": sources,
          "count": leads})
    cr.execute("""
        INSERT INTO lead_capture_log (channel, status, lead_id, source_id, company_id, create_date, write_date,
                                      create_uid, write_uid)
        SELECT 'api', 'matched', lead.id, (%(sources)s)[1 + (lead.id / 10) %% array_length(%(sources)s, 1)],
               lead.company_id, lead.create_date + interval '2 days', now(), 1, 1
          FROM crm_lead lead
         WHERE lead.name LIKE 'Bench report lead %%' AND lead.id %% 10 = 0
    """, {"sources": sources})
    cr.execute("""
        INSERT INTO lead_marketing_cost (date, source_id, amount, currency_id, company_id, origin,
                                         create_date, write_date, create_uid, write_uid)
        SELECT '2025-01-01'::date + g %% 365, (%(sources)s)[1 + g %% array_length(%(sources)s, 1)],
               10 + g %% 500, CASE WHEN g %% 2 = 0 THEN %(eur)s ELSE %(currency)s END, %(company)s, 'manual',
               now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
    """, {"sources": sources, "eur": eur.id, "currency": env.company.currency_id.id, "company": env.company.id,
          "count": costs})
    cr.commit()
    # what autovacuum does on a live database: fresh statistics and visibility map
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE crm_lead", "-c", "VACUUM ANALYZE lead_capture_log",
                    "-c", "VACUUM ANALYZE lead_marketing_cost", db], check=True)


def timed(read, runs=3):
    """Best of ``runs`` timings of ``read()``, after a first call that warms the cache."""
    read()
    best = None
    for __ in range(runs):
        start = time.perf_counter()
        read()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--db", default=DB)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--costs", type=int, default=20_000)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(args.db, ADDON_MODULES, args.addons_path)
    env = environment(args.db)
    try:
        fill(env, args.db, args.leads, args.costs)
        Lead = env["crm.lead"].with_context(active_test=False)
        Source = env["lead.source.report"]
        measures = ["lead_count:sum", "sql_count:sum", "won_count:sum", "won_revenue:sum", "cost:sum",
                    "cost_per_lead:sum", "cac:sum", "roi:sum"]
        results = {
            "Odoo crm.lead read_group, source x month": timed(lambda: Lead._read_group(
                [], ["source_id", "create_date:month"], ["__count", "expected_revenue:sum"])),
            "Source Performance, first touch, source x month": timed(lambda: Source._read_group(
                [("attribution_model", "=", "first")], ["source_id", "date:month"], measures)),
            "Source Performance, linear, source x month": timed(lambda: Source._read_group(
                [("attribution_model", "=", "linear")], ["source_id", "date:month"], measures)),
        }
    finally:
        env.cr.rollback()
        env.cr.close()
    baseline = results["Odoo crm.lead read_group, source x month"]
    print(f"{args.leads} leads, {args.costs} costs")
    for label, seconds in results.items():
        print(f"{label:<55} {seconds * 1000:9.1f} ms  {seconds / baseline:5.2f}x")


if __name__ == "__main__":
    main()
