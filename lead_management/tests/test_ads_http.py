import contextlib
import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time

from odoo import fields
from odoo.addons.lead_management.controllers.webhooks import WEBHOOK_REFUSED_PER_MINUTE
from odoo.tests import HttpCase, tagged


class _GraphApi(BaseHTTPRequestHandler):
    """Answers like Meta's Graph API for a lead: its field_data (lead
    1001), an OAuth error (2002), nothing before the client gives up
    (3003: Odoo's tests raise any requests timeout to 10 s), a server error
    (4004)."""

    def do_GET(self):
        parts = urlsplit(self.path)
        lead_id, query = parts.path.rsplit("/", 1)[-1], parse_qs(parts.query)
        self.server.requests.append((lead_id, self.headers.get("Authorization"), "access_token" in query))
        if lead_id == "3003":
            time.sleep(11)
        if lead_id == "1001":
            status, body = 200, {"id": "1001", "created_time": "2026-03-02T09:00:00+0000", "ad_id": "77",
                                 "form_id": "88", "field_data": [
                                     {"name": "full_name", "values": ["Meta Fetched"]},
                                     {"name": "email", "values": ["meta.fetched@example.com"]},
                                     {"name": "which_product?", "values": ["CRM"]}]}
        elif lead_id == "2002":
            status, body = 400, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException"}}
        else:
            status, body = 500, {"error": {"message": "Please retry your request later."}}
        self.answer(status, body)

    def answer(self, status, body):
        data = json.dumps(body).encode()
        with contextlib.suppress(OSError):  # the client may have given up (timeout)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def log_message(self, *args):
        pass


def start_graph_api(case, handler=_GraphApi):
    """Serve ``handler`` (a Graph API stand-in) on a free local port for
    the test ``case`` and point the Meta client at it: the server, whose
    ``requests`` list what it was asked."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    case.addCleanup(server.server_close)
    case.addCleanup(server.shutdown)
    case.env["ir.config_parameter"].set_param(
        "lead_management.meta_graph_url", f"http://127.0.0.1:{server.server_address[1]}/v21.0")
    return server


class AdsHttpCase(HttpCase):
    """A Google Ads lead form and a Meta page's lead ads, for a team in Iran."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ir")
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.team = cls.env["crm.team"].create({"name": "Ads team", "use_leads": True})
        cls.campaign = cls.env["utm.campaign"].create({"name": "Nowruz search"})
        cls.google = cls.env["lead.capture.form"].create({
            "name": "Nowruz lead form", "channel": "google_ads", "team_id": cls.team.id,
            "campaign_id": cls.campaign.id})
        cls.meta = cls.env["lead.capture.form"].create({
            "name": "Instagram lead ads", "channel": "meta", "team_id": cls.team.id,
            "meta_app_secret": "app-secret", "meta_page_token": "page-token"})
        cls.Log = cls.env["lead.capture.log"]

    def google_lead(self, lead_id="G-1", key=None, **extra):
        return {
            "lead_id": lead_id, "api_version": "1.0", "form_id": 4242, "campaign_id": 1717, "adgroup_id": 2727,
            "creative_id": 3737, "gcl_id": "gclid-xyz", "google_key": key or self.google.webhook_key,
            "user_column_data": [
                {"column_id": "FIRST_NAME", "column_name": "First Name", "string_value": "Sara"},
                {"column_id": "LAST_NAME", "column_name": "Last Name", "string_value": "Karimi"},
                {"column_id": "EMAIL", "column_name": "User Email", "string_value": "sara.karimi@example.com"},
                {"column_id": "PHONE_NUMBER", "column_name": "User Phone", "string_value": "0912 777 1234"},
                {"column_id": "COMPANY_NAME", "column_name": "Company", "string_value": "Karimi Co"},
                {"column_id": "REGION", "column_name": "Region", "string_value": "Atlantis"},
                {"column_name": "Budget?", "string_value": "10k"},
            ], **extra}

    def post_google(self, data, token=None, raw=None):
        return self.url_open(f"/lead_management/webhook/google_ads/{token or self.google.token}",
                             data=raw if raw is not None else json.dumps(data),
                             headers={"Content-Type": "application/json"})

    def post_meta(self, data, secret="app-secret", signature=None):
        body = json.dumps(data).encode()
        signature = signature or "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return self.url_open(f"/lead_management/webhook/meta/{self.meta.token}", data=body,
                             headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})

    def meta_notification(self, *values):
        return {"object": "page", "entry": [{"id": "555", "time": 1, "changes": [
            {"field": "leadgen", "value": value} for value in values]}]}


