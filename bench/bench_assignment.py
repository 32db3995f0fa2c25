#!/usr/bin/env python3
"""Lead routing at scale: lead_management's territory assignment next to
Odoo's native crm.team._action_assign_leads() on the same leads and people.

The database ``lead_management_bench_assign`` gets 40 salespeople in 10
teams, 30 territories (one per Iranian province, the team's 4 salespeople)
and, for Odoo, the same routing as team assignment domains. Each run inserts
N unassigned leads spread over the provinces, assigns them, and rolls back;
``--committed-leads`` commits them first and assigns them as the queue cron
does, committing each batch of 1,000, then deletes them.

    make bench
    python3 bench/bench_assignment.py --addons-path=... --leads 10000 100000 --native-leads 10000
    python3 bench/bench_assignment.py --addons-path=... --leads 10000 --native-leads 0 --floor 10000
    python3 bench/bench_assignment.py --addons-path=... --leads --committed-leads 100000 --native-leads 0

``--floor`` measures what any ORM-based assignment of the same leads costs at least:
one write of salesperson and team per batch of 1,000 leads and 1,000 bare
"First contact" activities, nothing else (no matching, no loads, no SLA).
``--core-floor`` measures the same in ``lead_management_bench_core``, a database
with Odoo's ``crm`` alone: the floor of Odoo itself, without any lead_management
field or override.
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
from collections import defaultdict
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, measured, setup_odoo

from odoo import fields
from odoo.tools import split_every

DB = "lead_management_bench_assign"
CORE_DB = "lead_management_bench_core"


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


def setup_core_floor(env):
    """One salesperson in one team: all the ORM floor needs, in a crm-only database."""
    if env["crm.team"].search_count([("name", "like", "Bench team %")]):
        return
    user = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench rep 0", "login": "bench_rep_0",
        "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)]})
    env["crm.team"].create({"name": "Bench team 0", "use_leads": True,
                            "crm_team_member_ids": [(0, 0, {"user_id": user.id})]})
    env.cr.commit()


def insert_core_leads(env, count):
    """The same leads as insert_leads() with Odoo's own columns only (no provinces: the
    Iranian ones come with lead_management, and the floor does not route)."""
    env.cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, stage_id, company_id, country_id, city,
                              create_date, write_date, create_uid, write_uid, email_from)
        SELECT 'Bench route ' || g, 'lead', true, 10, %(stage)s, %(company)s, %(country)s,
               'City ' || (g %% 30), now(), now(), 1, 1, 'route' || g || '@example.com'
          FROM generate_series(1, %(count)s) g
     RETURNING id""", {"stage": env["crm.stage"].search([], limit=1).id, "company": env.company.id,
                       "country": env.ref("base.ir").id, "count": count})
    return env["crm.lead"].browse([row[0] for row in env.cr.fetchall()])


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


def vacuum(db_name):
    """Clean and re-analyze the database after each run: the next one starts from the
    same state, not from the dead rows of the leads, activities and followers the last
    one rolled back or deleted (a run after another is otherwise 2-3 times slower)."""
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE", db_name], check=True)


def run_measures(env, args, results):
    cr = env.cr
    threading.current_thread().testing = True   # Odoo's assignment commits per batch otherwise
    for count in args.leads:
        for _run in range(args.repeat):
            leads = insert_leads(env, count)
            env.flush_all()
            with measured_run(cr, results, f"lead_management, {count} leads"):
                assigned = leads._assign_by_territory()
                env.flush_all()
            report(results, f"lead_management, {count} leads", len(assigned), count)
            cr.rollback()
            env.invalidate_all()
            vacuum(DB)
    for _run in range(args.repeat if args.floor else 0):
        label = f"ORM floor (write + activities), {args.floor} leads"
        leads = insert_leads(env, args.floor)
        env.flush_all()
        with measured_run(cr, results, label):
            orm_floor(env, leads)
        report(results, label, len(leads), args.floor)
        cr.rollback()
        env.invalidate_all()
        vacuum(DB)
    if args.native_leads:
        label = f"Odoo _action_assign_leads, {args.native_leads} leads"
        leads = insert_leads(env, args.native_leads)
        env.flush_all()
        teams = env["crm.team"].search([("name", "like", "Bench team %")])
        with measured_run(cr, results, label):
            teams._action_assign_leads(force_quota=True)
            env.flush_all()
        leads.invalidate_recordset(["user_id"])
        report(results, label, len(leads.filtered("user_id")), None)
        cr.rollback()
        vacuum(DB)
    for count in args.committed_leads:
        label = f"lead_management, {count} leads, cron (commits)"
        leads = insert_leads(env, count)
        cr.commit()
        vacuum(DB)
        try:
            with measured_run(cr, results, label):
                assigned = leads._assign_by_territory(auto_commit=True)
                env.flush_all()
            report(results, label, len(assigned), count)
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
    parser.add_argument("--leads", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--committed-leads", type=int, nargs="*", default=[],
                        help="leads assigned as the queue cron does: committed first, one commit per batch, "
                             "deleted afterwards")
    parser.add_argument("--native-leads", type=int, default=10_000,
                        help="leads for Odoo's native assignment (0 to skip: it is slow)")
    parser.add_argument("--floor", type=int, default=0,
                        help="leads for the ORM floor: bare writes and activities only (0 to skip)")
    parser.add_argument("--core-floor", type=int, default=0,
                        help="leads for the ORM floor in a database with Odoo's crm alone (0 to skip)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each lead_management and floor measure (the table shows the fastest "
                             "and the median)")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(DB, "lead_management", args.addons_path)
    vacuum(DB)
    env = environment(DB)
    setup_routing(env)
    results = defaultdict(list)
    try:
        run_measures(env, args, results)
    finally:
        env.cr.close()
    if args.core_floor:
        ensure_database(CORE_DB, "crm", args.addons_path)
        vacuum(CORE_DB)
        core_env = environment(CORE_DB)
        try:
            setup_core_floor(core_env)
            for _run in range(args.repeat):
                label = f"ORM floor, Odoo crm alone, {args.core_floor} leads"
                leads = insert_core_leads(core_env, args.core_floor)
                core_env.flush_all()
                with measured_run(core_env.cr, results, label):
                    orm_floor(core_env, leads)
                report(results, label, len(leads), args.core_floor)
                core_env.cr.rollback()
                core_env.invalidate_all()
                vacuum(CORE_DB)
        finally:
            core_env.cr.close()
    print("40 salespeople, 10 teams, 30 territories; 2 CPU machine")
    print(f"{'measure':<50}{'runs':>5}{'fastest s':>11}{'median s':>10}{'queries':>9}{'assigned':>10}"
          f"{'queries/batch':>15}")
    for label, runs in results.items():
        seconds = sorted(run[0] for run in runs)
        _seconds, queries, assigned, batches = runs[0]
        per_batch = f"{queries / batches:.1f}" if batches else "-"
        print(f"{label:<50}{len(runs):>5}{seconds[0]:>11.1f}{statistics.median(seconds):>10.1f}{queries:>9}"
              f"{assigned:>10}{per_batch:>15}")


if __name__ == "__main__":
    main()
