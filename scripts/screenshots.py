#!/usr/bin/env python3
"""Take the README screenshots from a running Odoo in headless Chromium.

    python3 scripts/screenshots.py --url http://localhost:8069 --db lead_management_demo
    python3 scripts/screenshots.py --login reza --password reza --lang fa_IR --pages leads_kanban

Logs in (admin/admin unless told) through Odoo's JSON-RPC, in the given language for the
time of the screenshots, hands the session cookie to
Chromium over the DevTools protocol and captures each page into
docs/screenshots/.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

PAGES = {
    "leads_kanban": "/odoo/action-crm.crm_lead_all_leads?view_type=kanban",
    "leads_list": "/odoo/action-crm.crm_lead_all_leads?view_type=list",
    "lead_form_qualification": "/odoo/action-crm.crm_lead_all_leads/{lead_id}",
    "scoring_model": "/odoo/action-lead_management.action_lead_scoring_model/{model_id}",
    "forecast": "/odoo/action-lead_management.action_crm_lead_forecast_revenue",
    "territories": "/odoo/action-lead_management.action_lead_territory",
    "response_time_report": "/odoo/action-lead_management.action_lead_response_report?view_type=pivot",
    "nurture_cadence": "/odoo/action-lead_management_nurture.action_lead_nurture_cadence/{cadence_id}",
    "nurture_analysis": "/odoo/action-lead_management_nurture.action_lead_nurture_report?view_type=pivot",
    "dashboard_leads": "/odoo/dashboards?dashboard_id={dashboard_leads_id}",
    "dashboard_marketing_roi": "/odoo/dashboards?dashboard_id={dashboard_marketing_roi_id}",
}
#: what shows that a page is rendered, when it is not a view of records
READY = {
    "dashboard_leads": ".o_spreadsheet_dashboard_action .o-grid canvas",
    "dashboard_marketing_roi": ".o_spreadsheet_dashboard_action .o-grid canvas",
}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rpc(url, path, params, cookie=None):
    request = urllib.request.Request(
        url + path, data=json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
        headers={"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        return body.get("result"), response.headers.get("Set-Cookie", "")


def xmlid_res_id(url, cookie, xmlid):
    module, name = xmlid.split(".")
    result, _cookie = rpc(url, "/web/dataset/call_kw", {
        "model": "ir.model.data", "method": "search_read",
        "args": [[("module", "=", module), ("name", "=", name)], ["res_id"]], "kwargs": {}}, cookie)
    return result[0]["res_id"] if result else 0


def first_id(url, cookie, model, domain):
    result, _cookie = rpc(url, "/web/dataset/call_kw", {
        "model": model, "method": "search", "args": [domain], "kwargs": {"limit": 1}}, cookie)
    return result[0] if result else 0


class Chromium:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp()
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.process = subprocess.Popen([
            binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--window-size={width},{height}", "--remote-debugging-port=9339",
            f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:9339/json", timeout=2) as response:
                    target = next(t for t in json.loads(response.read()) if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.2)
        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        self.counter = 0

    def send(self, method, **params):
        self.counter += 1
        self.socket.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def wait_for(self, expression, timeout):
        """Wait until the JavaScript ``expression`` is true (at most ``timeout`` seconds)."""
        end = time.time() + timeout
        while time.time() < end:
            result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
            if result.get("result", {}).get("value"):
                return True
            time.sleep(0.5)
        return False

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="lead_management_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", default="en_US")
    parser.add_argument("--wait", type=float, default=8.0, help="seconds to let each page render")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "screenshots"))
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated names of the pages to take")
    args = parser.parse_args()
    session, set_cookie = rpc(args.url, "/web/session/authenticate",
                              {"db": args.db, "login": args.login, "password": args.password})
    uid, user_lang = session["uid"], session["user_context"]["lang"]
    session_id = set_cookie.split("session_id=")[1].split(";")[0]
    cookie = f"session_id={session_id}"
    if args.lang != user_lang:
        rpc(args.url, "/web/dataset/call_kw", {"model": "res.users", "method": "write",
                                               "args": [[uid], {"lang": args.lang}], "kwargs": {}}, cookie)
    ids = {
        "lead_id": first_id(args.url, cookie, "crm.lead", [("type", "=", "lead"), ("score", ">", 20)]),
        "model_id": first_id(args.url, cookie, "lead.scoring.model", []),
        "cadence_id": first_id(args.url, cookie, "lead.nurture.cadence", []),
        "dashboard_leads_id": xmlid_res_id(
            args.url, cookie, "lead_management_dashboard.spreadsheet_dashboard_leads"),
        "dashboard_marketing_roi_id": xmlid_res_id(
            args.url, cookie, "lead_management_dashboard.spreadsheet_dashboard_marketing_roi"),
    }
    os.makedirs(args.out, exist_ok=True)
    browser = Chromium(1440, 900)
    try:
        host = args.url.split("//")[1].split(":")[0]
        browser.send("Network.enable")
        browser.send("Network.setCookie", name="session_id", value=session_id, domain=host, path="/")
        browser.send("Page.enable")
        # the window's size includes the browser's frame: the page itself gets 1440x900
        browser.send("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        # the first visit builds Odoo's asset bundles: wait for them once
        browser.send("Page.navigate", url=args.url + "/odoo")
        time.sleep(30)
        for name in args.pages.split(","):
            path = PAGES[name]
            browser.send("Page.navigate", url=args.url + path.format(**ids))
            # a language's first page may wait for its assets (right to left ones are built then)
            ready = READY.get(name, ".o_action_manager .o_view_controller")
            if not browser.wait_for(f"Boolean(document.querySelector('{ready}'))", 120):
                print(f"{name}: the view did not show within 120 seconds")
            time.sleep(args.wait)
            if name == "lead_form_qualification":
                browser.send("Runtime.evaluate", expression=(
                    "[...document.querySelectorAll('.o_notebook .nav-link')]"
                    ".find(a => a.getAttribute('name') === 'lead_management_qualification')?.click();"
                    "document.querySelector('.o_notebook')?.scrollIntoView()"))
                time.sleep(2)
            shot = browser.send("Page.captureScreenshot", format="png")
            target = os.path.join(args.out, f"{name}.png")
            with open(target, "wb") as image:
                image.write(base64.b64decode(shot["data"]))
            print(target)
    finally:
        browser.close()
        if args.lang != user_lang:
            rpc(args.url, "/web/dataset/call_kw", {"model": "res.users", "method": "write",
                                                   "args": [[uid], {"lang": user_lang}], "kwargs": {}}, cookie)


if __name__ == "__main__":
    main()
