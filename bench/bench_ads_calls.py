#!/usr/bin/env python3
"""Google Ads leads and telephone calls over HTTP, against a JSON-RPC create.

The database of bench_capture_api.py (``lead_management_bench_api``, the
company in Iran, a salesperson with an API key), plus a Google Ads lead form
and ``--known`` open leads whose mobile numbers 30 % of the calls come from.
One Odoo server on the loopback (``--workers=2``, no cron), one client,
requests one after the other, in two halves alternated ours, JSON-RPC,
JSON-RPC, ours:

- Google Ads: ``--count`` posts to ``/lead_management/webhook/google_ads/<token>``
  (Google's JSON: lead_id, key, user_column_data of name, e-mail, phone,
  company, city and a custom question; the whole capture pipeline: key
  check, mapping, validation, lock, matching, lead with its event, log,
  routing) against a JSON-RPC ``crm.lead.create`` of the same values;
- calls: ``--count`` posts to ``/lead_management/api/v1/calls`` (30 % from a
  known lead's number written as dialled, ``0912...``: event, note, a
  call-back activity when missed; the others a new lead through the
  pipeline; 20 % missed) against a JSON-RPC ``crm.lead.create`` of a lead
  named after the number (what a PBX integration without matching does).

Printed per channel: requests/s, p50 latency, the SQL queries per request
(median of Odoo's request log, authentication and deferred hooks included)
over the first and the last 100 requests -- constant means no query grows
with the data or the position in the run -- and the ratio of ours to
JSON-RPC. The script exits with 1 when an answer is not the expected one or
the queries per request of the last 100 exceed those of the first 100.

    python3 bench/bench_ads_calls.py --addons-path=... [--count 1000] [--known 500]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (
    CAPTURE_DB,
    ensure_database,
    environment,
    http_request,
    prepare_capture_database,
    read_log,
    request_query_counts,
    setup_odoo,
    start_server,
    stop_server,
)

CALLS_PATH = "/lead_management/api/v1/calls"
GOOGLE_PATH = "/lead_management/webhook/google_ads/"
COUNTER_PARAM = "lead_management_bench.next_ads_number"


def prepare(args):
    env = environment(CAPTURE_DB, {"lead_management_auto_assign": False})
    try:
        info = prepare_capture_database(env, login="bench_ads_calls")
        form = env["lead.capture.form"].search([("name", "=", "Bench Google Ads")], limit=1) \
            or env["lead.capture.form"].create({"name": "Bench Google Ads", "channel": "google_ads"})
        known = env["crm.lead"].search_count([("email_from", "=like", "known%@calls.bench.example")])
        env["crm.lead"].create([{
            "name": f"Known caller {index}", "email_from": f"known{index}@calls.bench.example",
            "mobile": f"+98935{index:07d}"} for index in range(known, args.known)])
        params = env["ir.config_parameter"]
        first = int(params.get_param(COUNTER_PARAM, "1"))
        params.set_param(COUNTER_PARAM, str(first + 4 * args.count))
        info.update(google_token=form.sudo().token, google_key=form.sudo().webhook_key, first=first)
        env.cr.commit()
    finally:
        env.cr.close()
    return info


def google_values(number):
    return {
        "FULL_NAME": f"Ads Person {number}", "EMAIL": f"ads{number}@ads.bench.example",
        "PHONE_NUMBER": f"0902{number:07d}", "COMPANY_NAME": f"Company {number % 97}", "CITY": "تهران",
    }


def send_google(port, info, number):
    values = google_values(number)
    body = json.dumps({
        "lead_id": f"bench-{number}", "google_key": info["google_key"], "campaign_id": 42,
        "user_column_data": [{"column_id": key, "column_name": key.title(), "string_value": value}
                             for key, value in values.items()]
        + [{"column_name": "Budget?", "string_value": "10k"}]}, ensure_ascii=False).encode()
    return http_request(port, "POST", GOOGLE_PATH + info["google_token"],
                        [("Content-Type", "application/json")], body)[0], 200


def send_call(port, info, number, known):
    index = number % 10
    caller = f"0935{number % known:07d}" if index < 3 else f"0903{number:07d}"
    body = json.dumps({"caller": caller, "status": "missed" if index in (3, 7) else "answered",
                       "duration": 0 if index in (3, 7) else 95, "call_id": f"bench-call-{number}"}).encode()
    status = http_request(port, "POST", CALLS_PATH, [
        ("Authorization", f"Bearer {info['key']}"), ("Content-Type", "application/json")], body)[0]
    return status, 200 if index < 3 else 201


def send_jsonrpc(port, info, values):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": [CAPTURE_DB, info["uid"], info["key"], "crm.lead", "create", [values]]}},
        ensure_ascii=False).encode()
    status, _headers, content, _seconds = http_request(port, "POST", "/jsonrpc", [
        ("Content-Type", "application/json")], body)
    return (status if status != 200 or isinstance(json.loads(content).get("result"), (int, list)) else -200), 200


def jsonrpc_google(port, info, number):
    values = google_values(number)
    return send_jsonrpc(port, info, {
        "name": values["FULL_NAME"], "contact_name": values["FULL_NAME"], "email_from": values["EMAIL"],
        "phone": values["PHONE_NUMBER"], "partner_name": values["COMPANY_NAME"], "city": values["CITY"],
        "description": "Budget?: 10k"})


def jsonrpc_call(port, info, number):
    return send_jsonrpc(port, info, {"name": f"Call from 0903{number:07d}", "phone": f"0903{number:07d}"})


def run(port, numbers, send):
    """(seconds, latencies, wrong answers) of sending ``numbers`` one by one."""
    latencies, wrong = [], []
    start = time.perf_counter()
    for number in numbers:
        begin = time.perf_counter()
        status, expected = send(number)
        latencies.append(time.perf_counter() - begin)
        if status != expected:
            wrong.append((number, status, expected))
    return time.perf_counter() - start, latencies, wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--count", type=int, default=1000, help="requests per channel")
    parser.add_argument("--known", type=int, default=500, help="open leads whose numbers call")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(CAPTURE_DB, "lead_management", args.addons_path)
    info = prepare(args)
    log_path = tempfile.mkstemp(prefix="bench_ads_calls_", suffix=".log")[1]
    process, port = start_server(CAPTURE_DB, args.addons_path, log_path)
    first, count = info["first"], args.count
    senders = {
        "google_ads": lambda n: send_google(port, info, n),
        "calls": lambda n: send_call(port, info, n, args.known),
        "jsonrpc (ads)": lambda n: jsonrpc_google(port, info, n + 10**6),
        "jsonrpc (calls)": lambda n: jsonrpc_call(port, info, n + 2 * 10**6),
    }
    paths = {"google_ads": GOOGLE_PATH, "calls": CALLS_PATH, "jsonrpc (ads)": "/jsonrpc", "jsonrpc (calls)": "/jsonrpc"}
    measures = {name: {"seconds": 0.0, "latencies": [], "wrong": [], "queries": []} for name in senders}
    try:
        for name in senders:   # warm-up: every worker loads its caches
            run(port, range(first + 4 * count - 10, first + 4 * count - 5), senders[name])
        time.sleep(0.5)
        offset = read_log(log_path, 0)[1]
        half = count // 2
        for ours, theirs in (("google_ads", "jsonrpc (ads)"), ("calls", "jsonrpc (calls)")):
            base = first if ours == "google_ads" else first + 2 * count
            for name, numbers in ((ours, range(base, base + half)), (theirs, range(base, base + half)),
                                  (theirs, range(base + half, base + count)), (ours, range(base + half, base + count))):
                seconds, latencies, wrong = run(port, numbers, senders[name])
                time.sleep(0.3)
                text, offset = read_log(log_path, offset)
                measure = measures[name]
                measure["seconds"] += seconds
                measure["latencies"] += latencies
                measure["wrong"] += wrong
                measure["queries"] += [queries for _status, queries in request_query_counts(text, paths[name])]
            print(f"measured {ours}", file=sys.stderr, flush=True)
    finally:
        stop_server(process)
    print(f"\n{count} requests per channel, one client, one request after the other; Odoo --workers=2 on the "
          f"loopback; client, server and PostgreSQL on the same {os.cpu_count()} CPUs")
    print(f"{'channel':<17}{'req/s':>8}{'p50 ms':>9}{'queries first 100':>19}{'last 100':>10}{'wrong':>7}")
    failures = []
    for name, measure in measures.items():
        queries = measure["queries"]
        head, tail = statistics.median(queries[:100]), statistics.median(queries[-100:])
        rate = len(measure["latencies"]) / measure["seconds"]
        measure["rate"] = rate
        print(f"{name:<17}{rate:>8.1f}{statistics.median(measure['latencies']) * 1000:>9.1f}"
              f"{head:>19.0f}{tail:>10.0f}{len(measure['wrong']):>7}")
        if measure["wrong"]:
            failures.append(f"{name}: {len(measure['wrong'])} unexpected answers, first {measure['wrong'][0]}")
        if tail > head and not name.startswith("jsonrpc"):
            failures.append(f"{name}: {tail:.0f} queries per request at the end, {head:.0f} at the start")
    ads_ratio = measures["google_ads"]["rate"] / measures["jsonrpc (ads)"]["rate"]
    calls_ratio = measures["calls"]["rate"] / measures["jsonrpc (calls)"]["rate"]
    print(f"ratio Google Ads / JSON-RPC create: {ads_ratio:.2f}; calls / JSON-RPC create: {calls_ratio:.2f} "
          "(requests/s)")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("checks: " + ("FAILED" if failures else "passed (answers as planned, queries per request constant)"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
