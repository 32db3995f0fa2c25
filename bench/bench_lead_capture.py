#!/usr/bin/env python3
"""Lead capture throughput: lead_management against native Odoo CRM.

Creates the same N leads (Persian digits in phones, Persian names, emails)
in two databases, one with only ``crm`` and one with ``lead_management``,
and prints time and SQL queries for creating them and for computing the
duplicate warning of 200 of them. Everything is rolled back.

    make bench                          # defaults: 5000 leads
    python3 bench/bench_lead_capture.py --addons-path=... --leads 20000
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, measured, setup_odoo

NATIVE_DB = "lead_management_bench_native"
ADDON_DB = "lead_management_bench"
FIRST_NAMES = ["علی", "مریم", "رضا", "سارا", "محمد", "زهرا", "حسین", "نگار", "გიორგი", "ნინო", "John", "Anna"]
LAST_NAMES = ["احمدی", "کریمی", "رضایی", "محمدی", "حسینی", "بერიძე", "კაპანაძე", "Smith"]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def lead_values(count, with_addon_fields, seed=42):
    rng = random.Random(seed)
    values = []
    for index in range(count):
        mobile = f"0912{rng.randrange(10**7):07d}"
        vals = {
            "name": f"Lead {index}",
            "type": "lead",
            "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "email_from": f"contact{rng.randrange(count // 2 or 1)}@example{index % 50}.ir",
            "mobile": mobile.translate(PERSIAN_DIGITS) if index % 2 else mobile,
            "phone": f"021{rng.randrange(10**8):08d}",
            "city": rng.choice(["تهران", "اصفهان", "مشهد", "თბილისი"]),
        }
        if with_addon_fields:
            vals.update({"lead_status": "new", "need_level": rng.choice(["low", "medium", "high"])})
        values.append(vals)
    return values


def measure(db_name, count, with_addon_fields, batch):
    env = environment(db_name)
    cr = env.cr
    results = {}
    try:
        country = env.ref("base.ir")
        values = lead_values(count, with_addon_fields)
        for vals in values:
            vals["country_id"] = country.id
        env.flush_all()
        leads = env["crm.lead"]
        with measured(cr, results, "create"):
            for offset in range(0, count, batch):
                leads |= env["crm.lead"].create(values[offset:offset + batch])
                env.flush_all()
        env.invalidate_all()
        with measured(cr, results, "duplicates"):
            leads[:200].mapped("duplicate_lead_count")
        cr.rollback()
    finally:
        cr.close()
    return results["create"], results["duplicates"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(NATIVE_DB, "crm", args.addons_path)
    ensure_database(ADDON_DB, "lead_management", args.addons_path)
    rows = [
        ("native crm", *measure(NATIVE_DB, args.leads, False, args.batch)),
        ("lead_management", *measure(ADDON_DB, args.leads, True, args.batch)),
    ]
    print(f"{args.leads} leads created in batches of {args.batch}; duplicate warning computed for 200 of them")
    print(f"{'database':<18}{'create s':>10}{'leads/s':>10}{'queries':>10}{'dup s':>8}{'dup queries':>13}")
    for name, (create_s, create_q), (dup_s, dup_q) in rows:
        print(f"{name:<18}{create_s:>10.2f}{args.leads / create_s:>10.0f}{create_q:>10}{dup_s:>8.2f}{dup_q:>13}")


if __name__ == "__main__":
    main()
