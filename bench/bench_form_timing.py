#!/usr/bin/env python3
"""Does the public form's answer time tell a known person from a new one?

One database (``--database``, default ``lead_management_bench_api``,
lead_management without demo data, created or updated) prepared as the
capture benchmarks do (common.prepare_capture_database: a web form without
rate limit), and ``--pairs`` people submitted once beforehand: the known
ones. One Odoo server on the loopback (``--workers=2``, no cron, a free
port), started here and stopped at the end.

For each floor of ``--floors`` (milliseconds, the setting
``lead_management.form_answer_ms``; 0: answers sent when ready, as before
the constant-time answer), ``--pairs`` pairs of submissions, one request
at a time (bounded traffic, loopback only), each pair a known person and a
new one in alternating order: the client's time from connection to the
last byte of the answer. Prints, per floor, the median and the maximum of
each, and the ratio of the medians (new / known; 1.00: the time tells
nothing). A floor shorter than the slowest capture (the maximum at 0) lets
the slow ones show, in steps of the floor.

    python3 bench/bench_form_timing.py --addons-path=... [--pairs 8] [--floors 0,500] [--database NAME]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (
    CAPTURE_DB,
    CAPTURE_FORM_PATH,
    ensure_database,
    environment,
    http_request,
    prepare_capture_database,
    setup_odoo,
    start_server,
    stop_server,
)

FLOOR_PARAM = "lead_management.form_answer_ms"


def set_floor(db_name, floor_ms):
    env = environment(db_name)
    try:
        env["ir.config_parameter"].set_param(FLOOR_PARAM, floor_ms if floor_ms is False else str(floor_ms))
        env.cr.commit()
        env.registry.signal_changes()   # the server's workers drop their cached settings
    finally:
        env.cr.close()


def submit(port, info, email):
    body = urlencode({"email_from": email, "contact_name": "Bench Timing", "lm_elapsed": "5"}).encode()
    status, _headers, answer, seconds = http_request(port, "POST", CAPTURE_FORM_PATH + info["token"], headers=[
        ("Origin", info["origin"]), ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "application/json")], body=body)
    if status != 200:
        raise RuntimeError(f"the form answered {status}: {answer[:300]!r}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--database", default=CAPTURE_DB)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--floors", default="0,500", help="milliseconds, comma-separated")
    args = parser.parse_args()
    if args.database == CAPTURE_DB:
        ensure_database(CAPTURE_DB, "lead_management", args.addons_path)
    setup_odoo(args.addons_path)
    env = environment(args.database)
    try:
        info = prepare_capture_database(env)
        previous_floor = env["ir.config_parameter"].get_param(FLOOR_PARAM)
    finally:
        env.cr.close()
    run = uuid.uuid4().hex[:8]
    floors = [int(floor) for floor in args.floors.split(",")]
    log_path = os.path.join(tempfile.gettempdir(), f"bench_form_timing_{run}.log")
    process, port = start_server(args.database, args.addons_path, log_path)
    try:
        known = [f"known{index}.{run}@timing.bench.example" for index in range(args.pairs)]
        for email in known:   # known from now on, and the server warmed up
            submit(port, info, email)
        print(f"{'floor (ms)':>10} | {'known: median, max (ms)':>23} | {'new: median, max (ms)':>21} | new / known")
        for floor in floors:
            set_floor(args.database, floor)
            submit(port, info, f"warm.{floor}.{run}@timing.bench.example")
            times = {"known": [], "new": []}
            for index, email in enumerate(known):
                new = f"new{index}.{floor}.{run}@timing.bench.example"
                order = [("known", email), ("new", new)] if index % 2 == 0 else [("new", new), ("known", email)]
                for label, address in order:
                    times[label].append(submit(port, info, address))
                    time.sleep(0.05)
            known_ms, new_ms = (statistics.median(times[label]) * 1000 for label in ("known", "new"))
            known_max, new_max = (max(times[label]) * 1000 for label in ("known", "new"))
            print(f"{floor:>10} | {known_ms:>14.1f}, {known_max:>6.1f} | {new_ms:>12.1f}, {new_max:>6.1f} | "
                  f"{new_ms / known_ms:.2f}")
    finally:
        stop_server(process)
        set_floor(args.database, previous_floor or False)


if __name__ == "__main__":
    main()
