#!/usr/bin/env python3
"""The spreadsheet import with a merge policy, against Odoo's own import.

One database (``lead_management_bench_addon``: every addon of this
repository, no demo data, Persian installed for the province names) and
one generated XLSX file of ``--rows`` rows with Persian headers (نام، نام
خانوادگی، موبایل، کد ملی، استان، شهر، ایمیل), Persian names, mobiles in
Persian digits with the national prefix, valid national ids and provinces
in Persian. Before each run, in the run's transaction, ``--rows`` × 30 %
open leads are created that rows match: half by mobile (stored +98912...),
half by national id.

In each run (rolled back, then VACUUM ANALYZE; the two alternate, median of
``--repeat``):

- ours: ``crm.lead._import_leads(file, "merge", ["mobile", "national_id"])``
  -- reading the file, normalizing and validating each row, matching,
  creating 70 % of the rows and merging 30 % into their leads (with a note
  of what changed in each one's chatter), scoring; no routing, as the
  database has no territory;
- Odoo: ``base_import.import.execute_import`` of the same file, the same
  columns mapped to the same fields (the province by name to ``state_id``),
  every row a plain create: the 30 % become duplicates.

Both figures include reading the XLSX file. Queries are also counted for
ours on a file of a tenth of the rows, per 1,000 rows: constant when the
batches are.

``--background N`` then imports an N-row file (the same kind, 30 % of its
rows matching leads created beforehand) as a background job in a copy of
the database: a separate process reads the file, queues the job and runs
the cron's batches of 1,000 one after the other, each committed, printing
the time of each tenth of the rows (linear when the tenths take the same
time) and its peak memory (Odoo's registry included).

    make bench
    python3 bench/bench_import.py --addons-path=... --rows 10000 --repeat 3 [--background 100000]
"""
import argparse
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import openpyxl
from common import ADDON_DB, ADDON_MODULES, ensure_database, environment, measured, setup_odoo, vacuum

import odoo

FIRST_NAMES = ["علی", "مریم", "رضا", "سارا", "محمد", "زهرا", "حسین", "نگار", "فاطمه", "امیر"]
LAST_NAMES = ["احمدی", "کریمی", "رضایی", "محمدی", "حسینی", "موسوی", "جعفری", "نوری"]
PROVINCES = ["تهران", "اصفهان", "فارس", "خراسان رضوی", "گیلان", "البرز"]
CITIES = ["تهران", "اصفهان", "شیراز", "مشهد", "رشت", "کرج"]
HEADER = ["نام", "نام خانوادگی", "موبایل", "کد ملی", "استان", "شهر", "ایمیل"]
#: the fields Odoo's import maps the same columns to (it has no last name: the title gets it)
ODOO_FIELDS = ["contact_name", "name", "mobile", "national_id", "state_id", "city", "email_from"]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
BACKGROUND_DB = "lead_management_bench_import_bg"


def national_id(number):
    """A valid Iranian national id from a 9-digit number."""
    digits = f"{number:09d}"
    total = sum(int(digit) * (10 - index) for index, digit in enumerate(digits)) % 11
    return digits + str(total if total < 2 else 11 - total)


def generate(rows, seed=7):
    """The file's rows and the leads 30 % of them match: (rows, seed leads)."""
    rng = random.Random(seed)
    data, seeds = [], []
    for index in range(rows):
        mobile = f"0912{1000000 + index:07d}"
        identifier = national_id(100000000 + index * 7)
        row = [rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), mobile.translate(PERSIAN_DIGITS),
               identifier.translate(PERSIAN_DIGITS) if index % 3 else identifier,
               rng.choice(PROVINCES), rng.choice(CITIES), f"person{index}@example.ir"]
        data.append(row)
        if index % 10 < 3:   # 30 %: a lead exists, found by mobile (even) or by national id (odd)
            seeds.append({"name": f"Seed {index}", "type": "lead", "contact_name": f"{row[0]} {row[1]}",
                          **({"mobile": "+98" + mobile[1:]} if index % 2 == 0 else {"national_id": identifier})})
    return data, seeds


def xlsx(rows):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def prepare(env):
    """Persian for the province names, the company in Iran, no background import; committed."""
    env["res.lang"]._activate_lang("fa_IR")
    env["ir.module.module"].search([("name", "=", "lead_management")])._update_translations(["fa_IR"])
    env.company.country_id = env.ref("base.ir")
    env["ir.config_parameter"].set_param("lead_management.import_background_rows", "0")
    env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
    env.cr.commit()


