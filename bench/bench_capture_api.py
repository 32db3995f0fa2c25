#!/usr/bin/env python3
"""The lead API against what an integrator writes today: a JSON-RPC create.

One database, ``lead_management_bench_api`` (lead_management without demo
data, the company in Iran), created or updated, then prepared and committed:
a salesperson (all leads) with a fresh API key, capture rates no run reaches,
a utm source "Bench API", and ``--seed-leads`` open leads (seed<i>@... and
+98 912 ... numbers) that 30 % of the submissions are the same person as.

One Odoo server on the loopback, started here and stopped at the end
(``--workers=2``, no cron, a free port, a listen backlog of
``--listen-backlog``, see below), serves both channels. At each
concurrency level of ``--levels`` (clients: threads, each request on its own
connection -- Odoo's workers answer HTTP/1.0), ``--requests`` submissions of
one lead each go to each channel, in two halves alternated API, JSON-RPC,
JSON-RPC, API (both see the same load and the same growth of the tables):

- API: ``POST /lead_management/api/v1/leads`` with the key as bearer token,
  one lead of contact_name, email_from, mobile, phone, city, name and
  utm_source (``crm.lead._capture``: normalization, validation, matching,
  lock of the person's keys, create or update of the known lead with a
  note, engagement event, capture log, routing);
- JSON-RPC: ``POST /jsonrpc`` execute_kw ``crm.lead`` ``create`` with the
  same user's API key as password and the equivalent values (name,
  contact_name, email_from, mobile, phone, city, source_id): Odoo's create
  with this repository's addons installed, and no matching -- the 30 %
  known people become duplicates there.

Every e-mail and number is new (a counter kept in the database across runs)
except the 30 % planned matches: by the e-mail of a seeded lead, by its
mobile written in Persian digits with the national prefix (۰۹۱۲...) where
the lead has +98912..., or both.

Per level and channel: leads/s (requests / wall time of the channel's
halves, client and server on the same machine), p50 and p99 latency (client
side: connection to last byte of the answer, queueing included: at 50
clients most of it is waiting for one of the 2 workers), SQL queries per
request (median of the count in Odoo's request log line: authentication,
the route, deferred hooks; for the API, of the answers 201 / of the answers
200), and the throughput ratio API / JSON-RPC. Checks: the API answered 201 for the new people and 200 for
the known ones (the capture log agrees), JSON-RPC returned an id every time,
no answer 5xx; the script exits with 1 otherwise.

Odoo's own listen backlog is 8 per worker (16): beyond it, the kernel drops
new connections, the clients' TCP sends them again after 1 s, 3 s..., and a
request arriving more than 2 s after its worker accepted the connection is
closed without an answer (the worker's socket timeout), holding the worker
meanwhile. At 50 clients this measures TCP retransmissions rather than the
channels, so the server's backlog is raised to ``--listen-backlog`` (128 by
default; 0 for Odoo's own), as a reverse proxy in front of Odoo would queue
the connections. Reported per channel and level: "backlog", the connections
the kernel dropped (its ListenOverflows counter, the whole machine), and
"dropped", the requests whose connection was closed without an answer, sent
again by this script (their latency counted from the first try).

    python3 bench/bench_capture_api.py --addons-path=... [--requests 600] [--levels 1,10,50] [--seed-leads 2000]
        [--listen-backlog 128]
"""
import argparse
import json
import os
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (
    CAPTURE_API_PATH,
    CAPTURE_DB,
    ensure_database,
    environment,
    http_request,
    listen_overflows,
    prepare_capture_database,
    read_log,
    request_query_counts,
    setup_odoo,
    start_server,
    stop_server,
)

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FIRST_NAMES = ["علی", "مریم", "رضا", "سارا", "محمد", "زهرا", "حسین", "نگار", "John", "Anna"]
LAST_NAMES = ["احمدی", "کریمی", "رضایی", "محمدی", "حسینی", "Smith"]
CITIES = ["تهران", "اصفهان", "مشهد", "شیراز", "تبریز"]
SOURCE_NAME = "Bench API"
SEED_DOMAIN = "seed.bench.example"
COUNTER_PARAM = "lead_management_bench.next_number"
CHANNELS = ("api", "jsonrpc")
LABELS = {"api": "API", "jsonrpc": "JSON-RPC"}


