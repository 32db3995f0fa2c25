#!/usr/bin/env python3
"""The back-fill of lead.history from Odoo's tracking rows, against Odoo's
own reading of the same rows.

A scratch database ``lead_management_bench_history`` is copied from
``--template`` (default ``lead_management_bench_addon``: every addon of this
repository, no demo data, created or updated first) and dropped at the end.
It gets ``--leads`` leads in SQL (then VACUUM ANALYZE), each with
``--changes`` tracked changes in its chatter (a mail.message each, with a
stage tracking value, and a lead status one -- its English label -- on
every other change, a salesperson one on every third), as Odoo's tracking
writes them, and no history.

Then, in one process whose peak memory (``ru_maxrss``) is printed:

- ours: ``lead.history._backfill()`` (batches of ``--batch-size`` leads),
  rolled back;
- Odoo, on the first ``--odoo-leads`` leads (Odoo is slow: a sample keeps
  the run bounded): the same tracking rows read as Odoo reads them: the
  ``duration_tracking`` (time in each stage) of Odoo's
  ``mail.tracking.duration.mixin``, by 500 leads, and a ``search_read`` of
  the tracking values of the four fields, by 1,000 leads; the cache cleared
  after each batch.

The ratios of the times per lead, ours / Odoo, are printed. Goal: peak
memory under 500 MB.

    python3 bench/bench_history_backfill.py --addons-path=... --leads 100000 [--template lm_NAME]
"""
import argparse
import os
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ADDON_DB, ADDON_MODULES, ensure_database, environment, setup_odoo, vacuum

import odoo

