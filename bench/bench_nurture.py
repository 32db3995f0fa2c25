#!/usr/bin/env python3
"""Nurture cadences at scale: the cadence cron on 10,000 enrolments due at
once, and its e-mail step next to Odoo's own mass mailing of the same
template to the same leads.

The first run fills the database ``lead_management_bench_nurture``
(lead_management_nurture, no demo data) with ``--leads`` leads in Iran and
Georgia (a third in Persian), e-mail addresses, industries; a template on
leads (subject and body personalized with the name, company and industry,
one tracked link) and a cadence whose first step sends it at once, with a
send window open all week. Every measurement is rolled back.

1. The cron: ``--leads`` enrolments due at once, processed by
   ``lead.nurture.enrollment._cron_process(batch_size=--batch)`` until none
   is due. Printed per batch: seconds and SQL queries. The queries of the
   last full batch may not exceed those of the first by more than 1 %
   (exit status 1 otherwise).
2. Per 1,000 e-mails queued, ``--repeat`` times in the order ours, Odoo,
   Odoo, ours: ours is one cron batch of 1,000 due enrolments (exit checks,
   send window, over-contact guard, condition, variant, the e-mails
   rendered in each lead's language with tracked links and queued with a
   trace each, 1,000 touches, the enrolments moved on); Odoo's is
   ``mailing.mailing._action_send_mail(res_ids)`` of a mailing on leads
   with the same subject and body to the same 1,000 leads (rendered,
   tracked links, queued with a trace each). Neither sends the e-mails:
   both stop at Odoo's outgoing queue. Medians, and the ratio ours / Odoo.

    python3 bench/bench_nurture.py --addons-path=... [--leads 10000] [--batch 1000] [--repeat 3]
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, measured, setup_odoo

DB = "lead_management_bench_nurture"
SUBJECT = "A few ideas for {{ object.partner_name or object.name }}"
BODY = """<div>
<p>Hello <t t-out="object.contact_name or ''"/>,</p>
<p>Companies like <t t-out="object.partner_name or ''"/> in <t t-out="object.industry_id.name or ''"/>
usually start with a short assessment.</p>
<p><a href="https://www.example.com/case-study">Read the case study</a></p>
</div>"""


def fill(env, count):
    """``count`` bench leads (those missing), the template and the cadence (once)."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Nurture bench %%'")
    existing = cr.fetchone()[0]
    if existing < count:
        print(f"generating {count - existing} leads (once)", file=sys.stderr)
        env["res.lang"]._activate_lang("fa_IR")
        team = env["crm.team"].search([], limit=1) or env["crm.team"].create({"name": "Bench"})
        cr.execute("""
            INSERT INTO crm_lead (name, type, active, probability, team_id, company_id, country_id, lang_id,
                                  industry_id, create_date, write_date, create_uid, write_uid, lead_status,
                                  sla_status, decision_timeframe, email_from, email_normalized, partner_name,
                                  contact_name, lifecycle_stage, temperature, forecast_category, score, score_fit,
                                  score_engagement)
            SELECT 'Nurture bench ' || g, 'lead', true, 10, %(team)s, %(company)s,
                   (%(countries)s)[1 + g %% 2], (%(langs)s)[1 + g %% 3], (%(industries)s)[1 + g %% 4],
                   now(), now(), 1, 1, 'new', 'none', 'unknown',
                   'contact' || g || '@example' || (g %% 100) || '.com',
                   'contact' || g || '@example' || (g %% 100) || '.com',
                   'Company ' || g, 'Contact ' || g, 'lead', 'cold', 'pipeline', 0, 0, 0
              FROM generate_series(%(first)s, %(count)s) g
        """, {"team": team.id, "company": env.company.id,
              "countries": [env.ref("base.ir").id, env.ref("base.ge").id],
              "langs": [env.ref("base.lang_en").id, env["res.lang"]._lang_get("fa_IR").id,
                        env.ref("base.lang_en").id],
              "industries": env["res.partner.industry"].search([], limit=4).ids,
              "first": existing + 1, "count": count})
    if not env["lead.nurture.cadence"].search([("name", "=", "Nurture bench")]):
        template = env["mail.template"].create({
            "name": "Nurture bench", "model_id": env["ir.model"]._get_id("crm.lead"), "subject": SUBJECT,
            "body_html": BODY, "email_from": "sales@example.com", "lang": "{{ object.lang_code }}"})
        env["lead.nurture.cadence"].create({
            "name": "Nurture bench", "domain": "[('name', 'like', 'Nurture bench')]", "enrollment_mode": "manual",
            "window_mode": "custom", "window_saturday": True, "window_sunday": True,
            "window_hour_from": 0, "window_hour_to": 24,
            "step_ids": [(0, 0, {"name": "Welcome", "kind": "email", "delay": 0, "mail_template_id": template.id}),
                         (0, 0, {"name": "Later", "kind": "email", "delay": 7, "mail_template_id": template.id})],
        })
        env["ir.config_parameter"].set_param("lead_management_nurture.max_touches", "10")
    cr.commit()
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE crm_lead", DB], check=True)


