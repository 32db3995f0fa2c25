#!/usr/bin/env python3
"""A list of 80 leads with 3 date columns rendered in Chromium for the same
Persian user, in the Solar Hijri calendar and in the Gregorian one.

The database ``lead_management_bench_jalali_list`` (crm and web_jalali, no
demo data, Persian loaded) holds 80 leads and one user, Persian, Asia/Tehran.
An Odoo server (threaded, loopback) serves it; headless Chromium, driven
through its DevTools protocol, opens a list of the 80 leads with their
creation date and time, their last stage change (date and time) and their
expected closing (a date).

Each figure is the median, over ``--repeat`` runs, of one full re-render of
that list already on screen: the list renderer's deep render (every cell
formatted again) and its patch of the page, timed in the page with
``performance.now()``. No server call is part of it. The user's calendar
is switched between the rounds (Gregorian, Solar Hijri, Gregorian...) and
the page reloaded, so both calendars are measured in the same run,
interleaved; the cells' text is checked (Persian digits or not) before
timing.

    python3 bench/bench_jalali_list.py --addons-path=...
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ensure_database, environment, free_port, http_request, setup_odoo, start_server, stop_server

DB = "lead_management_bench_jalali_list"
MODULES = "crm,web_jalali"
LOGIN = PASSWORD = "bench_jalali_list"
ROWS = 80
BUDGET = 1.1

# The list renderer's component node, re-rendered deeply and patched at once
# (Owl's scheduler flushed by hand, not at the next animation frame).
RENDER_JS = """
(async (repeat) => {
    const find = (node) => {
        if (node.component.constructor.name === "ListRenderer") {
            return node;
        }
        for (const child of Object.values(node.children)) {
            const found = find(child);
            if (found) {
                return found;
            }
        }
    };
    const node = find(odoo.__WOWL_DEBUG__.root.__owl__);
    const runs = [];
    for (let i = 0; i < repeat; i++) {
        const start = performance.now();
        const rendered = node.render(true);
        await rendered;
        while (node.fiber) {
            node.app.scheduler.processTasks();
            if (node.fiber) {
                await Promise.resolve();
            }
        }
        runs.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return JSON.stringify(runs);
})(%d)
"""


def prepare(env):
    """The bench user, the 80 leads and the list's action (once)."""
    env["res.lang"]._activate_lang("fa_IR")
    user = env["res.users"].with_context(active_test=False).search([("login", "=", LOGIN)])
    if not user:
        user = env["res.users"].create({
            "name": "Bench Jalali", "login": LOGIN, "password": PASSWORD, "lang": "fa_IR", "tz": "Asia/Tehran",
            "groups_id": [(6, 0, [env.ref("sales_team.group_sale_manager").id])],
        })
    Lead = env["crm.lead"]
    present = Lead.search_count([("name", "=like", "Jalali list lead %")])
    Lead.create([
        {"name": f"Jalali list lead {n}", "type": "lead", "date_deadline": f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}"}
        for n in range(present, ROWS)
    ])
    view = env.ref("__bench__.crm_lead_view_tree_jalali_list", raise_if_not_found=False)
    arch = ("<list><field name='name'/><field name='create_date'/>"
            "<field name='date_last_stage_update'/><field name='date_deadline'/></list>")
    if not view:
        view = env["ir.ui.view"].create({"name": "Jalali list bench", "model": "crm.lead", "type": "list",
                                         "arch": arch})
        env["ir.model.data"].create({"module": "__bench__", "name": "crm_lead_view_tree_jalali_list",
                                     "model": "ir.ui.view", "res_id": view.id})
        action = env["ir.actions.act_window"].create({
            "name": "Jalali list bench", "res_model": "crm.lead", "view_mode": "list",
            "view_id": view.id, "domain": "[('name', '=like', 'Jalali list lead %')]", "context": "{'limit': 80}",
        })
        env["ir.model.data"].create({"module": "__bench__", "name": "crm_lead_action_jalali_list",
                                     "model": "ir.actions.act_window", "res_id": action.id})
    action = env.ref("__bench__.crm_lead_action_jalali_list")
    env.cr.commit()
    return user, action


class Chromium:
    """Headless Chromium and a DevTools session on its one page."""

    def __init__(self):
        import websocket
        self.profile = tempfile.mkdtemp(prefix="bench_jalali_list_")
        port = free_port()
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1366,900",
             f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as answer:
                    pages = [page for page in json.load(answer) if page["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.2)
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=120)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"in the page: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=60):
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the page never satisfied {expression}")
            time.sleep(0.1)

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(30)
        shutil.rmtree(self.profile, ignore_errors=True)


def login(port):
    body = json.dumps({"jsonrpc": "2.0", "method": "call",
                       "params": {"db": DB, "login": LOGIN, "password": PASSWORD}}).encode()
    status, headers, content, _seconds = http_request(
        port, "POST", "/web/session/authenticate", [("Content-Type", "application/json")], body)
    if status != 200 or b'"uid"' not in content:
        raise RuntimeError(f"login refused: {status} {content[:300]!r}")
    return headers["set-cookie"].split(";")[0].split("=", 1)[1]


def measure(browser, port, action, repeat):
    browser.call("Page.navigate", url=f"http://127.0.0.1:{port}/odoo/action-{action.id}")
    browser.wait_for(f"document.querySelectorAll('.o_data_row').length === {ROWS}")
    cells = browser.evaluate(
        "[...document.querySelectorAll('.o_data_row:first-child td.o_data_cell')].map((td) => td.textContent)")
    runs = json.loads(browser.evaluate(RENDER_JS % (repeat + 5)))[5:]   # 5 warm-up renders
    return runs, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--repeat", type=int, default=30, help="renders timed per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each calendar, interleaved")
    args = parser.parse_args()
    setup_odoo(args.addons_path)
    ensure_database(DB, MODULES, args.addons_path)
    env = environment(DB)
    user, action = prepare(env)
    log_path = os.path.join(tempfile.gettempdir(), "bench_jalali_list.log")
    process, port = start_server(DB, args.addons_path, log_path, workers=0)
    browser = None
    try:
        session_id = login(port)
        browser = Chromium()
        browser.call("Network.enable")
        browser.call("Network.setCookie", name="session_id", value=session_id, domain="127.0.0.1", path="/")
        runs = {"gregorian": [], "jalali": []}
        samples = {}
        for _round in range(args.rounds):
            for calendar in runs:
                user.date_calendar = calendar
                env.cr.commit()
                timings, cells = measure(browser, port, action, args.repeat)
                persian = any("۱۴" in cell for cell in cells)
                if persian != (calendar == "jalali"):
                    sys.exit(f"{calendar}: the first row reads {cells}")
                runs[calendar] += timings
                samples[calendar] = " | ".join(cell.strip() for cell in cells[1:])
    finally:
        if browser:
            browser.close()
        stop_server(process)
        env.cr.rollback()
        env.cr.close()
    gregorian, jalali = (statistics.median(runs[calendar]) for calendar in ("gregorian", "jalali"))
    print(f"{ROWS} leads x 3 date columns, one Persian user (Asia/Tehran), median of {len(runs['jalali'])} "
          f"re-renders (deep render + patch, no server call) per calendar, {args.rounds} interleaved rounds")
    print(f"{'calendar':<16}{'ms':>8}{'ratio':>8}")
    print(f"{'Gregorian':<16}{gregorian:>8.2f}{1:>8.2f}   {samples['gregorian']}")
    print(f"{'Solar Hijri':<16}{jalali:>8.2f}{jalali / gregorian:>8.2f}   {samples['jalali']}")
    print(f"budget: Solar Hijri <= {BUDGET} x Gregorian")


if __name__ == "__main__":
    main()