@tagged("post_install", "-at_install", "lead_management_capture")
class TestGoogleAdsWebhook(AdsHttpCase):

    def test_lead_mapped_then_retry_answered_once(self):
        response = self.post_google(self.google_lead())
        self.assertEqual(response.status_code, 200, response.text)
        lead = self.env["crm.lead"].search([("email_from", "=", "sara.karimi@example.com")])
        self.assertEqual(len(lead), 1)
        self.assertEqual((lead.contact_name, lead.partner_name, lead.phone),
                         ("Sara Karimi", "Karimi Co", "0912 777 1234"))
        self.assertEqual((lead.gclid, lead.external_id), ("gclid-xyz", "G-1"))
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_google_ads"))
        self.assertEqual(lead.medium_id, self.env.ref("lead_management.utm_medium_paid_search"))
        self.assertEqual((lead.campaign_id, lead.team_id), (self.campaign, self.team))
        self.assertIn("Budget?: 10k", lead.description)
        self.assertIn("Campaign ID: 1717", lead.description)
        self.assertIn("State/Province: Atlantis", lead.description, "an unknown region does not lose the lead")
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["form_submit"])
        log = self.Log.search([("lead_id", "=", lead.id)])
        self.assertEqual((log.channel, log.status, log.form_id), ("google_ads", "created", self.google))
        self.assertNotIn(self.google.webhook_key, log.payload, "the key is not logged")

        retry = self.post_google(self.google_lead())
        self.assertEqual(retry.status_code, 200)
        self.assertEqual(self.env["crm.lead"].search_count([("email_from", "=", "sara.karimi@example.com")]), 1)
        self.assertEqual(len(lead.engagement_ids), 1, "Google's retry adds nothing")

    def test_lead_of_nobody_whoever_the_webhook_runs_as(self):
        self.post_google(self.google_lead("G-owner"))
        lead = self.env["crm.lead"].search([("external_id", "=", "G-owner")])
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.env["res.users"], self.team),
                         "not an opportunity of the public user")

    def test_forged_key_refused_and_logged(self):
        response = self.post_google(self.google_lead(key="forged"))
        self.assertEqual(response.status_code, 403)
        log = self.Log.search([("form_id", "=", self.google.id)], limit=1)
        self.assertEqual(log.status, "rejected")
        self.assertIn("webhook key", log.error)
        self.assertNotIn("forged", log.payload)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "sara.karimi@example.com")]))
        self.assertEqual(self.post_google(self.google_lead(), token="unknown-token").status_code, 404)
        self.assertEqual(self.post_google(self.google_lead(key="ключ-کلید")).status_code, 403, "any text, no 500")

    def test_a_form_without_key_refuses_everything(self):
        self.google.sudo().webhook_key = False
        self.assertEqual(self.post_google(self.google_lead(key="")).status_code, 403)
        body = self.google_lead()
        body["google_key"] = ""
        self.assertEqual(self.post_google(body).status_code, 403)

    def test_key_never_logged_and_refusals_limited(self):
        self.post_google(None, raw=json.dumps([self.google_lead()]))
        self.post_google(None, raw="{broken " + self.google.webhook_key)
        for log in self.Log.search([("form_id", "=", self.google.id)]):
            self.assertNotIn(self.google.webhook_key, log.payload)
        for _index in range(WEBHOOK_REFUSED_PER_MINUTE):
            self.post_google(self.google_lead(key="forged"))
        self.assertEqual(self.post_google(self.google_lead()).status_code, 429, "this address is refused a minute")

    def test_test_lead_logged_not_created(self):
        response = self.post_google(self.google_lead(lead_id="TeSter-123", is_test=True))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "test"})
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "sara.karimi@example.com")]))
        self.assertTrue(self.google.test_received_date)
        log = self.Log.search([("form_id", "=", self.google.id)])
        self.assertEqual(log.status, "test")

    def test_malformed(self):
        self.assertEqual(self.post_google(None, raw="{not json").status_code, 400)
        self.assertEqual(self.post_google([self.google_lead()]).status_code, 400)
        no_id = self.google_lead()
        del no_id["lead_id"]
        self.assertEqual(self.post_google(no_id).status_code, 400)
        self.assertEqual(self.post_google(self.google_lead(user_column_data="x")).status_code, 400)
        nothing = self.google_lead(lead_id="G-2", user_column_data=[
            {"column_id": "FULL_NAME", "string_value": "No Contact"}])
        response = self.post_google(nothing)
        self.assertEqual(response.status_code, 422)
        self.assertIn("email_from", response.json()["errors"])
        self.assertEqual(self.Log.search_count([("form_id", "=", self.google.id), ("status", "=", "rejected")]), 5)


