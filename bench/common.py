"""Helpers shared by the benchmarks: databases, a registry, query counting."""
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import odoo
from odoo.tools import config

#: the same empty databases (no demo data, no bulk leads) for every comparison:
#: Odoo's crm alone, and crm with every addon of this repository
NATIVE_DB = "lead_management_bench_native"
ADDON_DB = "lead_management_bench_addon"
ADDON_MODULES = "lead_management,lead_management_account"


def setup_odoo(addons_path):
    config.parse_config(["--addons-path", addons_path, "--log-level=warn"])


def ensure_database(name, module, addons_path):
    """Create ``name`` with ``module`` installed (no demo data), or update it."""
    exists = subprocess.run(["psql", "-Atqc", "select 1", name], capture_output=True, check=False).returncode == 0
    print(f"{'updating' if exists else 'creating'} {name} with {module}", file=sys.stderr)
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    subprocess.run(
        [sys.executable, odoo_bin, "--addons-path", addons_path, "-d", name, "-u" if exists else "-i", module,
         "--without-demo=all", "--stop-after-init", "--log-level=warn"],
        check=True)


@contextmanager
def measured(cr, results, label):
    """Time the block and count its SQL queries into ``results[label]``."""
    queries, start = cr.sql_log_count, time.perf_counter()
    yield
    results[label] = (time.perf_counter() - start, cr.sql_log_count - queries)


def environment(db_name, context=None):
    registry = odoo.modules.registry.Registry(db_name)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}, tracking_disable=True))


def vacuum(db_name):
    """Clean and re-analyze the database after a run: the next one starts from the
    same state, not from the dead rows of what the last one rolled back (a run after
    another is otherwise 2-3 times slower)."""
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE", db_name], check=True)


# -- an Odoo server in a subprocess, and a raw HTTP client for it ---------------------------------

#: the database of the HTTP benchmarks of the capture channels (bench_capture_api, fuzz_capture)
CAPTURE_DB = "lead_management_bench_api"
CAPTURE_API_PATH = "/lead_management/api/v1/leads"
CAPTURE_FORM_PATH = "/lead_management/form/"
#: a rate no benchmark reaches: the rate limits are measured by the tests, not here
UNLIMITED_RATE = 10_000_000