def run(content, seeds, which):
    """One run of ``which`` (ours or odoo), rolled back: (seconds, queries, counts)."""
    env = environment(ADDON_DB, {"lang": "fa_IR", "tracking_disable": False})
    results = {}
    try:
        env["crm.lead"].create(seeds)
        env.flush_all()
        if which == "ours":
            with measured(env.cr, results, which):
                result = env["crm.lead"]._import_leads(content, "bench.xlsx", "merge", ["mobile", "national_id"])
                env.flush_all()
            counts = {key: result[key] for key in ("created", "merged", "failed")}
        else:
            importer = env["base_import.import"].create({
                "res_model": "crm.lead", "file": content, "file_name": "bench.xlsx",
                "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
            with measured(env.cr, results, which):
                result = importer.execute_import(ODOO_FIELDS, HEADER, {
                    "has_headers": True, "quoting": '"', "separator": ",", "date_format": "", "datetime_format": "",
                    "float_thousand_separator": ",", "float_decimal_separator": ".", "fallback_values": {},
                    "name_create_enabled_fields": {}, "import_set_empty_fields": [], "import_skip_records": []})
                env.flush_all()
            errors = [message for message in result["messages"] if message["type"] == "error"]
            counts = {"created": len(result["ids"] or []), "errors": len(errors)}
        env.cr.rollback()
    finally:
        env.cr.close()
    vacuum(ADDON_DB)
    seconds, queries = results[which]
    return seconds, queries, counts


def prepare_background(rows, path):
    """In the copy of the database: the leads 30 % of the rows match, committed in batches; the file
    written to ``path``. Done here, not in the measured process."""
    data, seeds = generate(rows, seed=11)
    with open(path, "wb") as file:
        file.write(xlsx(data))
    env = environment(BACKGROUND_DB, {"lang": "fa_IR"})
    try:
        for start in range(0, len(seeds), 2000):
            env["crm.lead"].create(seeds[start:start + 2000])
            env.cr.commit()
            env.invalidate_all()
        env["ir.config_parameter"].set_param("lead_management.import_background_rows", "1000")
        env.cr.commit()
    finally:
        env.cr.close()


def background(path):
    """Import the file at ``path`` as a background job, the cron's batches run and committed one
    after the other in this process (which holds Odoo's registry too)."""
    with open(path, "rb") as file:
        content = file.read()
    env = environment(BACKGROUND_DB, {"lang": "fa_IR"})
    try:
        start = time.perf_counter()
        result = env["crm.lead"]._import_leads(content, "bench.xlsx", "merge", ["mobile", "national_id"])
        env.cr.commit()
        del content
        queued = time.perf_counter() - start
        job = env["lead.import.job"].browse(result["job_id"])
        rows = job.rows_total
        tenths, mark, last = [], start, 0
        while job.state != "done":
            env["lead.import.job"]._cron_process_jobs()
            env.cr.commit()
            env.invalidate_all()
            if job.rows_done * 10 // rows > last:
                last = job.rows_done * 10 // rows
                now = time.perf_counter()
                tenths.append(now - mark)
                mark = now
        total = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"background import of {rows} rows: {total:.1f} s in all ({queued:.1f} s to read and queue the file); "
              f"each tenth of the rows: {' '.join(f'{seconds:.1f}' for seconds in tenths)} s; "
              f"created {job.created_count}, merged {job.merged_count}, failed {job.failed_count}; "
              f"peak memory of the process {peak:.0f} MB")
    finally:
        env.cr.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--rows", type=int, default=10000, help="rows of the comparison (0: none)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--background", type=int, default=0, help="rows of the background import (0: none)")
    parser.add_argument("--background-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    if args.background_file:
        background(args.background_file)
        return
    ensure_database(ADDON_DB, ADDON_MODULES, args.addons_path)
    env = environment(ADDON_DB)
    try:
        prepare(env)
    finally:
        env.cr.close()
    if args.rows:
        compare(args)
    if args.background:
        odoo.sql_db.close_all()   # createdb copies a database nobody is connected to
        subprocess.run(["dropdb", "--if-exists", BACKGROUND_DB], check=True)
        subprocess.run(["createdb", "-T", ADDON_DB, BACKGROUND_DB], check=True)
        path = os.path.join(tempfile.gettempdir(), f"bench_import_{args.background}.xlsx")
        try:
            prepare_background(args.background, path)
            odoo.sql_db.close_all()
            subprocess.run([sys.executable, __file__, "--addons-path", args.addons_path,
                            "--background-file", path], check=True)
        finally:
            subprocess.run(["dropdb", "--if-exists", BACKGROUND_DB], check=True)
            if os.path.exists(path):
                os.remove(path)


def compare(args):
    """Ours against Odoo's import, alternated, and ours on a tenth of the rows."""
    data, seeds = generate(args.rows)
    content = xlsx(data)
    small_data, small_seeds = generate(args.rows // 10)
    runs = {"ours": [], "odoo": []}
    for _repeat in range(args.repeat):
        for which in runs:
            runs[which].append(run(content, seeds, which))
            print(f"measured {which}: {runs[which][-1]}", file=sys.stderr, flush=True)
    small = run(xlsx(small_data), small_seeds, "ours")

    def median(which, index):
        return statistics.median(result[index] for result in runs[which])

    ours, odoo_s = median("ours", 0), median("odoo", 0)
    print(f"\n{args.rows} rows (30 % matching existing leads), median of {args.repeat} runs")
    print(f"{'':<44}{'seconds':>9}{'rows/s':>9}{'queries':>9}{'per 1,000 rows':>16}")
    for label, which in (("ours: merge on mobile and national id", "ours"), ("Odoo's import: plain creates", "odoo")):
        seconds, queries = median(which, 0), median(which, 1)
        print(f"{label:<44}{seconds:>9.1f}{args.rows / seconds:>9.0f}{queries:>9.0f}"
              f"{queries * 1000 / args.rows:>16.0f}")
    print(f"{'ours on ' + str(args.rows // 10) + ' rows':<44}{small[0]:>9.1f}{args.rows / 10 / small[0]:>9.0f}"
          f"{small[1]:>9.0f}{small[1] * 10000 / args.rows:>16.0f}")
    print(f"ratio ours / Odoo: {ours / odoo_s:.2f} (goal: at most 1.0)")
    print(f"counts: ours {runs['ours'][0][2]}, Odoo {runs['odoo'][0][2]}")


if __name__ == "__main__":
    main()
