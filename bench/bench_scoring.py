#!/usr/bin/env python3
"""Lead scoring at scale: full rescore and daily decay of lead_management
next to Odoo's predictive lead scoring cron on the same data.

The first run fills the database ``lead_management_bench`` with N leads
(10% lost, 10% won: history for Odoo's predictive scoring) and M engagement
events, in SQL, and commits them with a scoring model of 8 fit and 6
engagement rules. Every measurement is rolled back.

    make bench
    python3 bench/bench_scoring.py --addons-path=... --leads 100000 --events 1000000
"""
import argparse
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, measured, setup_odoo

DB = "lead_management_bench"


def fill(env, leads, events):
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    if cr.fetchone()[0] >= leads:
        return
    print(f"generating {leads} leads and {events} engagement events (once)", file=sys.stderr)
    teams = env["crm.team"].search([], limit=3).ids or [env["crm.team"].create({"name": "Bench"}).id]
    first_stage = env["crm.stage"].search([("is_won", "=", False)], limit=1).id
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1).id
    countries = [env.ref("base.ir").id, env.ref("base.ge").id]
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, stage_id, team_id, company_id, country_id,
                              create_date, write_date, create_uid, write_uid, date_open, lead_status, sla_status,
                              company_size, need_level, decision_timeframe, is_decision_maker, email_from,
                              lifecycle_stage, temperature, forecast_category, score, score_fit, score_engagement)
        SELECT 'Bench lead ' || g,
               CASE WHEN g %% 5 = 0 THEN 'opportunity' ELSE 'lead' END,
               g %% 10 <> 1,
               CASE WHEN g %% 10 = 1 THEN 0 WHEN g %% 10 = 2 THEN 100 ELSE 5 + g %% 60 END,
               CASE WHEN g %% 10 = 2 THEN %(won)s ELSE %(first)s END,
               (%(teams)s)[1 + g %% array_length(%(teams)s, 1)],
               %(company)s,
               (%(countries)s)[1 + g %% 2],
               now() - (g %% 300) * interval '1 day', now(), 1, 1, now() - (g %% 300) * interval '1 day',
               (ARRAY['new', 'attempted', 'contacted', 'qualified', 'eager'])[1 + g %% 5], 'none',
               (ARRAY['1_10', '11_50', '51_200', '201_1000', '1000_plus'])[1 + g %% 5],
               (ARRAY['none', 'low', 'medium', 'high'])[1 + g %% 4],
               (ARRAY['now', 'month', 'quarter', 'half_year', 'later', 'unknown'])[1 + g %% 6],
               g %% 3 = 0,
               'contact' || g || '@example' || (g %% 100) || '.com',
               'lead', 'cold', 'pipeline', 0, 0, 0
          FROM generate_series(1, %(count)s) g
    """, {"won": won_stage, "first": first_stage, "teams": teams, "company": env.company.id,
          "countries": countries, "count": leads})
    cr.execute("SELECT min(id), max(id) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    low, high = cr.fetchone()
    cr.execute("""
        INSERT INTO lead_engagement (lead_id, event_type, date, points, create_date, write_date, create_uid,
                                     write_uid)
        SELECT %(low)s + floor(random() * (%(high)s - %(low)s + 1))::int,
               (ARRAY['email_open', 'email_click', 'email_reply', 'website_visit', 'form_submit', 'call', 'chat',
                      'meeting', 'campaign_response'])[1 + floor(random() * 9)::int],
               now() - random() * interval '180 days', 0, now(), now(), 1, 1
          FROM generate_series(1, %(count)s)
    """, {"low": low, "high": high, "count": events})
    env["ir.config_parameter"].set_param("crm.pls_start_date", "2000-01-01")
    env["lead.scoring.model"].create({
        "name": "Bench model",
        "rule_ids": [
            (0, 0, {"name": "Large", "kind": "fit", "points": 20,
                    "domain": "[('company_size', 'in', ['201_1000', '1000_plus'])]"}),
            (0, 0, {"name": "Mid", "kind": "fit", "points": 10, "domain": "[('company_size', '=', '51_200')]"}),
            (0, 0, {"name": "Authority", "kind": "fit", "points": 15, "domain": "[('is_decision_maker', '=', True)]"}),
            (0, 0, {"name": "Need", "kind": "fit", "points": 15, "domain": "[('need_level', '=', 'high')]"}),
            (0, 0, {"name": "No need", "kind": "fit", "points": -20, "domain": "[('need_level', '=', 'none')]"}),
            (0, 0, {"name": "Soon", "kind": "fit", "points": 10,
                    "domain": "[('decision_timeframe', 'in', ['now', 'month'])]"}),
            (0, 0, {"name": "Georgia", "kind": "fit", "points": 5, "domain": "[('country_id.code', '=', 'GE')]"}),
            (0, 0, {"name": "Opportunity", "kind": "fit", "points": 5, "domain": "[('type', '=', 'opportunity')]"}),
            (0, 0, {"name": "Meetings", "kind": "engagement", "event_type": "meeting", "points": 20, "max_points": 40}),
            (0, 0, {"name": "Calls", "kind": "engagement", "event_type": "call", "points": 10, "max_points": 20}),
            (0, 0, {"name": "Replies", "kind": "engagement", "event_type": "email_reply", "points": 8,
                    "max_points": 16}),
            (0, 0, {"name": "Visits", "kind": "engagement", "event_type": "website_visit", "points": 3,
                    "max_points": 15}),
            (0, 0, {"name": "Forms", "kind": "engagement", "event_type": "form_submit", "points": 15,
                    "max_points": 30}),
            (0, 0, {"name": "Opens", "kind": "engagement", "event_type": "email_open", "points": 2,
                    "max_points": 10}),
        ],
    })
    cr.commit()
    # what autovacuum does on a live database: fresh statistics and visibility map
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE crm_lead", "-c", "VACUUM ANALYZE lead_engagement", DB],
                   check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(DB, "lead_management", args.addons_path)
    env = environment(DB)
    cr = env.cr
    fill(env, args.leads, args.events)
    results = {}
    Lead = env["crm.lead"]
    try:
        leads = Lead.with_context(active_test=False).search([])
        with measured(cr, results, "full rescore (lead_management)"):
            leads._recompute_score()
            env.flush_all()
        batches = -(-len(leads) // 1000)
        cr.rollback()
        env.invalidate_all()

        cr.execute("UPDATE crm_lead SET score_date = now() - interval '1 day'")
        env.invalidate_all()
        with measured(cr, results, "daily decay cron (lead_management)"):
            while Lead._cron_score_decay()[0]:
                pass
            env.flush_all()
        cr.rollback()
        env.invalidate_all()

        threading.current_thread().testing = True   # Odoo's cron commits per batch otherwise
        with measured(cr, results, "Odoo _cron_update_automated_probabilities"):
            Lead._cron_update_automated_probabilities()
            env.flush_all()
        cr.rollback()
    finally:
        cr.close()
    print(f"{len(leads)} leads, open, won and lost ({batches} batches of 1000), "
          f"{args.events} engagement events, 2 CPU machine")
    print(f"{'measure':<45}{'seconds':>10}{'queries':>10}{'queries/batch':>15}")
    for label, (seconds, queries) in results.items():
        per_batch = f"{queries / batches:.1f}" if "lead_management" in label else "-"
        print(f"{label:<45}{seconds:>10.1f}{queries:>10}{per_batch:>15}")


if __name__ == "__main__":
    main()