SCRATCH_DB = "lead_management_bench_history"
ODOO_BATCH = 500
ODOO_READ_BATCH = 1000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(env, leads, changes):
    """``leads`` leads created 400 days ago, each with ``changes`` tracked
    changes a day apart, in SQL."""
    cr = env.cr
    stages = env["crm.stage"].search([("is_won", "=", False)]).ids
    users = env["res.users"].search([("share", "=", False)], limit=5).ids
    team = env["crm.team"].search([], limit=1).id or env["crm.team"].create({"name": "Bench"}).id
    field = {name: env["ir.model.fields"]._get("crm.lead", name).id for name in ("stage_id", "user_id", "lead_status")}
    statuses = ["new", "attempted", "contacted", "qualified", "eager"]
    labels = dict(env["crm.lead"]._fields["lead_status"]._description_selection(env))
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, probability, stage_id, team_id, user_id, company_id,
                              create_date, write_date, create_uid, write_uid, lead_status, sla_status,
                              lifecycle_stage, temperature, forecast_category, score, score_fit, score_engagement)
        SELECT 'Bench history lead ' || g, 'lead', TRUE, 10,
               (%(stages)s)[1 + %(changes)s %% array_length(%(stages)s, 1)], %(team)s,
               (%(users)s)[1 + (%(changes)s / 3) %% array_length(%(users)s, 1)], %(company)s,
               now() - interval '400 days', now(), 1, 1,
               (%(statuses)s)[1 + (%(changes)s / 2) %% array_length(%(statuses)s, 1)], 'none',
               'lead', 'cold', 'pipeline', 0, 0, 0
          FROM generate_series(1, %(leads)s) g
        RETURNING id""", {"stages": stages, "users": users, "statuses": statuses, "team": team,
                          "company": env.company.id, "changes": changes, "leads": leads})
    ids = [row[0] for row in cr.fetchall()]
    first, last = min(ids), max(ids)
    del ids
    cr.execute("""
        INSERT INTO mail_message (model, res_id, message_type, date, author_id, create_uid, create_date,
                                  write_uid, write_date)
        SELECT 'crm.lead', l, 'notification', now() - interval '400 days' + c * interval '1 day', NULL, 1,
               now(), 1, now()
          FROM generate_series(%(first)s, %(last)s) l, generate_series(1, %(changes)s) c
         ORDER BY l, c""", {"first": first, "last": last, "changes": changes})
    # c-th message of lead l: stage (c-1 -> c), status every other change, salesperson every third
    cr.execute("""
        WITH msg AS (
            SELECT id, res_id, row_number() OVER (PARTITION BY res_id ORDER BY id) AS c
              FROM mail_message WHERE model = 'crm.lead' AND res_id BETWEEN %(first)s AND %(last)s
        )
        INSERT INTO mail_tracking_value (mail_message_id, field_id, old_value_integer, new_value_integer,
                                         old_value_char, new_value_char, create_uid, create_date, write_uid, write_date)
        SELECT msg.id, %(stage_field)s, (%(stages)s)[1 + (c - 1) %% n_stages], (%(stages)s)[1 + c %% n_stages],
               NULL, NULL, 1, now(), 1, now()
          FROM msg, (SELECT array_length(%(stages)s, 1) AS n_stages) s
        UNION ALL
        SELECT msg.id, %(status_field)s, NULL, NULL,
               (%(status_labels)s)[1 + (c / 2 - 1) %% 5], (%(status_labels)s)[1 + (c / 2) %% 5], 1, now(), 1, now()
          FROM msg WHERE c %% 2 = 0
        UNION ALL
        SELECT msg.id, %(user_field)s, (%(users)s)[1 + (c / 3 - 1) %% n_users], (%(users)s)[1 + (c / 3) %% n_users],
               NULL, NULL, 1, now(), 1, now()
          FROM msg, (SELECT array_length(%(users)s, 1) AS n_users) u WHERE c %% 3 = 0""",
               {"first": first, "last": last, "stages": stages, "users": users,
                "status_labels": [labels[key] for key in statuses], "stage_field": field["stage_id"],
                "status_field": field["lead_status"], "user_field": field["user_id"]})
    cr.execute("SELECT count(*) FROM mail_tracking_value v JOIN mail_message m ON m.id = v.mail_message_id "
               "WHERE m.model = 'crm.lead' AND m.res_id BETWEEN %s AND %s", (first, last))
    tracking = cr.fetchone()[0]
    cr.commit()
    vacuum(SCRATCH_DB)
    return first, last, tracking


def measure(args):
    env = environment(SCRATCH_DB)
    cr = env.cr
    try:
        start = time.perf_counter()
        first, last, tracking = fill(env, args.leads, args.changes)
        print(f"generated {args.leads} leads and {tracking} tracking values in {time.perf_counter() - start:.1f} s",
              file=sys.stderr)
        env.invalidate_all()
        before = peak_mb()

        start = time.perf_counter()
        count = env["lead.history"]._backfill(batch_size=args.batch_size)
        ours = time.perf_counter() - start
        cr.execute("SELECT count(*) FROM lead_history")
        periods = cr.fetchone()[0]
        ours_peak = peak_mb()
        cr.rollback()
        env.invalidate_all()
        print(f"ours: {count} leads, {periods} periods in {ours:.1f} s; peak memory {ours_peak:.0f} MB",
              file=sys.stderr, flush=True)
        sample_last = min(last, first + args.odoo_leads - 1)
        sample = sample_last - first + 1

        Lead = env["crm.lead"]
        start = time.perf_counter()
        for batch_first in range(first, sample_last + 1, ODOO_BATCH):
            Lead.browse(range(batch_first, min(batch_first + ODOO_BATCH, sample_last + 1))).read(["duration_tracking"])
            env.invalidate_all()
        odoo_duration = time.perf_counter() - start

        fields_ = env["ir.model.fields"].search([("model", "=", "crm.lead"),
                                                 ("name", "in", ("stage_id", "user_id", "team_id", "lead_status"))])
        Tracking = env["mail.tracking.value"]
        start = time.perf_counter()
        read = 0
        for batch_first in range(first, sample_last + 1, ODOO_READ_BATCH):
            read += len(Tracking.search_read([
                ("field_id", "in", fields_.ids), ("mail_message_id.model", "=", "crm.lead"),
                ("mail_message_id.res_id", ">=", batch_first),
                ("mail_message_id.res_id", "<", min(batch_first + ODOO_READ_BATCH, sample_last + 1)),
            ], ["mail_message_id", "field_id", "old_value_integer", "new_value_integer",
                "old_value_char", "new_value_char", "create_date"]))
            env.invalidate_all()
        odoo_read = time.perf_counter() - start
    finally:
        cr.rollback()
        cr.close()

    print(f"\n{args.leads} leads, {tracking} tracking values ({args.changes} changes per lead)")
    ours_per_lead = ours / count
    print(f"{'':<66}{'seconds':>9}{'leads/s':>10}")
    print(f"{'ours: lead.history._backfill(), ' + str(count) + ' leads, ' + str(periods) + ' periods':<66}"
          f"{ours:>9.1f}{count / ours:>10.0f}")
    print(f"{'Odoo: duration_tracking (time in stage) of ' + str(sample) + ' leads':<66}{odoo_duration:>9.1f}"
          f"{sample / odoo_duration:>10.0f}")
    print(f"{'Odoo: search_read of their ' + str(read) + ' tracking values':<66}{odoo_read:>9.1f}"
          f"{sample / odoo_read:>10.0f}")
    print(f"ratio of the times per lead, ours / Odoo's duration_tracking: "
          f"{ours_per_lead / (odoo_duration / sample):.2f}; "
          f"ours / search_read: {ours_per_lead / (odoo_read / sample):.2f}")
    print(f"peak memory of the process: {ours_peak:.0f} MB after the back-fill ({before:.0f} MB before it; "
          f"goal: under 500 MB); {peak_mb():.0f} MB after Odoo's reads")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--template", default=ADDON_DB,
                        help="database to copy (the default one is created or updated first; another is used as is)")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=4, help="tracked changes per lead")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--odoo-leads", type=int, default=10_000, help="leads of Odoo's measures")
    args = parser.parse_args()
    # a run stopped by `timeout` or Ctrl-C still drops its scratch database
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))
    setup_odoo(args.addons_path)
    if args.template == ADDON_DB:
        ensure_database(ADDON_DB, ADDON_MODULES, args.addons_path)
    subprocess.run(["dropdb", "--if-exists", SCRATCH_DB], check=True)
    subprocess.run(["createdb", "-T", args.template, SCRATCH_DB], check=True)
    try:
        measure(args)
    finally:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", SCRATCH_DB], check=True)


if __name__ == "__main__":
    main()
