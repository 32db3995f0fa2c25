#!/usr/bin/env python3
"""A pivot of leads by Jalali month next to Odoo's pivot by Gregorian month.

The first run fills the database ``lead_management_bench_jalali`` (crm and
web_jalali, no demo data) with N leads created over ten years, in SQL, and
commits them. Each figure is the median of ``--repeat`` runs of one grouping
query over every lead, as PostgreSQL runs it (no ORM, no HTTP), in the
Asia/Tehran time zone:

- Odoo: the SQL of ``read_group(['create_date:month'])`` on ``crm.lead``,
  ``date_trunc('month', timezone(tz, timezone('UTC', create_date)))``;
- ours: the same query grouped by ``jalali_month(...::date)``, the IMMUTABLE
  SQL function web_jalali creates (inlined by the planner).

Both give the count of each month; the totals are checked equal. The ORM's
``read_group`` of the Gregorian month is printed too, for scale.

    python3 bench/bench_jalali.py --addons-path=... --leads 1000000
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, setup_odoo, vacuum

DB = "lead_management_bench_jalali"
MODULES = "crm,web_jalali"
TZ = "Asia/Tehran"
LOCAL_DATE = "timezone(%(tz)s, timezone('UTC', create_date))"
QUERIES = {
    "Gregorian month (Odoo's read_group SQL)":
        f"SELECT date_trunc('month', {LOCAL_DATE}) AS month, count(*) FROM crm_lead"
        " WHERE active GROUP BY 1 ORDER BY 1",
    "Jalali month (jalali_month)":
        f"SELECT jalali_month(({LOCAL_DATE})::date) AS month, count(*) FROM crm_lead"
        " WHERE active GROUP BY 1 ORDER BY 1",
    "Jalali month start (web client's groups)":
        f"SELECT jalali_month_start(({LOCAL_DATE})::date) AS month, count(*) FROM crm_lead"
        " WHERE active GROUP BY 1 ORDER BY 1",
    "Jalali quarter (jalali_quarter)":
        f"SELECT jalali_quarter(({LOCAL_DATE})::date) AS quarter, count(*) FROM crm_lead"
        " WHERE active GROUP BY 1 ORDER BY 1",
}


def fill(env, leads):
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Jalali lead %%'")
    present = cr.fetchone()[0]
    if present >= leads:
        return
    print(f"generating {leads - present} leads (once)", file=sys.stderr)
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, company_id, create_date, write_date,
                              create_uid, write_uid)
        SELECT 'Jalali lead ' || g, 'lead', true, 10, %(company)s,
               TIMESTAMP '2016-01-01' + (g * 5256000.0 / %(count)s) * INTERVAL '1 minute',
               now() at time zone 'UTC', 1, 1
          FROM generate_series(%(start)s, %(count)s - 1) g
    """, {"company": env.company.id, "count": leads, "start": present})
    cr.commit()


def timed_sql(cr, query, repeat):
    runs, rows = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        cr.execute(query, {"tz": TZ})
        rows = cr.fetchall()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), rows


def timed_orm(env, repeat):
    Lead = env["crm.lead"].with_context(tz=TZ, active_test=True)
    runs = []
    for _ in range(repeat):
        env.invalidate_all()
        start = time.perf_counter()
        Lead.read_group([], ["__count"], ["create_date:month"], lazy=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", default=DB, help="the benchmark's database (created or updated)")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(args.db, MODULES, args.addons_path)
    env = environment(args.db)
    fill(env, args.leads)
    env.cr.execute("SELECT count(*) FROM crm_lead WHERE active")
    total = env.cr.fetchone()[0]
    try:
        results = {label: timed_sql(env.cr, query, args.repeat) for label, query in QUERIES.items()}
        orm = timed_orm(env, args.repeat)
    finally:
        env.cr.rollback()
        env.cr.close()
    baseline = results["Gregorian month (Odoo's read_group SQL)"][0]
    print(f"{total} leads, median of {args.repeat} runs of each grouping query, time zone {TZ}")
    print(f"{'grouping':<42}{'groups':>8}{'seconds':>10}{'ratio':>8}")
    for label, (seconds, rows) in results.items():
        counted = sum(count for _key, count in rows)
        if counted != total:
            sys.exit(f"{label}: the groups count {counted} leads, not {total}")
        print(f"{label:<42}{len(rows):>8}{seconds:>10.3f}{seconds / baseline:>8.2f}")
    print(f"{'(ORM read_group, Gregorian month)':<42}{'':>8}{orm:>10.3f}{orm / baseline:>8.2f}")
    print("budget: Jalali month <= 1.3 x Gregorian month")
    vacuum(args.db)


if __name__ == "__main__":
    main()
