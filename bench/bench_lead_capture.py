#!/usr/bin/env python3
"""What lead_management adds to every lead create and write, against Odoo's crm alone.

Two databases with the same content -- no demo data, no leads -- one with
Odoo's ``crm`` alone, one with every addon of this repository (their default
settings: automatic routing and response-time targets on, no territory nor
scoring model configured). In each, the same work, timed as a median of
``--repeat`` runs, each rolled back and followed by a VACUUM ANALYZE:

- create: N leads as a capture channel sends them (Persian digits in phones,
  names, emails), in batches of 500;
- write: the same N leads get a salesperson and a team, one write per batch
  of 1,000 (what any assignment writes);
- write + activities: the same writes and one "First contact" activity per
  lead (the ORM floor of an assignment with first-contact activities);
- duplicates: Odoo's duplicate warning of 200 of them.

Ratios are lead_management / crm alone (goal: at most 1.10).

    make bench
    python3 bench/bench_lead_capture.py --addons-path=... --leads 20000 --repeat 3
"""
import argparse
import contextlib
import os
import random
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ADDON_DB, ADDON_MODULES, NATIVE_DB, ensure_database, environment, measured, setup_odoo, vacuum

from odoo import fields
from odoo.tools import split_every

FIRST_NAMES = ["علی", "مریم", "رضا", "سارا", "محمد", "زهرا", "حسین", "نگار", "გიორგი", "ნინო", "John", "Anna"]
LAST_NAMES = ["احمدی", "کریمی", "رضایی", "محمدی", "حسینی", "ბერიძე", "კაპანაძე", "Smith"]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
MEASURES = ("create", "write", "write + activities", "duplicates")


def lead_values(count, country_id, seed=42):
    """The same leads in both databases: only fields Odoo's crm has."""
    rng = random.Random(seed)
    values = []
    for index in range(count):
        mobile = f"0912{rng.randrange(10**7):07d}"
        values.append({
            "name": f"Lead {index}",
            "type": "lead",
            "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "email_from": f"contact{rng.randrange(count // 2 or 1)}@example{index % 50}.ir",
            "mobile": mobile.translate(PERSIAN_DIGITS) if index % 2 else mobile,
            "phone": f"021{rng.randrange(10**8):08d}",
            "city": rng.choice(["تهران", "اصفهان", "مشهد", "თბილისი"]),
            "country_id": country_id,
        })
    return values


def salesperson_and_team(env):
    """A salesperson in a team, created in the run (rolled back with it)."""
    user = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench capture rep", "login": "bench_capture_rep",
        "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)]})
    team = env["crm.team"].create({"name": "Bench capture team", "member_ids": [(6, 0, user.ids)]})
    env.flush_all()
    return user, team


def write_leads(env, leads, user, team, activities):
    activity_type = env.ref("mail.mail_activity_data_call")
    model_id = env["ir.model"]._get_id("crm.lead")
    for batch in split_every(1000, leads.ids, env["crm.lead"].browse):
        batch.write({"user_id": user.id, "team_id": team.id})
        if activities:
            env["mail.activity"].with_context(mail_activity_quick_update=True).create([{
                "res_model_id": model_id, "res_id": lead_id, "activity_type_id": activity_type.id,
                "user_id": user.id, "date_deadline": fields.Date.today(), "summary": "First contact",
            } for lead_id in batch.ids])
        env.flush_all()
        env.cr.flush()


def run(db_name, count, batch):
    """One run of every measure: {measure: (seconds, queries)}."""
    env = environment(db_name, {"tracking_disable": False})
    cr = env.cr
    results = {}
    try:
        user, team = salesperson_and_team(env)
        values = lead_values(count, env.ref("base.ir").id)
        leads = env["crm.lead"]
        with measured(cr, results, "create"):
            for offset in range(0, count, batch):
                leads |= env["crm.lead"].create(values[offset:offset + batch])
                env.flush_all()
                env.cr.flush()
        for measure, activities in (("write", False), ("write + activities", True)):
            env.invalidate_all()
            # closing() rolls the savepoint back: each measure writes the same unassigned leads
            with contextlib.closing(cr.savepoint(flush=False)), measured(cr, results, measure):
                write_leads(env, leads, user, team, activities)
            env.invalidate_all()
        with measured(cr, results, "duplicates"):
            leads[:200].mapped("duplicate_lead_count")
        cr.rollback()
    finally:
        cr.close()
    vacuum(db_name)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(NATIVE_DB, "crm", args.addons_path)
    ensure_database(ADDON_DB, ADDON_MODULES, args.addons_path)
    runs = {NATIVE_DB: [], ADDON_DB: []}
    for _repeat in range(args.repeat):
        for db_name in runs:   # alternated: both see the same machine load
            runs[db_name].append(run(db_name, args.leads, args.batch))
            print(f"measured {db_name}: {runs[db_name][-1]}", file=sys.stderr, flush=True)

    def median(db_name, measure):
        return (statistics.median(result[measure][0] for result in runs[db_name]),
                statistics.median(result[measure][1] for result in runs[db_name]))

    print(f"\n{args.leads} leads, median of {args.repeat} runs (seconds, SQL queries)")
    print(f"{'measure':<20}{'crm alone':>12}{'queries':>9}{'with ours':>12}{'queries':>9}{'ratio':>8}")
    for measure in MEASURES:
        (native_s, native_q), (ours_s, ours_q) = median(NATIVE_DB, measure), median(ADDON_DB, measure)
        print(f"{measure:<20}{native_s:>11.2f}s{native_q:>9.0f}{ours_s:>11.2f}s{ours_q:>9.0f}{ours_s / native_s:>8.2f}")


if __name__ == "__main__":
    main()