def seed_email(index):
    return f"seed{index}@{SEED_DOMAIN}"


def seed_mobile(index):
    return f"+98912{index:07d}"


def prepare(args):
    """The user, key, source, seeded leads and a block of fresh numbers, committed."""
    env = environment(CAPTURE_DB, {"lead_management_auto_assign": False})
    try:
        info = prepare_capture_database(env)
        source = env["utm.source"].search([("name", "=", SOURCE_NAME)], limit=1) \
            or env["utm.source"].create({"name": SOURCE_NAME})
        existing = set(env["crm.lead"].with_context(active_test=False).search(
            [("email_from", "=like", f"seed%@{SEED_DOMAIN}")]).mapped("email_from"))
        rng = random.Random(7)
        missing = [{
            "name": f"Seed lead {index}", "type": "lead", "email_from": seed_email(index),
            "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "mobile": seed_mobile(index), "city": rng.choice(CITIES),
        } for index in range(args.seed_leads) if seed_email(index) not in existing]
        for offset in range(0, len(missing), 500):
            env["crm.lead"].create(missing[offset:offset + 500])
        print(f"seeded {len(missing)} leads ({args.seed_leads} in all)", file=sys.stderr)
        # fresh e-mails and numbers for this run: a block of the counter kept in the database
        params = env["ir.config_parameter"]
        first = int(params.get_param(COUNTER_PARAM, "1"))
        needed = (args.requests * len(args.levels) + args.warmup) * len(CHANNELS)
        if first + needed >= 10**7:
            first = 1   # 7 digits of mobile numbers used up: start over (the first ones are long matched)
        params.set_param(COUNTER_PARAM, str(first + needed))
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM lead_capture_log")
        info.update(source_id=source.id, first_number=first, log_id_before=env.cr.fetchone()[0])
        env.cr.commit()
    finally:
        env.cr.close()
    return info


class Payloads:
    """The leads submitted: new people with fresh numbers, and the planned
    share of seeded people (by e-mail, by mobile in Persian digits, or both)."""

    def __init__(self, first_number, seed_leads, match_ratio):
        self.next_number = first_number
        self.seed_leads = seed_leads
        self.match_every = round(match_ratio * 10)
        self.rng = random.Random(first_number)
        self.next_seed = self.rng.randrange(seed_leads)
        self.lock = threading.Lock()

    def lead(self, index, matchable=True):
        """(values, expected API status) of the ``index``-th lead of a batch."""
        with self.lock:
            number = self.next_number
            self.next_number += 1
            kind = index % 10 if matchable and index % 10 < self.match_every else None
            seed = self.next_seed
            if kind is not None:
                self.next_seed = (self.next_seed + 1) % self.seed_leads
        mobile = f"0901{number:07d}"
        values = {
            "name": f"Bench lead {number}",
            "contact_name": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
            "email_from": f"b{number}@new.bench.example",
            "mobile": mobile.translate(PERSIAN_DIGITS) if number % 2 else mobile,
            "phone": f"021{number:08d}",
            "city": self.rng.choice(CITIES),
        }
        if kind in (0, 2):
            values["email_from"] = seed_email(seed)
        if kind in (1, 2):
            values["mobile"] = ("0" + seed_mobile(seed)[3:]).translate(PERSIAN_DIGITS)
        return values, 201 if kind is None else 200


def api_request(port, info, values):
    body = json.dumps({**values, "utm_source": SOURCE_NAME}, ensure_ascii=False).encode()
    status, _headers, content, seconds = http_request(port, "POST", CAPTURE_API_PATH, [
        ("Authorization", f"Bearer {info['key']}"), ("Content-Type", "application/json")], body)
    return status, seconds, content