@tagged("post_install", "-at_install", "lead_management_capture")
class TestMetaWebhook(AdsHttpCase):

    def setUp(self):
        super().setUp()
        self.graph = start_graph_api(self)

    def test_verification_handshake(self):
        url = f"/lead_management/webhook/meta/{self.meta.token}?hub.mode=subscribe&hub.challenge=1158201444"
        response = self.url_open(f"{url}&hub.verify_token={self.meta.meta_verify_token}")
        self.assertEqual((response.status_code, response.text), (200, "1158201444"))
        self.assertEqual(self.url_open(f"{url}&hub.verify_token=wrong").status_code, 403)

    def test_forged_signature_refused(self):
        response = self.post_meta(self.meta_notification({"leadgen_id": "1001"}), secret="not-the-secret")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.Log.search([("form_id", "=", self.meta.id)]).status, "rejected")
        self.assertEqual(self.post_meta(self.meta_notification({"leadgen_id": "1001"}),
                                        signature="sha256=00").status_code, 403)
        self.assertFalse(self.Log.search([("form_id", "=", self.meta.id), ("status", "=", "waiting")]))

    def test_field_data_captured_directly(self):
        response = self.post_meta(self.meta_notification({
            "leadgen_id": "9009", "ad_id": "77", "form_id": "88", "page_id": "555", "field_data": [
                {"name": "first_name", "values": ["Nino"]}, {"name": "last_name", "values": ["Beridze"]},
                {"name": "email", "values": ["nino@example.ge"]},
                {"name": "phone_number", "values": ["+995 555 12 34 56"]},
                {"name": "country", "values": ["GE"]}, {"name": "how_soon?", "values": ["this month"]}]}))
        self.assertEqual(response.status_code, 200, response.text)
        lead = self.env["crm.lead"].search([("email_from", "=", "nino@example.ge")])
        self.assertEqual((lead.contact_name, lead.country_id.code, lead.external_id), ("Nino Beridze", "GE", "9009"))
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_meta_ads"))
        self.assertIn("how soon?: this month", lead.description)
        self.assertFalse(self.graph.requests, "nothing to fetch")

    def test_fetch_success_and_duplicate_notification(self):
        notification = self.meta_notification({"leadgen_id": "1001", "page_id": "555", "form_id": "88"})
        response = self.post_meta(notification)
        self.assertEqual(response.json()["results"][0]["status"], "waiting")
        self.assertEqual(self.post_meta(notification).json()["results"][0]["status"], "waiting", "Meta retried")
        log = self.Log.search([("form_id", "=", self.meta.id)])
        self.assertEqual((len(log), log.status), (1, "waiting"))
        self.Log._cron_fetch_meta_leads()
        self.assertEqual(self.graph.requests, [("1001", "Bearer page-token", False)], "the token is no URL part")
        self.assertEqual(log.status, "created")
        self.assertEqual((log.lead_id.contact_name, log.lead_id.email_from),
                         ("Meta Fetched", "meta.fetched@example.com"))
        self.assertIn("which product?: CRM", log.lead_id.description)
        self.assertEqual(self.post_meta(notification).json()["results"][0]["status"], "created")
        self.assertEqual(self.env["crm.lead"].search_count([("email_from", "=", "meta.fetched@example.com")]), 1)

    def test_fetch_failures_retried_with_backoff_then_error(self):
        with freeze_time("2026-03-02 09:00:00") as frozen:
            self.post_meta(self.meta_notification({"leadgen_id": "2002"}, {"leadgen_id": "3003"}))
            logs = self.Log.search([("form_id", "=", self.meta.id)], order="id")
            logs._fetch_meta_leads(timeout=0.5)
            self.assertEqual(logs.mapped("status"), ["waiting", "waiting"])
            self.assertEqual(logs.mapped("fetch_attempts"), [1, 1])
            self.assertIn("Invalid OAuth access token", logs[0].error)
            self.assertIn("Timeout", logs[1].error)
            self.assertEqual(str(logs[0].next_fetch_date), "2026-03-02 09:01:00")
            self.Log._cron_fetch_meta_leads()
            self.assertEqual(logs.mapped("fetch_attempts"), [1, 1], "not due yet")
            for minutes, next_minutes in ((1, 5), (5, 15), (15, 60), (60, 240), (240, 720)):
                frozen.tick(minutes * 60)
                logs[0]._fetch_meta_leads()
                self.assertEqual(logs[0].next_fetch_date, fields.Datetime.now() + timedelta(minutes=next_minutes))
            frozen.tick(720 * 60)
            logs[0]._fetch_meta_leads()
            self.assertEqual((logs[0].status, logs[0].fetch_attempts), ("error", 7))
            self.assertIn("after 7 attempts", logs[0].error)
            self.assertFalse(self.env["crm.lead"].search([("external_id", "=", "2002")]))
            # the marketer fixes the page token on Meta's side, then replays: fetched again
            logs[0].action_replay()
            self.assertEqual((logs[0].status, logs[0].fetch_attempts), ("waiting", 0))

    def test_network_error_keeps_the_token_out_of_the_log(self):
        self.env["ir.config_parameter"].set_param("lead_management.meta_graph_url", "http://127.0.0.1:9/v21.0")
        self.post_meta(self.meta_notification({"leadgen_id": "1001"}))
        log = self.Log.search([("form_id", "=", self.meta.id)])
        log._fetch_meta_leads(timeout=2)
        self.assertEqual((log.status, log.fetch_attempts), ("waiting", 1))
        self.assertIn("ConnectionError", log.error)
        self.assertNotIn("page-token", log.error)

    def test_replay_of_a_refused_notification_fetches_nothing(self):
        self.post_meta(self.meta_notification({"leadgen_id": "12ab"}))
        log = self.Log.search([("form_id", "=", self.meta.id)])
        self.assertEqual((log.status, log.idempotency_key), ("rejected", False))
        log.action_replay()
        self.assertEqual(log.status, "rejected", "replayed as a payload, not queued for the Graph API")
        self.assertFalse(log.next_fetch_date)

    @freeze_time("2026-03-02 09:00:00")
    def test_fetched_by_the_cron_routed_not_the_superusers(self):
        rep = self.env["res.users"].create({
            "name": "Ads Rep", "login": "lm_ads_rep",
            "groups_id": [(6, 0, self.env.ref("sales_team.group_sale_salesman").ids)]})
        self.env["lead.territory"].search([]).active = False
        self.env["lead.territory"].create({"name": "Everyone", "team_id": self.team.id, "user_ids": [(6, 0, rep.ids)]})
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        self.post_meta(self.meta_notification({"leadgen_id": "1001", "page_id": "555", "form_id": "88"}))
        cron = self.env.ref("lead_management.ir_cron_meta_lead_fetch")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        cron.method_direct_trigger()
        self.flush_deferred()
        lead = self.env["crm.lead"].search([("email_from", "=", "meta.fetched@example.com")])
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", rep, self.team))
        self.assertEqual(lead.sla_status, "pending")
        self.assertEqual(lead.activity_ids.user_id, rep)

    def flush_deferred(self):
        self.env.flush_all()
        self.env.cr.flush()