def enroll(env, cadence, leads):
    """``leads`` enrolled in ``cadence``, due now (SQL: the enrolments are the data, not the measure)."""
    env.cr.execute("""
        INSERT INTO lead_nurture_enrollment (lead_id, cadence_id, state, step_id, next_date, enroll_date,
                                             create_date, write_date, create_uid, write_uid)
        SELECT id, %s, 'active', %s, now() at time zone 'utc' - interval '1 minute',
               now() at time zone 'utc' - interval '1 minute', now(), now(), 1, 1
          FROM crm_lead WHERE id = ANY(%s)""", [cadence.id, cadence.step_ids[0].id, leads.ids])
    env.invalidate_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(DB, "lead_management_nurture", args.addons_path)
    env = environment(DB)
    cr = env.cr
    fill(env, args.leads)
    # Odoo's mass mailing and composer commit as they go unless testing: every measure is rolled back
    threading.current_thread().testing = True
    Enrollment = env["lead.nurture.enrollment"]
    cadence = env["lead.nurture.cadence"].search([("name", "=", "Nurture bench")])
    leads = env["crm.lead"].search([("name", "like", "Nurture bench")], order="id", limit=args.leads)
    failed = False
    try:
        # the step's mailing, created on first use, is part of the data; no enrolment is
        cr.execute("DELETE FROM lead_nurture_enrollment")
        enroll(env, cadence, leads[:1])
        Enrollment._lock_due(1)._process_due()
        cr.execute("DELETE FROM lead_nurture_enrollment")
        sample = leads[:1000]
        mailing = env["mailing.mailing"].search([("name", "=", "Odoo mass mailing bench")]) or \
            env["mailing.mailing"].create({
                "name": "Odoo mass mailing bench", "subject": SUBJECT, "body_html": BODY, "body_arch": BODY,
                "mailing_model_id": env["ir.model"]._get_id("crm.lead"), "email_from": "sales@example.com",
                "mailing_domain": repr([("id", "in", sample.ids)]), "reply_to_mode": "update",
                "keep_archives": True})
        cr.commit()

        print(f"\n1. cadence cron, {len(leads)} enrolments due at once, batches of {args.batch}")
        enroll(env, cadence, leads)
        batches, results = [], {}
        while True:
            label = f"batch {len(batches) + 1}"
            with measured(cr, results, label):
                Enrollment._cron_process(batch_size=args.batch)
                env.flush_all()
            cr.execute("SELECT count(*) FROM lead_nurture_enrollment WHERE state = 'active' AND step_id = %s",
                       [cadence.step_ids[0].id])
            remaining = cr.fetchone()[0]
            batches.append(results[label])
            print(f"  {label}: {results[label][0]:.2f} s, {results[label][1]} queries, {remaining} due left")
            if not remaining or len(batches) > len(leads) // args.batch + 1:
                break
        cr.execute("SELECT count(*) FROM mailing_trace WHERE mass_mailing_id = %s",
                   [cadence.step_ids[0].mailing_id.id])
        print(f"  {cr.fetchone()[0]} traces; {sum(seconds for seconds, _ in batches):.1f} s in all")
        full = [count for _seconds, count in batches][: len(leads) // args.batch]
        # equal but for what Odoo's caches save along the way (a few queries)
        if full and full[-1] > full[0] * 1.01:
            print(f"  FAILED: the queries per batch grew from {full[0]} to {full[-1]}")
            failed = True
        cr.rollback()
        env.invalidate_all()

        print(f"\n2. per 1,000 e-mails queued, {args.repeat} times ours, Odoo, Odoo, ours")
        times = {"ours": [], "odoo": []}
        queries = {"ours": [], "odoo": []}

        def ours():
            enroll(env, cadence, sample)
            with measured(cr, results, "ours"):
                Enrollment._lock_due(len(sample))._process_due()
                env.flush_all()
            return results["ours"]

        def odoo():
            with measured(cr, results, "odoo"):
                mailing._action_send_mail(res_ids=sample.ids)
                env.flush_all()
            return results["odoo"]

        for _round in range(args.repeat):
            for name, run in (("ours", ours), ("odoo", odoo), ("odoo", odoo), ("ours", ours)):
                seconds, count = run()
                times[name].append(seconds)
                queries[name].append(count)
                cr.rollback()
                env.invalidate_all()
        ours_s, odoo_s = statistics.median(times["ours"]), statistics.median(times["odoo"])
        print(f"  lead_management_nurture cron batch: {ours_s:.2f} s, "
              f"{statistics.median(queries['ours']):.0f} queries")
        print(f"  Odoo mass mailing _action_send_mail: {odoo_s:.2f} s, "
              f"{statistics.median(queries['odoo']):.0f} queries")
        print(f"  ratio ours / Odoo: {ours_s / odoo_s:.2f}")
    finally:
        cr.rollback()
        cr.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