def jsonrpc_request(port, info, values):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": [CAPTURE_DB, info["uid"], info["key"], "crm.lead", "create",
                 [{**values, "source_id": info["source_id"]}]]}}, ensure_ascii=False).encode()
    status, _headers, content, seconds = http_request(port, "POST", "/jsonrpc", [
        ("Content-Type", "application/json")], body)
    if status == 200:
        try:
            result = json.loads(content).get("result")
        except ValueError:
            result = None
        if not (isinstance(result, int) or (isinstance(result, list) and len(result) == 1)):
            status = -200   # HTTP 200 with a JSON-RPC error
    return status, seconds, content


SENDERS = {"api": api_request, "jsonrpc": jsonrpc_request}


def run_block(port, info, channel, leads, clients):
    """Send ``leads`` ((values, expected status)) to ``channel`` from
    ``clients`` threads: (wall seconds, [(status, seconds, expected, answer,
    retries)]). A connection the server closed without an answer (it did not
    receive the request within its socket timeout, 2 s) is retried, up to 3
    times; the latency is from the first try."""
    work = queue.SimpleQueue()
    for lead in leads:
        work.put(lead)
    results, lock = [], threading.Lock()

    def client():
        while True:
            try:
                values, expected = work.get_nowait()
            except queue.Empty:
                return
            start, retries = time.perf_counter(), 0
            while True:
                try:
                    status, _seconds, content = SENDERS[channel](port, info, values)
                except OSError as error:
                    status, content = 0, str(error).encode()
                if status or content or retries == 3:
                    break
                retries += 1
            with lock:
                results.append((status, time.perf_counter() - start, expected, content[:300], retries))

    threads = [threading.Thread(target=client, daemon=True) for _client in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, results


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def check_capture_log(info, expected):
    """The capture log rows of the API user since the start: {status: count}."""
    env = environment(CAPTURE_DB)
    try:
        env.cr.execute("""SELECT status, count(*) FROM lead_capture_log
                           WHERE id > %s AND api_user_id = %s GROUP BY status""",
                       (info["log_id_before"], info["uid"]))
        found = dict(env.cr.fetchall())
    finally:
        env.cr.close()
    return found, found == {status: count for status, count in expected.items() if count}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--requests", type=int, default=600, help="requests of one lead per channel and level")
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients, comma-separated")
    parser.add_argument("--seed-leads", type=int, default=2000)
    parser.add_argument("--match-ratio", type=float, default=0.3, help="share of known people (tenths)")
    parser.add_argument("--warmup", type=int, default=20, help="requests per channel before measuring")
    parser.add_argument("--listen-backlog", type=int, default=128,
                        help="connections waiting to be accepted (0: Odoo's own, 8 per worker)")
    parser.add_argument("--log", help="the server log (default: a new temporary file)")
    args = parser.parse_args()
    args.levels = [int(level) for level in args.levels.split(",")]
    setup_odoo(args.addons_path)
    ensure_database(CAPTURE_DB, "lead_management", args.addons_path)
    info = prepare(args)
    payloads = Payloads(info["first_number"], args.seed_leads, args.match_ratio)
    log_path = args.log or tempfile.mkstemp(prefix="bench_capture_api_", suffix=".log")[1]
    print(f"server log: {log_path}", file=sys.stderr)
    measures = {}   # (level, channel): {"seconds", "results", "queries"}
    load_before = os.getloadavg()[0]
    process, port = start_server(CAPTURE_DB, args.addons_path, log_path, listen_backlog=args.listen_backlog)
    try:
        for channel in CHANNELS:   # every worker loads its registry and caches
            run_block(port, info, channel, [payloads.lead(i, matchable=False) for i in range(args.warmup)], 2)
        time.sleep(0.5)
        offset = read_log(log_path, 0)[1]
        for level in args.levels:
            half = args.requests // 2
            for position, channel in enumerate(("api", "jsonrpc", "jsonrpc", "api")):
                count = half if position < 2 else args.requests - half
                base = 0 if position < 2 else half
                leads = [payloads.lead(base + i) for i in range(count)]
                overflows = listen_overflows()
                seconds, results = run_block(port, info, channel, leads, level)
                overflows = listen_overflows() - overflows if overflows is not None else 0
                time.sleep(0.3)   # the last requests' log lines
                text, offset = read_log(log_path, offset)
                measure = measures.setdefault((level, channel), {
                    "seconds": 0.0, "results": [], "queries": [], "overflows": 0, "timeouts": 0})
                measure["seconds"] += seconds
                measure["results"] += results
                measure["overflows"] += overflows
                measure["timeouts"] += text.count("Request timed out")
                measure["queries"] += request_query_counts(
                    text, CAPTURE_API_PATH if channel == "api" else "/jsonrpc")
            print(f"measured {level} clients", file=sys.stderr, flush=True)
    finally:
        stop_server(process)
    load_after = os.getloadavg()[0]

    print(f"\n{args.requests} leads per channel and level, one per request; {args.match_ratio:.0%} known people; "
          f"Odoo --workers=2 on the loopback, listen backlog {args.listen_backlog or 'of Odoo (16)'}; "
          "customer matching on\n"
          f"client, server and PostgreSQL on the same {os.cpu_count()} CPUs; load average (1 min) before "
          f"{load_before:.1f}, after {load_after:.1f}")
    print(f"{'clients':>7}  {'channel':<9}{'leads/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'queries':>10}"
          f"{'201':>6}{'200':>6}{'other':>7}{'5xx':>5}{'backlog':>9}{'dropped':>9}")
    failures = []
    api_expected = Counter()
    for level in args.levels:
        rates = {}
        for channel in CHANNELS:
            measure = measures[(level, channel)]
            results = measure["results"]
            latencies = [seconds * 1000 for _status, seconds, _expected, _answer, _retries in results]
            statuses = Counter(status for status, *_rest in results)
            rates[channel] = len(results) / measure["seconds"]
            queries = "/".join(
                f"{statistics.median(counts):.0f}" if counts else "-"
                for counts in ([count for status, count in measure["queries"] if status == wanted]
                               for wanted in ((201, 200) if channel == "api" else (200,))))
            other = sum(count for status, count in statuses.items() if status not in (200, 201))
            server_errors = sum(count for status, count in statuses.items() if status >= 500)
            print(f"{level:>7}  {LABELS[channel]:<9}{rates[channel]:>9.1f}{statistics.median(latencies):>9.1f}"
                  f"{percentile(latencies, 0.99):>9.1f}{queries:>10}{statuses[201]:>6}{statuses[200]:>6}"
                  f"{other:>7}{server_errors:>5}{measure['overflows']:>9}"
                  f"{sum(1 for *_rest, retries in results if retries):>9}")
            if channel == "api":
                wrong = [(status, expected, answer) for status, _seconds, expected, answer, _retries in results
                         if status != expected]
                api_expected.update(expected for _status, _seconds, expected, *_rest in results)
            else:
                wrong = [(status, 200, answer) for status, _seconds, _expected, answer, _retries in results
                         if status != 200]
            if wrong:
                failures.append(f"{level} clients, {LABELS[channel]}: {len(wrong)} unexpected answers, "
                                f"first: {wrong[0][0]} instead of {wrong[0][1]}: {wrong[0][2][:300]!r}")
        print(f"{'':>7}  {'ratio':<9}{rates['api'] / rates['jsonrpc']:>9.2f}  (API leads/s / JSON-RPC leads/s)")
    print("backlog: connections the kernel dropped, the server's listen backlog being full (retried by the\n"
          "  client's TCP after 1 s, 3 s...); dropped: connections a worker closed without an answer (the request\n"
          "  arrived after its 2 s socket timeout), sent again by this script; both in the latencies")
    log_rows, log_ok = check_capture_log(info, {
        "created": api_expected[201] + args.warmup, "matched": api_expected[200]})
    print(f"\ncapture log of the run: {dict(sorted(log_rows.items()))} "
          f"(expected created {api_expected[201] + args.warmup} incl. {args.warmup} warm-up, "
          f"matched {api_expected[200]})")
    if not log_ok:
        failures.append("the capture log does not have one created or matched row per API request")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("checks: " + ("FAILED" if failures else "passed (201/200 as planned, no 5xx, capture log complete)"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
