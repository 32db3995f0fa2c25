#!/usr/bin/env python3
"""Reading a zip bomb: an XLSX file of some 140 KB whose sheet holds
``--rows`` rows (1,000,000: 47 MB of XML), with the import's limits and
without.

Each reader runs in its own process (its peak memory its own), on the
database ``--database`` (``lead_management_bench_addon`` by default, made
as by the other benchmarks), which prints its time and peak RSS above what
the process had once Odoo's registry was loaded:

- ours: ``crm.lead._import_read_file``, what the import screen and the
  import call on upload, test and import: the uncompressed size checked,
  the sheet's rows counted without parsing, then refused (100,000 rows);
- ours without the limits: ``tools.spreadsheet.read_xlsx`` reading every
  row (openpyxl's streaming mode, the rows kept, as an import needs them);
- Odoo: ``base_import.import._read_file`` of the same file, what Odoo's own
  import does (with xlrd 1.2, as Odoo 18 pins for Python 3.11, xlrd reads
  XLSX files; with xlrd 2, openpyxl loads the whole workbook).

    python3 bench/bench_import_limits.py --addons-path=... [--rows 1000000] [--timeout 600]
"""
import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ADDON_DB, ADDON_MODULES, ensure_database, environment, setup_odoo

from odoo.exceptions import UserError

READERS = {
    "ours": "ours, with the limits",
    "unlimited": "ours without the limits",
    "odoo": "Odoo's base_import",
}
def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(which, database, path):
    """Read the file with one reader; print its figures as JSON."""
    with open(path, "rb") as file:
        content = file.read()
    env = environment(database)
    from odoo.addons.lead_management.tools import spreadsheet  # the addons' path is set by the registry

    env["crm.lead"]._get_import_fields()  # the registry and the models loaded before the baseline
    baseline, start, outcome = peak_rss_mb(), time.perf_counter(), ""
    try:
        if which == "ours":
            env["crm.lead"]._import_read_file(content, "bomb.xlsx")
        elif which == "unlimited":
            outcome = f"{len(list(spreadsheet.read_xlsx(content))):,} rows read"
        else:
            outcome = f"{len(env['crm.lead']._import_read_with_base_import(content, 'bomb.xlsx', {})):,} rows read"
    except UserError as error:
        outcome = error.args[0]
    finally:
        env.cr.rollback()
        env.cr.close()
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_rss_mb() - baseline,
                      "outcome": outcome}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--database", default=ADDON_DB)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=int, default=600, help="seconds a reader may take")
    parser.add_argument("--child", choices=READERS, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    if args.child:
        child(args.child, args.database, args.file)
        return
    if args.database == ADDON_DB:
        ensure_database(ADDON_DB, ADDON_MODULES, args.addons_path)
    from odoo.addons.lead_management.tools.spreadsheet import write_repeated_xlsx  # the tests' file too

    content = write_repeated_xlsx(["Name", "Mobile"], ["x"], args.rows)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        size = sum(member.file_size for member in archive.infolist())
    print(f"zip bomb: {len(content) / 1024:.0f} KB, {size / 1024 ** 2:.0f} MB uncompressed, {args.rows:,} rows")
    results = {}
    path = os.path.join("/tmp", f"bench_import_limits_{os.getpid()}.xlsx")
    with open(path, "wb") as file:
        file.write(content)
    try:
        for which, label in READERS.items():
            command = [sys.executable, os.path.abspath(__file__), "--addons-path", args.addons_path,
                       "--database", args.database, "--child", which, "--file", path]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, check=True)
            except subprocess.TimeoutExpired:
                print(f"{label:28} stopped after {args.timeout} s")
                continue
            except subprocess.CalledProcessError as error:
                print(f"{label:28} failed: {error.stderr.strip().splitlines()[-1:]}")
                continue
            results[which] = json.loads(done.stdout.strip().splitlines()[-1])
            figures = results[which]
            print(f"{label:28} {figures['seconds']:7.1f} s  {figures['peak_mb']:7.0f} MB peak RSS  "
                  f"{figures['outcome'][:90]}")
    finally:
        os.remove(path)
    ours = results.get("ours")
    for which in ("unlimited", "odoo"):
        if ours and which in results:
            other = results[which]
            print(f"{READERS[which]} / ours: {other['seconds'] / max(ours['seconds'], 1e-3):.0f}x the time, "
                  f"{other['peak_mb'] / max(ours['peak_mb'], 1):.0f}x the memory")


if __name__ == "__main__":
    main()
