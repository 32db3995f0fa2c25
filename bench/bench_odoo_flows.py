#!/usr/bin/env python3
"""What lead_management adds to Odoo's own lead flows, in SQL queries.

1. Odoo's native team assignment (``crm.team._action_assign_leads``), mass
   conversion (``crm.lead2opportunity.partner.mass``) and merge
   (``crm.lead._merge_opportunity``) on 10 and 200 leads, as a sales manager,
   in a database with Odoo's ``crm`` alone and in one with our addons (no demo
   data in either): queries of each, and what ours add. What they add must
   be the same for 10 and 200 leads (the addon's hooks run once per flow);
   ``lead_management/tests/test_odoo_flows.py`` pins the same flows.
2. Odoo's own query-budget tests (``--odoo-test-db``, a database where our
   addons are installed with demo data, as ``make test-odoo`` makes it):
   the queries each counted against Odoo's budget, and the ratio.

    make bench
    python3 bench/bench_odoo_flows.py --addons-path=... [--odoo-test-db lead_management_odoo_test]

Each flow runs in a transaction that is rolled back.
"""
import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ADDON_DB, ADDON_MODULES, NATIVE_DB, ensure_database, setup_odoo

import odoo

SIZES = (10, 200)
ODOO_BUDGET_TESTS = [
    "crm/tests/test_performances.py::TestLeadAssignPerf::test_assign_perf_populated",
    "crm/tests/test_performances.py::TestLeadAssignPerf::test_assign_perf_duplicates",
    "crm/tests/test_performances.py::TestLeadAssignPerf::test_assign_perf_no_duplicates",
    "crm/tests/test_crm_lead_convert_mass.py::TestLeadConvertMass::test_mass_convert_performances",
]


def manager_env(cr):
    """An environment of a sales manager, created in this transaction."""
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    manager = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Flow Manager", "login": "bench_flow_manager", "email": "bench.manager@example.com",
        "notification_type": "inbox",
        "groups_id": [(6, 0, [env.ref("sales_team.group_sale_manager").id])],
    })
    rep = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Flow Rep", "login": "bench_flow_rep", "email": "bench.rep@example.com",
        "notification_type": "inbox",
        "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
    })
    team = env["crm.team"].create({"name": "Bench Flow Team", "use_leads": True, "assignment_domain": False})
    env["crm.team.member"].create([
        {"crm_team_id": team.id, "user_id": user.id, "assignment_max": 3000} for user in (manager, rep)])
    return env(user=manager), team, manager | rep


def create_leads(env, count, **values):
    leads = env["crm.lead"].create([{
        "name": f"Flow lead {index}", "type": "lead", "email_from": f"flow.customer.{index}@example.com",
        "phone": f"+3247000{index:04d}", **values,
    } for index in range(count)])
    env.flush_all()
    env.cr.flush()
    return leads


def flow_queries(env, team, users, flow, count):
    """Create ``count`` leads, run ``flow`` on them: its queries."""
    if flow == "assignment":
        create_leads(env, count, user_id=False, team_id=False)
    elif flow == "mass convert":
        leads = create_leads(env, count, user_id=False, team_id=team.id)
    else:
        leads = create_leads(env, count, user_id=users[1].id, team_id=team.id)
    start = env.cr.sql_log_count
    if flow == "assignment":
        team.with_env(env)._action_assign_leads(force_quota=True)
    elif flow == "mass convert":
        env["crm.lead2opportunity.partner.mass"].with_context(
            active_model="crm.lead", active_ids=leads.ids,
        ).create({
            "deduplicate": False, "user_ids": users.ids, "force_assignment": True,
            "name": "convert", "action": "nothing",
        }).action_mass_convert()
    else:
        leads._merge_opportunity(max_length=0)
    env.flush_all()
    env.cr.flush()
    return env.cr.sql_log_count - start


def run_flow(db_name, flow, count):
    """Queries of one flow on ``count`` leads, measured as Odoo's ``warmup``
    does: a first run warms the caches up and is rolled back, the second
    counts. Everything is rolled back."""
    registry = odoo.modules.registry.Registry(db_name)
    with registry.cursor() as cr:
        env, team, users = manager_env(cr)
        env.flush_all()
        env.invalidate_all()
        with contextlib.closing(cr.savepoint(flush=False)):
            flow_queries(env, team, users, flow, count)
            env.flush_all()
        env.invalidate_all()
        counted = flow_queries(env, team, users, flow, count)
        cr.rollback()
    return counted


def odoo_budget_counts(db_name, addons_path):
    """{test: (counted, budget)} of Odoo's query-budget tests run in ``db_name``."""
    odoo_root = os.path.dirname(os.path.dirname(odoo.__file__))
    bench_dir = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as empty_dir:
        process = subprocess.run(
            [sys.executable, "-m", "pytest", "-s", "-p", "no:cacheprovider", "-p", "query_count_plugin", "-q",
             f"--rootdir={odoo_root}/addons", f"--odoo-database={db_name}", f"--odoo-addons-path={addons_path}",
             "--odoo-log-level=error", *[f"{odoo_root}/addons/{test}" for test in ODOO_BUDGET_TESTS]],
            capture_output=True, text=True, cwd=empty_dir, env=dict(os.environ, PYTHONPATH=bench_dir), check=False)
    counts = {}
    for match in re.finditer(r"QUERY_COUNT \S+\.(\w+) \S+ (\d+) (\d+)", process.stdout):
        counts[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    if len(counts) != len(ODOO_BUDGET_TESTS):
        print(process.stdout[-3000:], process.stderr[-3000:], file=sys.stderr)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--odoo-test-db", default="lead_management_odoo_test",
                        help="database with our addons and demo data for Odoo's budget tests ('' to skip)")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    # as in Odoo's tests: its assignment commits every 100 leads unless testing
    threading.current_thread().testing = True
    ensure_database(NATIVE_DB, "crm", args.addons_path)
    ensure_database(ADDON_DB, ADDON_MODULES, args.addons_path)

    print("\nOdoo's flows, SQL queries as a sales manager (crm alone / with lead_management)")
    print(f"{'flow':<14}{'leads':>6}{'crm alone':>11}{'with ours':>11}{'added':>7}{'ratio':>7}")
    for flow in ("assignment", "mass convert", "merge"):
        for count in SIZES:
            native, ours = run_flow(NATIVE_DB, flow, count), run_flow(ADDON_DB, flow, count)
            print(f"{flow:<14}{count:>6}{native:>11}{ours:>11}{ours - native:>+7}{ours / native:>7.2f}")

    if args.odoo_test_db and subprocess.run(
            ["psql", "-Atqc", "select 1", args.odoo_test_db], capture_output=True, check=False).returncode:
        print(f"\nno database {args.odoo_test_db}: `make test-odoo` creates it for Odoo's query-budget tests")
    elif args.odoo_test_db:
        print(f"\nOdoo's query-budget tests in {args.odoo_test_db} (our addons with demo data)")
        print(f"{'test':<36}{'counted':>9}{'budget':>8}{'ratio':>7}")
        for test, (counted, budget) in odoo_budget_counts(args.odoo_test_db, args.addons_path).items():
            print(f"{test:<36}{counted:>9}{budget:>8}{counted / budget:>7.2f}")


if __name__ == "__main__":
    main()
