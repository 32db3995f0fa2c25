#!/usr/bin/env python3
"""Lead routing at scale, measured like for like in one run, on the same
leads and people:

- lead_management's territory routing with the response-time targets off
  (no activities: Odoo's assignment creates none) against Odoo's native
  ``crm.team._action_assign_leads()`` (goal: at least 20 times faster);
- the same routing with the targets on (a "First contact" activity per lead)
  against the ORM floor of the same work: one write of salesperson and team
  per batch of 1,000 leads and one activity per lead, nothing else (no
  matching, no loads, no deadlines; goal: at most 1.15 times the floor).

The database ``lead_management_bench_assign`` (every addon of the repository,
no demo data) gets 40 salespeople in 10 teams, 30 territories (one per
Iranian province, the team's 4 salespeople) and, for Odoo, the same routing as
team assignment domains. Each measure inserts the same N unassigned leads
spread over the provinces, runs, and is rolled back; the database is vacuumed
after each, so every run starts from the same state. ``--committed-leads``
also routes committed leads as the queue cron does (one commit per batch of
1,000), deleted afterwards.

    make bench
    python3 bench/bench_assignment.py --addons-path=... --leads 10000 --repeat 3
    python3 bench/bench_assignment.py --addons-path=... --leads 10000 --native-leads 0 --committed-leads 100000
"""
import argparse
import os
import statistics
import sys
import threading
from collections import defaultdict
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ADDON_MODULES, ensure_database, environment, measured, setup_odoo, vacuum

from odoo import fields
from odoo.tools import split_every

DB = "lead_management_bench_assign"
ROUTING_SLA_ON = "lead_management routing, response-time targets on (activities)"
ROUTING_SLA_OFF = "lead_management routing, response-time targets off"
ORM_FLOOR = "ORM floor: salesperson and team per 1,000 leads, activities"
NATIVE = "Odoo crm.team._action_assign_leads()"


