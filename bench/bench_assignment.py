#!/usr/bin/env python3
"""Lead routing at scale, measured like for like in one run, on the same
leads and people:

- lead_management's territory routing with the response-time targets off
  (no activities: Odoo's assignment creates none) against Odoo's native
  ``crm.team._action_assign_leads()`` (goal: at least 20 times faster);
- the same routing with the targets on (a "First contact" activity per lead)
  against the ORM floor of the same work: the same writes (territory,
  salesperson and team of each lead, grouped as the routing groups them) and
  one activity per lead for its salesperson, decided beforehand: no matching,
  no loads, no deadlines (goal: at most 1.15 times the floor). The floor of
  the writes alone also shows how far any routing can be from Odoo's.

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
ORM_FLOOR = "ORM floor of the same writes and activities"
WRITE_FLOOR = "ORM floor of the same writes"
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


def plan(env, leads):
    """The assignment the routing makes, decided beforehand: each lead to the
    territory of its province, in turn to the territory's salespeople.

    :return: [(lead ids, territory, user, team)] by batch of 1,000 leads
    """
    territories = env["lead.territory"].search([("name", "like", "Bench %")])
    territory_by_state = {terr.state_ids.id: terr for terr in territories}
    turns = defaultdict(int)
    batches = []
    for batch in split_every(1000, leads.ids, env["crm.lead"].browse):
        groups = defaultdict(list)
        for lead in batch:
            terr = territory_by_state[lead.state_id.id]
            users = terr.user_ids.sorted("id")
            groups[(terr, users[turns[terr] % len(users)], terr.team_id)].append(lead.id)
            turns[terr] += 1
        batches.append(groups)
    return batches


def orm_floor(env, batches, activities):
    """The ORM floor of routing with response-time targets: the same writes
    (a territory per territory, a salesperson and team per salesperson) and
    one "First contact" activity per lead for its salesperson, decided
    beforehand (see plan()), without one email per activity as
    lead_management does; no matching, no loads, no deadlines."""
    Lead = env["crm.lead"].with_context(mail_auto_subscribe_no_notify=True)
    activity_type = env.ref("mail.mail_activity_data_call")
    model_id = env["ir.model"]._get_id("crm.lead")
    deadline = fields.Date.today()
    for groups in batches:
        by_territory, by_user_team = defaultdict(list), defaultdict(list)
        for (terr, user, team), lead_ids in groups.items():
            by_territory[terr.id] += lead_ids
            by_user_team[(user.id, team.id)] += lead_ids
        for territory_id, lead_ids in by_territory.items():
            Lead.browse(lead_ids).write({"territory_id": territory_id})
        for (user_id, team_id), lead_ids in by_user_team.items():
            Lead.browse(lead_ids).write({"user_id": user_id, "team_id": team_id})
        if activities:
            env["mail.activity"].with_context(mail_activity_quick_update=True).create([{
                "res_model_id": model_id, "res_id": lead_id, "activity_type_id": activity_type.id,
                "user_id": user.id, "date_deadline": deadline, "summary": "First contact",
            } for (_terr, user, _team), lead_ids in groups.items() for lead_id in lead_ids])
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
        (ROUTING_SLA_ON, lambda leads, _plan: (set_sla(env, True), leads._assign_by_territory())[1]),
        (ORM_FLOOR, lambda leads, batches: (orm_floor(env, batches, activities=True), leads)[1]),
        (ROUTING_SLA_OFF, lambda leads, _plan: (set_sla(env, False), leads._assign_by_territory())[1]),
        (WRITE_FLOOR, lambda leads, batches: (orm_floor(env, batches, activities=False), leads)[1]),
    ]
    for _run in range(args.repeat):
        for label, measure in measures:
            leads = insert_leads(env, count)
            env.flush_all()
            batches = plan(env, leads)
            env.invalidate_all()
            with measured_run(cr, results, label):
                assigned = measure(leads, batches)
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
        print(f"Odoo's assignment / ORM floor of the same writes: {medians[NATIVE] / medians[WRITE_FLOOR]:.1f}x "
              "(what no routing can beat)")
    print(f"routing without targets / ORM floor of the same writes: "
          f"{medians[ROUTING_SLA_OFF] / medians[WRITE_FLOOR]:.2f}x")
    print(f"routing with targets / ORM floor: {medians[ROUTING_SLA_ON] / medians[ORM_FLOOR]:.2f}x (goal: at most 1.15)")


if __name__ == "__main__":
    main()