def free_port():
    """A TCP port of the loopback that nothing listens on (now)."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_capture_database(env, login="bench_capture_api", origin="https://allowed.bench.example"):
    """What the capture benchmarks need, committed: the company in Iran (its
    phone numbers read with national prefixes), capture rates no benchmark
    reaches, forms answered without their floor, a salesperson (all leads) with a fresh API key, and a web form
    embedded on ``origin`` without rate limit; customer matching on (the
    default).

    :return: dict with ``uid``, ``key``, ``token`` (of the form), ``origin``
    """
    import datetime

    from odoo import fields
    env.company.country_id = env.ref("base.ir")
    params = env["ir.config_parameter"]
    params.set_param("lead_management.api_rate_per_minute", str(UNLIMITED_RATE))
    params.set_param("lead_management.form_rate_per_ip", str(UNLIMITED_RATE))
    params.set_param("lead_management.capture_match_customers", "True")
    # forms answered when ready: their constant-time answer is measured by bench_form_timing, not here
    params.set_param("lead_management.form_answer_ms", "0")
    user = env["res.users"].with_context(active_test=False).search([("login", "=", login)])
    if not user:
        user = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench capture API", "login": login,
            "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                  env.ref("sales_team.group_sale_salesman_all_leads").id])]})
    user.active = True
    key = env["res.users.apikeys"].with_user(user)._generate(
        None, "bench", fields.Datetime.now() + datetime.timedelta(hours=20))
    form = env["lead.capture.form"].with_context(active_test=False).search([("name", "=", "Bench form")], limit=1)
    values = {"active": True, "allowed_origins": origin, "min_fill_seconds": 3,
              "rate_limit_per_minute": UNLIMITED_RATE, "redirect_url": f"{origin}/thanks"}
    if form:
        form.write(values)
    else:
        form = env["lead.capture.form"].create({"name": "Bench form", **values})
    env.flush_all()
    env.cr.commit()
    return {"uid": user.id, "key": key, "token": form.sudo().token, "origin": origin}


def start_server(db_name, addons_path, log_path, workers=2, extra_args=(), listen_backlog=0):
    """Odoo (odoo-bin, see odoo_server.py) in prefork mode on a free port of the loopback, serving
    ``db_name`` only, without cron; its log (each request's SQL query count
    included) goes to ``log_path``; ``listen_backlog``: at least this many
    connections wait to be accepted (0: Odoo's 8 per worker). Returns
    (process, port) once it answers."""
    port, gevent_port = free_port(), free_port()
    # odoo-bin, without its long-polling process (see odoo_server.py)
    odoo_bin = os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_server.py")
    log = open(log_path, "ab")  # noqa: SIM115 - kept open by the server process
    process = subprocess.Popen(
        [sys.executable, odoo_bin, "--addons-path", addons_path, "-d", db_name, f"--db-filter=^{db_name}$",
         f"--workers={workers}", "--max-cron-threads=0", "--http-interface=127.0.0.1", f"--http-port={port}",
         f"--gevent-port={gevent_port}", "--log-level=info", *extra_args],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        env=dict(os.environ, ODOO_BENCH_LISTEN_BACKLOG=str(listen_backlog or "")))
    log.close()
    try:
        wait_for_server(process, port)
    except BaseException:
        stop_server(process)
        raise
    return process, port


def wait_for_server(process, port, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Odoo server stopped (exit code {process.returncode}); see its log")
        try:
            if http_request(port, "GET", "/web/health", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the Odoo server did not answer on port {port} within {timeout} s")


def stop_server(process, timeout=30):
    """Stop the server started by start_server (its master process, which
    stops its workers), killed if it does not stop within ``timeout``."""
    import signal
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)   # the group start_server created: this server only
            process.wait(timeout)
    print(f"stopped the Odoo server (exit code {process.returncode})", file=sys.stderr)


def http_request(port, method, path, headers=(), body=b"", timeout=120, raw=None, half_close=False):
    """One HTTP/1.0 request on the loopback, over a new connection (what
    Odoo's prefork workers serve: one request per connection), bytes as
    given: nothing is checked nor encoded on the way.

    :param headers: (name, value) pairs, str or bytes
    :param raw: the whole request, bytes, instead of method, path, headers, body
    :param half_close: end the request with a shutdown of the sending side
    :return: (status, headers as a dict of lower-case names, body bytes, seconds)
    """
    import socket
    start = time.perf_counter()
    if raw is None:
        def encode(value):
            return value if isinstance(value, bytes) else str(value).encode("latin-1")
        lines = [encode(method) + b" " + encode(path) + b" HTTP/1.0", b"Host: 127.0.0.1:" + encode(port)]
        names = {encode(name).lower() for name, _value in headers}
        lines += [encode(name) + b": " + encode(value) for name, value in headers]
        if b"content-length" not in names and (body or method == "POST"):
            lines.append(b"Content-Length: " + encode(len(body)))
        raw = b"\r\n".join(lines) + b"\r\n\r\n" + body
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass   # answered (413, 400) before reading all of it: the answer is still there to read
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    seconds = time.perf_counter() - start
    response = b"".join(chunks)
    head, _sep, content = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, {}, response, seconds   # no HTTP answer at all
    answer_headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(b":")
        answer_headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return status, answer_headers, content, seconds


def read_log(log_path, offset):
    """The server log from ``offset``: (text, new offset)."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        data = log.read()
    return data.decode("utf-8", "replace"), offset + len(data)


def request_query_counts(log_text, path_prefix):
    """(HTTP status, SQL queries) of each request to ``path_prefix`` in the
    log: Odoo's werkzeug log line ends with ``<queries> <sql seconds> <other seconds>``."""
    import re
    pattern = re.compile(r'"[A-Z]+ ' + re.escape(path_prefix) + r'[^"]*" (\d{3}) - (\d+) [\d.]+ [\d.]+')
    return [(int(match.group(1)), int(match.group(2))) for match in pattern.finditer(log_text)]


def listen_overflows():
    """The kernel's count of connections dropped because a listen backlog was
    full (TcpExt ListenOverflows, all sockets of the machine), or None."""
    try:
        with open("/proc/net/netstat") as netstat:
            lines = netstat.read().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            counters = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(counters.get("ListenOverflows", 0))
    return None