def setup_routing(env):
    if env["lead.territory"].search_count([("name", "like", "Bench %")]) >= 30:
        return
    print("creating 40 salespeople, 10 teams, 30 territories (once)", file=sys.stderr)
    group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"].with_context(no_reset_password=True).create([
        {"name": f"Bench rep {i}", "login": f"bench_rep_{i}", "groups_id": [(6, 0, group.ids)]} for i in range(40)])
    states = env["res.country.state"].search([("country_id", "=", env.ref("base.ir").id)], order="id", limit=30)
    teams = env["crm.team"].create([{
        "name": f"Bench team {t}", "use_leads": True, "assignment_optout": False,
        "assignment_domain": repr([("state_id", "in", states[t * 3:(t + 1) * 3].ids)]),
    } for t in range(10)])
    env["crm.team.member"].create([
        {"crm_team_id": teams[i // 4].id, "user_id": user.id, "assignment_max": 100000}
        for i, user in enumerate(users)])
    env["lead.territory"].create([{
        "name": f"Bench {state.name}", "team_id": teams[index // 3].id, "state_ids": [(6, 0, state.ids)],
        "user_ids": [(6, 0, users[(index // 3) * 4:(index // 3) * 4 + 4].ids)],
        "method": "round_robin" if index % 2 else "least_loaded",
    } for index, state in enumerate(states)])
    env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
    env.cr.commit()


def insert_leads(env, count):
    states = env["res.country.state"].search([("country_id", "=", env.ref("base.ir").id)], order="id", limit=30)
    # like leads created in Odoo: with the first stage (Odoo looks one up per lead otherwise)
    env.cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, stage_id, company_id, country_id, state_id, city,
                              create_date, write_date, create_uid, write_uid, lead_status, sla_status,
                              lifecycle_stage, temperature, forecast_category, score, score_fit, score_engagement,
                              email_from)
        SELECT 'Bench route ' || g, 'lead', true, 10, %(stage)s, %(company)s, %(country)s, (%(states)s)[1 + g %% 30],
               'City ' || (g %% 30), now(), now(), 1, 1, 'new', 'none', 'lead',
               (ARRAY['cold', 'warm', 'hot'])[1 + g %% 3], 'pipeline', 0, 0, 0, 'route' || g || '@example.com'
          FROM generate_series(1, %(count)s) g
     RETURNING id""", {"stage": env["crm.stage"].search([], limit=1).id, "company": env.company.id,
                       "country": env.ref("base.ir").id, "states": states.ids,
                       "count": count})
    return env["crm.lead"].browse([row[0] for row in env.cr.fetchall()])


def delete_leads(env, leads):
    """Remove committed bench leads with their activities and followers."""
    env.invalidate_all()
    for table in ("mail_activity", "mail_followers"):
        env.cr.execute(f"DELETE FROM {table} WHERE res_model = 'crm.lead' AND res_id = ANY(%s)",
                       [leads.ids])
    env.cr.execute("DELETE FROM crm_lead WHERE id = ANY(%s)", [leads.ids])
    env.cr.commit()


def orm_floor(env, leads):
    """Write one salesperson and team on each batch of 1,000 leads and create one activity per
    lead (without one email per activity, as lead_management does): the least an ORM-based
    assignment with first-contact activities does."""
    member = env["crm.team.member"].search([("crm_team_id.name", "like", "Bench team %")], limit=1)
    activity_type = env.ref("mail.mail_activity_data_call")
    model_id = env["ir.model"]._get_id("crm.lead")
    deadline = fields.Date.today()
    for batch in split_every(1000, leads.ids, env["crm.lead"].browse):
        batch.write({"user_id": member.user_id.id, "team_id": member.crm_team_id.id})
        env["mail.activity"].with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model_id, "res_id": lead_id, "activity_type_id": activity_type.id,
            "user_id": member.user_id.id, "date_deadline": deadline, "summary": "First contact",
        } for lead_id in batch.ids])
        env.flush_all()
        env.invalidate_all()


@contextmanager
def measured_run(cr, results, label):
    """measured(), appending one run to the list ``results[label]``."""
    run = {}
    with measured(cr, run, label):
        yield
    results[label].append(run[label])


def set_sla(env, enabled):
    env["ir.config_parameter"].set_param("lead_management.sla_enabled", str(enabled))


def run_measures(env, args, results):
    cr = env.cr
    threading.current_thread().testing = True   # Odoo's assignment commits per batch otherwise
    count = args.leads
    measures = [
        (ROUTING_SLA_ON, lambda leads: (set_sla(env, True), leads._assign_by_territory())[1]),
        (ROUTING_SLA_OFF, lambda leads: (set_sla(env, False), leads._assign_by_territory())[1]),
        (ORM_FLOOR, lambda leads: (orm_floor(env, leads), leads)[1]),
    ]
    for _run in range(args.repeat):
        for label, measure in measures:
            leads = insert_leads(env, count)
            env.flush_all()
            with measured_run(cr, results, label):
                assigned = measure(leads)
                env.flush_all()
            report(results, label, len(assigned), count)
            cr.rollback()
            env.invalidate_all()
            vacuum(DB)
    if args.native_leads:
        leads = insert_leads(env, args.native_leads)
        env.flush_all()
        teams = env["crm.team"].search([("name", "like", "Bench team %")])
        with measured_run(cr, results, NATIVE):
            teams._action_assign_leads(force_quota=True)
            env.flush_all()
        leads.invalidate_recordset(["user_id"])
        report(results, NATIVE, len(leads.filtered("user_id")), args.native_leads)
        cr.rollback()
        vacuum(DB)
    for committed in args.committed_leads:
        label = f"routing, targets on, {committed} committed leads, cron (a commit per batch)"
        set_sla(env, True)
        leads = insert_leads(env, committed)
        cr.commit()
        vacuum(DB)
        try:
            with measured_run(cr, results, label):
                assigned = leads._assign_by_territory(auto_commit=True)
                env.flush_all()
            report(results, label, len(assigned), committed)
        finally:
            cr.rollback()
            delete_leads(env, leads)
            vacuum(DB)


def report(results, label, assigned, count):
    """Complete the last measure of ``label`` with what it assigned and its batches."""
    results[label][-1] += (assigned, -(-count // 1000) if count else None)
    print("measured:", label, results[label][-1], file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=10_000, help="leads of each measure")
    parser.add_argument("--native-leads", type=int, default=10_000,
                        help="leads for Odoo's native assignment (0 to skip: it is slow); the ratio needs --leads")
    parser.add_argument("--committed-leads", type=int, nargs="*", default=[],
                        help="leads routed as the queue cron does: committed first, one commit per batch, "
                             "deleted afterwards")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each of our measures and of the floor (the table shows the fastest and "
                             "the median; the ratios use the medians)")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(DB, ADDON_MODULES, args.addons_path)
    vacuum(DB)
    env = environment(DB)
    setup_routing(env)
    results = defaultdict(list)
    try:
        run_measures(env, args, results)
    finally:
        env.cr.close()
    print(f"\n40 salespeople, 10 teams, 30 territories, {args.leads} leads")
    print(f"{'measure':<72}{'runs':>5}{'fastest s':>11}{'median s':>10}{'queries':>9}{'assigned':>10}"
          f"{'queries/batch':>15}")
    medians = {}
    for label, runs in results.items():
        seconds = sorted(run[0] for run in runs)
        medians[label] = statistics.median(seconds)
        _seconds, queries, assigned, batches = runs[0]
        per_batch = f"{queries / batches:.1f}" if batches else "-"
        print(f"{label:<72}{len(runs):>5}{seconds[0]:>11.1f}{medians[label]:>10.1f}{queries:>9}"
              f"{assigned:>10}{per_batch:>15}")
    if NATIVE in medians and args.native_leads == args.leads:
        print(f"Odoo's assignment / routing without targets: {medians[NATIVE] / medians[ROUTING_SLA_OFF]:.1f}x "
              "(goal: at least 20)")
    print(f"routing with targets / ORM floor: {medians[ROUTING_SLA_ON] / medians[ORM_FLOOR]:.2f}x (goal: at most 1.15)")


if __name__ == "__main__":
    main()
