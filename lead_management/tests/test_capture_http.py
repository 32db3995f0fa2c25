import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from freezegun import freeze_time

from odoo import fields, http
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

from ..controllers.capture import API_MAX_LEADS, FORM_MAX_BODY

API_PATH = "/lead_management/api/v1/leads"


class CaptureHttpCase(HttpCase):
    """A salesperson with an API key, and a web form embedded on
    https://www.example.com, in a company in Iran."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ir")
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.api_user = mail_new_test_user(
            cls.env, login="lm_api", name="API Salesperson",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads")
        cls.api_key = cls.env["res.users.apikeys"].with_user(cls.api_user)._generate(
            None, "landing pages", fields.Datetime.now() + timedelta(days=30))
        cls.employee = mail_new_test_user(cls.env, login="lm_api_employee", name="Employee", groups="base.group_user")
        cls.employee_key = cls.env["res.users.apikeys"].with_user(cls.employee)._generate(
            None, "no sales rights", fields.Datetime.now() + timedelta(days=30))
        cls.team = cls.env["crm.team"].create({"name": "Web team", "use_leads": True})
        cls.form = cls.env["lead.capture.form"].create({
            "name": "Contact us", "team_id": cls.team.id, "allowed_origins": "https://www.example.com",
            "min_fill_seconds": 2, "redirect_url": "https://www.example.com/thanks",
        })
        cls.Log = cls.env["lead.capture.log"]

    def post_api(self, data, key=None, headers=None, raw=None):
        headers = {"Content-Type": "application/json", **(headers or {})}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.api_key}"
        body = raw if raw is not None else json.dumps(data)
        return self.url_open(API_PATH, data=body, headers=headers)

    def post_form(self, data, token=None, headers=None, json_body=False):
        headers = {"Origin": "https://www.example.com", **(headers or {})}
        data = {"lm_elapsed": "5", **data} if isinstance(data, dict) else data
        if json_body:
            headers["Content-Type"] = "application/json"
            data = json.dumps(data)
        return self.url_open(f"/lead_management/form/{token or self.form.token}", data=data, headers=headers,
                             allow_redirects=False)


@tagged("post_install", "-at_install", "lead_management_capture")
class TestLeadApi(CaptureHttpCase):

    def test_201_then_200_for_the_same_person(self):
        response = self.post_api({"contact_name": "Api Person", "email_from": "api@example.com",
                                  "mobile": "۰۹۱۲۳۳۳۴۴۵۵", "utm_campaign": "API launch"})
        self.assertEqual(response.status_code, 201, response.text)
        answer = response.json()
        self.assertEqual((answer["status"], answer["errors"]), ("created", {}))
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual((lead.email_from, lead.campaign_id.name, lead.create_uid), (
            "api@example.com", "API launch", self.api_user))
        response = self.post_api({"mobile": "+98 912 333 4455", "city": "Shiraz"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"status": "matched", "lead_id": lead.id, "errors": {}})
        self.assertEqual(lead.city, "Shiraz")
        log = self.Log.search([("lead_id", "=", lead.id)], order="id")
        self.assertEqual(log.mapped("status"), ["created", "matched"])
        self.assertEqual(log.api_user_id, self.api_user)
        self.assertEqual(log[0].remote_addr, "127.0.0.1")

    def test_list_of_leads(self):
        response = self.post_api([{"email_from": "l1@example.com"}, {"email_from": "bad"},
                                  {"email_from": "L1@example.com"}])
        self.assertEqual(response.status_code, 201)
        results = response.json()["results"]
        self.assertEqual([result["status"] for result in results], ["created", "rejected", "matched"])
        self.assertEqual(results[2]["lead_id"], results[0]["lead_id"])
        self.assertIn("email_from", results[1]["errors"])

    def test_422_with_field_errors(self):
        response = self.post_api({"email_from": "nope", "national_id": "123", "colour": "red"})
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(set(errors), {"email_from", "national_id", "colour"})
        self.assertEqual(self.Log.search([], order="id desc", limit=1).status, "rejected")

    def test_400_for_a_body_that_is_not_a_lead(self):
        for raw, content_type in (("{broken", "application/json"), ('"a string"', "application/json"),
                                  ("[]", "application/json"), ("email_from=a@b.com", "text/plain")):
            with self.subTest(raw=raw):
                response = self.post_api(None, raw=raw, headers={"Content-Type": content_type})
                self.assertEqual(response.status_code, 400)
                self.assertIn("__all__", response.json()["errors"])
        self.assertEqual(self.Log.search_count([("channel", "=", "api"), ("status", "=", "rejected")]), 4)

    def test_401_without_or_with_a_forged_key(self):
        self.assertEqual(self.post_api({"email_from": "x@example.com"}, key=False).status_code, 401)
        self.assertEqual(self.post_api({"email_from": "x@example.com"}, key="forged" * 6).status_code, 401)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "x@example.com")]))

    def test_403_for_a_key_without_sales_rights(self):
        response = self.post_api({"email_from": "emp@example.com"}, key=self.employee_key)
        self.assertEqual(response.status_code, 403)

    def test_413_too_large(self):
        response = self.post_api([{"email_from": f"n{i}@example.com"} for i in range(API_MAX_LEADS + 1)])
        self.assertEqual(response.status_code, 413)
        response = self.post_api({"description": "x" * (1024 * 1024)})
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "n0@example.com")]))

    def test_429_beyond_the_rate(self):
        self.env["ir.config_parameter"].set_param("lead_management.api_rate_per_minute", "2")
        statuses = [self.post_api({"email_from": f"r{i}@example.com"}).status_code for i in range(3)]
        self.assertEqual(statuses, [201, 201, 429])

    def test_idempotency_key_header(self):
        first = self.post_api({"email_from": "idem-http@example.com"}, headers={"Idempotency-Key": "abc-1"})
        again = self.post_api({"email_from": "idem-http@example.com"}, headers={"Idempotency-Key": "abc-1"})
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(first.json(), again.json())

    def test_idempotency_key_header_covers_a_list(self):
        """A list whose answer was lost, sent again with the same header: the first answers, and no effect."""
        people = [{"email_from": f"batch-idem-{index}@example.com"} for index in range(3)]
        first = self.post_api(people, headers={"Idempotency-Key": "batch-1"})
        leads = self.env["crm.lead"].search([("email_from", "like", "batch-idem-")])
        events, notes = len(leads.engagement_ids), len(leads.message_ids)
        again = self.post_api(people, headers={"Idempotency-Key": "batch-1"})
        self.assertEqual((first.status_code, again.status_code), (201, 201))
        self.assertEqual(first.json(), again.json())
        self.assertEqual({answer["status"] for answer in again.json()["results"]}, {"created"})
        leads.invalidate_recordset()
        self.assertEqual((len(leads.engagement_ids), len(leads.message_ids)), (events, notes), "no second effect")
        other = self.post_api(people, headers={"Idempotency-Key": "batch-2"})
        self.assertEqual({answer["status"] for answer in other.json()["results"]}, {"matched"})


@tagged("post_install", "-at_install", "lead_management_capture")
class TestWebForm(CaptureHttpCase):

    def test_created_and_matched_answer_the_same(self):
        first = self.post_form({"contact_name": "Visitor", "email_from": "visitor@example.com",
                                "utm_source": "Landing Page"})
        second = self.post_form({"contact_name": "Visitor", "email_from": "visitor@example.com"})
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertEqual(first.json(), {"ok": True})
        self.assertEqual(second.content, first.content)
        self.assertEqual(first.headers["Access-Control-Allow-Origin"], "https://www.example.com")
        lead = self.env["crm.lead"].search([("email_from", "=", "visitor@example.com")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(self.Log.search([("form_id", "=", self.form.id)], order="id").mapped("status"),
                         ["created", "matched"])

    def test_json_body_and_422(self):
        response = self.post_form({"email_from": "json@example.com"}, json_body=True)
        self.assertEqual(response.status_code, 200, response.text)
        response = self.post_form({"email_from": "not an address"}, json_body=True)
        self.assertEqual(response.status_code, 422)
        self.assertIn("email_from", response.json()["errors"])

    def test_fields_the_form_does_not_ask_are_refused(self):
        response = self.post_form({"email_from": "f@example.com", "national_id": "0013542419"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("national_id", response.json()["errors"])

    def test_spam_is_logged_and_answered_like_success(self):
        honeypot = self.post_form({"email_from": "bot1@example.com", "lm_hp": "http://spam.example"})
        too_fast = self.post_form({"email_from": "bot2@example.com", "lm_elapsed": "0.3"})
        self.assertEqual((honeypot.status_code, too_fast.status_code), (200, 200))
        self.assertEqual(honeypot.json(), {"ok": True})
        self.assertFalse(self.env["crm.lead"].search([("email_from", "in", ("bot1@example.com", "bot2@example.com"))]))
        errors = self.Log.search([("form_id", "=", self.form.id)], order="id").mapped("error")
        self.assertEqual(len(errors), 2)
        self.assertIn("hidden field", errors[0])
        self.assertIn("less than 2", errors[1])

    def test_forged_or_archived_token_is_404_and_logged(self):
        response = self.post_form({"email_from": "f@example.com"}, token="forged-token")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("email", response.text.lower().replace("__all__", ""))
        self.form.active = False
        self.assertEqual(self.post_form({"email_from": "f@example.com"}).status_code, 404)
        logs = self.Log.search([("channel", "=", "web_form")])
        self.assertEqual(logs.mapped("status"), ["rejected", "rejected"])

    def test_origin_not_allowed(self):
        response = self.post_form({"email_from": "o@example.com"}, headers={"Origin": "https://evil.example"})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        preflight = self.opener.options(f"{self.base_url()}/lead_management/form/{self.form.token}",
                                        headers={"Origin": "https://www.example.com"}, timeout=10)
        self.assertEqual(preflight.status_code, 204)
        self.assertEqual(preflight.headers["Access-Control-Allow-Origin"], "https://www.example.com")
        preflight = self.opener.options(f"{self.base_url()}/lead_management/form/{self.form.token}",
                                        headers={"Origin": "https://evil.example"}, timeout=10)
        self.assertEqual(preflight.status_code, 403)

    def test_413_and_429(self):
        response = self.post_form({"description": "x" * (FORM_MAX_BODY + 1)})
        self.assertEqual(response.status_code, 413)
        self.env["ir.config_parameter"].set_param("lead_management.form_rate_per_ip", "2")
        statuses = [self.post_form({"email_from": f"ip{i}@example.com"}).status_code for i in range(3)]
        self.assertEqual(statuses, [200, 200, 429])

    def test_address_rate_counts_only_the_forms_submissions(self):
        """An office's server posting leads through the API shares the
        address of its visitors: their form posts are not refused for it."""
        self.env["ir.config_parameter"].set_param("lead_management.form_rate_per_ip", "2")
        self.assertEqual([self.post_api({"email_from": f"server{i}@example.com"}).status_code for i in range(3)],
                         [201, 201, 201])
        statuses = [self.post_form({"email_from": f"office{i}@example.com"}).status_code for i in range(3)]
        self.assertEqual(statuses, [200, 200, 429])

    def test_form_rate(self):
        self.form.rate_limit_per_minute = 1
        statuses = [self.post_form({"email_from": f"fr{i}@example.com"}).status_code for i in range(2)]
        self.assertEqual(statuses, [200, 429])

    def test_browser_without_javascript_is_redirected(self):
        self.form.min_fill_seconds = 0
        response = self.post_form({"email_from": "nojs@example.com"}, headers={"Accept": "text/html"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response.headers["Location"], "https://www.example.com/thanks")
        response = self.post_form({"email_from": "<b>nojs</b>"}, headers={"Accept": "text/html"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("&lt;b&gt;nojs&lt;/b&gt;", response.text)
        self.assertNotIn("<b>nojs</b>", response.text)

    def test_errors_in_the_visitor_language(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"].search([("name", "=", "lead_management")])._update_translations(["fa_IR"])
        response = self.post_form({"email_from": "bad"}, headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
        self.assertEqual(response.status_code, 422)
        self.assertNotIn("is not an e-mail address", response.json()["errors"]["email_from"])

    def test_utm_names_found_whatever_the_visitors_language(self):
        """A link's utm names are English whatever the visitor's browser
        says; a campaign no record has stays on the lead, in a note."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"].search([("name", "=", "lead_management")])._update_translations(["fa_IR"])
        response = self.post_form({
            "email_from": "persian.visitor@example.com", "utm_source": "Google Ads", "utm_medium": "social network",
            "utm_campaign": "Nowruz 1405 launch"}, headers={"Accept-Language": "fa-IR,fa;q=0.9"})
        self.assertEqual(response.status_code, 200, response.text)
        lead = self.env["crm.lead"].search([("email_from", "=", "persian.visitor@example.com")])
        self.assertEqual((lead.source_id, lead.medium_id, lead.campaign_id), (
            self.env.ref("lead_management.utm_source_google_ads"), self.env.ref("lead_management.utm_medium_social"),
            self.env["utm.campaign"]), "a public form creates no campaign")
        self.assertFalse(self.env["utm.campaign"].search([("name", "=", "Nowruz 1405 launch")]))
        note = "UTM values not found: Campaign: Nowruz 1405 launch"
        self.assertIn(note, lead.message_ids.mapped("body")[0])
        self.assertEqual(self.Log.search([("lead_id", "=", lead.id)]).note, note)
        response = self.post_form({"email_from": "persian.visitor@example.com", "utm_campaign": "Yalda"},
                                  headers={"Accept-Language": "fa-IR,fa;q=0.9"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("UTM values not found: Campaign: Yalda", lead.message_ids.mapped("body")[0],
                      "a known person's submission keeps it too")


class _StaticPage(BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.server.page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install", "lead_management_capture", "lead_management_ui")
class TestEmbeddedForm(CaptureHttpCase):
    """The embed code on a static page of another site, in Chromium."""

    def check_test_cursor(self, operation):
        # A page on another site sends none of Odoo's cookies with its fetch (credentials
        # "same-origin"), so the test cookie Odoo's runner requires after browser_js cannot
        # come with the form's request: it is let through without it.
        request = http.request
        if request and request.httprequest.path.startswith("/lead_management/form/"):
            self.http_request_strict_check = False
        return super().check_test_cursor(operation)

    def test_embedded_form_on_a_static_page(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _StaticPage)
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        self.form.write({"allowed_origins": origin, "min_fill_seconds": 1})
        embed = self.form.embed_code.replace(self.form.get_base_url(), self.base_url())
        server.page = f"<!DOCTYPE html><html><head><meta charset='utf-8'/></head><body>{embed}</body></html>"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        code = """
            const form = document.querySelector("form");
            form.querySelector("[name=contact_name]").value = "Static Page Visitor";
            form.querySelector("[name=email_from]").value = "static.page@example.com";
            setTimeout(() => {
                form.requestSubmit();
                const wait = setInterval(() => {
                    if (!document.querySelector("[name=email_from]")) {
                        clearInterval(wait);
                        console.log("test successful");
                    }
                }, 100);
            }, 1500);
        """
        self.browser_js(f"{origin}/landing.html?utm_source=Landing%20Page&gclid=G-42", code, timeout=30)
        lead = self.env["crm.lead"].search([("email_from", "=", "static.page@example.com")])
        self.assertEqual(len(lead), 1)
        self.assertEqual((lead.contact_name, lead.gclid), ("Static Page Visitor", "G-42"))
        self.assertTrue(lead.landing_page.startswith(origin + "/landing.html"))
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_landing_page"))


@tagged("post_install", "-at_install", "lead_management_capture")
class TestMalformedRequests(CaptureHttpCase):
    """What the fuzz benchmark (bench/fuzz_capture.py) found: never a 500."""

    def test_nul_surrogates_nesting_and_patterns(self):
        cases = [
            ('{"contact_name": "Fuzz", "email_from\\u0000": "x"}', 422),
            ('{"national_id": "\\udc80\\ud800", "contact_name": "Fuzz"}', 422),
            ("[" * 1000 + "]" * 1000, 400),
            ('{"state": "\\\\", "contact_name": "Fuzz", "email_from": "s@example.com"}', 422),
            ('{"country": "%", "contact_name": "Fuzz", "email_from": "c@example.com"}', 422),
            ('{"country": "a\\\\", "contact_name": "Fuzz", "email_from": "c@example.com"}', 422),
            ('{"utm_source": "x\\\\", "email_from": "u@example.com"}', 201),
            ("{" + ", ".join(f'"k{i}": 1' for i in range(500)) + "}", 422),
        ]
        for raw, status in cases:
            with self.subTest(raw=raw[:60]):
                response = self.post_api(None, raw=raw)
                self.assertEqual(response.status_code, status, response.text[:300])
        self.assertFalse(self.env["crm.lead"].search([("email_from", "in", ("s@example.com", "c@example.com"))]))
        self.assertEqual(self.env["crm.lead"].search([("email_from", "=", "u@example.com")]).source_id,
                         self.env.ref("lead_management.utm_source_landing_page"))

    def test_form_token_origin_and_fill_time(self):
        self.assertEqual(self.post_form({"email_from": "t@example.com"}, token="tok%00en").status_code, 404)
        response = self.post_form({"email_from": "o@example.com"}, headers={"Origin": "https://evil\x00.example"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.post_form({"email_from": "nan@example.com", "lm_elapsed": "nan"}).status_code, 200)
        self.assertFalse(self.env["crm.lead"].search([("email_from", "=", "nan@example.com")]), "treated as spam")


@tagged("post_install", "-at_install", "lead_management_capture")
class TestIranianNumbersInAnotherCountry(CaptureHttpCase):
    """A company in the United States selling in Iran: the numbers its
    forms, its API and its telephone system receive are Iranian, written
    as dialled in Iran."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.us")
        cls.iran = cls.env.ref("base.ir")
        cls.form.phone_country_id = cls.env.ref("base.us")

    def test_web_form_reads_numbers_in_the_forms_country(self):
        self.assertEqual(self.env["lead.capture.form"].new({"name": "New"}).phone_country_id,
                         self.env.ref("base.us"), "the company's country by default")
        self.form.phone_country_id = self.iran
        response = self.post_form({"mobile": "۰۹۱۲ ۶۵۴ ۳۲۱۰", "contact_name": "Nasrin"})
        self.assertEqual(response.status_code, 200, response.text)
        lead = self.env["crm.lead"].search([("contact_name", "=", "Nasrin")])
        self.assertEqual((lead.mobile, lead.country_id, lead.phone_sanitized),
                         ("0912 654 3210", self.iran, "+989126543210"))
        self.assertEqual(self.post_form({"mobile": "+98 912 654 3210"}).status_code, 200)
        self.assertEqual(self.Log.search([("form_id", "=", self.form.id)], order="id").mapped("lead_id"), lead,
                         "the same person, however the number is written")

    def test_a_number_that_cannot_be_read_is_kept_as_typed(self):
        response = self.post_form({"mobile": "۰۹۱۲ ۶۵۴ ۳۲۱۰", "contact_name": "Kept As Typed"})
        self.assertEqual(response.status_code, 200, response.text)
        lead = self.env["crm.lead"].search([("contact_name", "=", "Kept As Typed")])
        self.assertEqual(lead.mobile, "0912 654 3210")
        note = "Mobile: 0912 654 3210 could not be read as a phone number; it is kept as typed."
        self.assertIn(note, "".join(lead.message_ids.mapped("body")))
        self.assertEqual(self.Log.search([("lead_id", "=", lead.id)]).note, note)

    def test_api_reads_numbers_in_the_settings_country(self):
        response = self.post_api({"mobile": "09126543211", "contact_name": "Api Kept"})
        self.assertEqual(response.status_code, 201, "kept as typed, not refused: " + response.text)
        self.env["ir.config_parameter"].set_param("lead_management.api_phone_country_id", str(self.iran.id))
        response = self.post_api({"mobile": "09126543212", "contact_name": "Api Read"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual((lead.country_id, lead.phone_sanitized), (self.iran, "+989126543212"))
        response = self.post_api({"mobile": "201 555 0123", "country": "US"})
        self.assertEqual(self.env["crm.lead"].browse(response.json()["lead_id"]).phone_sanitized, "+12015550123",
                         "the lead's own country first")

    def test_api_accepts_odoos_relational_field_names(self):
        tehran = self.env.ref("lead_management.state_ir_tehran")
        response = self.post_api({"email_from": "ids@example.com", "country_id": self.iran.id, "state_id": tehran.id})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual((lead.country_id, lead.state_id), (self.iran, tehran))
        response = self.post_api([
            {"email_from": "ids2@example.com", "country_id": 999999},
            {"email_from": "ids3@example.com", "country_id": self.iran.id,
             "state_id": self.env.ref("base.state_us_5").id},
        ])
        self.assertEqual(response.status_code, 422)
        self.assertEqual([set(result["errors"]) for result in response.json()["results"]],
                         [{"country_id"}, {"state_id"}])

    def test_calls_read_numbers_in_the_settings_country(self):
        api_user = self.api_user
        api_user.groups_id |= self.env.ref("sales_team.group_sale_salesman_all_leads")

        def post_call(caller, call_id):
            return self.url_open("/lead_management/api/v1/calls", data=json.dumps(
                {"caller": caller, "status": "answered", "call_id": call_id}), headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"})

        response = post_call("09126543213", "us-1")
        self.assertEqual(response.status_code, 201, "kept as typed, not refused: " + response.text)
        self.assertEqual(self.env["crm.lead"].browse(response.json()["lead_id"]).phone, "09126543213")
        self.env["ir.config_parameter"].set_param("lead_management.call_phone_country_id", str(self.iran.id))
        response = post_call("0912 654 3214", "ir-1")
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.env["crm.lead"].browse(response.json()["lead_id"])
        self.assertEqual((lead.phone, lead.country_id), ("+989126543214", self.iran))
        response = post_call("+98 912 654 3214", "ir-2")
        self.assertEqual((response.status_code, response.json()["lead_id"]), (200, lead.id))


@tagged("post_install", "-at_install", "lead_management_capture")
class TestCapturedLeadOwner(CaptureHttpCase):
    """Whoever sends them (a visitor, an API key's salesperson), captured
    leads are leads of nobody until their form's salesperson or routing
    decides, with the response-time target routing sets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = mail_new_test_user(cls.env, login="lm_owner_rep", name="Territory Rep",
                                     groups="base.group_user,sales_team.group_sale_salesman")
        cls.env["lead.territory"].search([]).active = False
        cls.env["lead.territory"].create({
            "name": "Iran", "team_id": cls.team.id, "user_ids": [(6, 0, cls.rep.ids)],
            "country_ids": [(6, 0, cls.env.ref("base.ir").ids)]})
        cls.env["lead.territory"].create({
            "name": "Everywhere else", "sequence": 99, "team_id": cls.team.id, "user_ids": [(6, 0, cls.rep.ids)]})

    def lead_of(self, email):
        return self.env["crm.lead"].search([("email_from", "=", email)])

    def assertRoutedWithTarget(self, lead):
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.rep, self.team))
        self.assertEqual(lead.sla_status, "pending")
        minutes = self.env["crm.lead"]._get_sla_minutes()[lead.temperature]
        self.assertEqual(lead.sla_deadline, fields.Datetime.now() + timedelta(minutes=minutes))
        first_contact = lead.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref("lead_management.mail_activity_type_first_contact"))
        self.assertEqual((first_contact.user_id, first_contact.summary), (self.rep, "First contact"))

    def test_web_form_lead_is_a_lead_of_nobody_without_routing(self):
        self.assertEqual(self.post_form({"contact_name": "Visitor", "email_from": "nobody@example.com"}).status_code,
                         200)
        lead = self.lead_of("nobody@example.com")
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.env["res.users"], self.team),
                         "not an opportunity of the public user")
        self.assertEqual(lead.sla_status, "none")

    @freeze_time("2026-03-02 09:00:00")
    def test_web_form_lead_routed_with_its_target(self):
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        self.assertEqual(self.post_form({"email_from": "routed@example.com"}).status_code, 200)
        lead = self.lead_of("routed@example.com")
        self.assertRoutedWithTarget(lead)
        self.assertEqual(lead.territory_id.name, "Everywhere else")
        self.assertTrue(lead.with_user(self.rep).has_access("write"), "the rep works on it")

    @freeze_time("2026-03-02 09:00:00")
    def test_form_salesperson_owns_the_lead_with_a_target(self):
        self.form.user_id = self.rep
        self.post_form({"email_from": "form-rep@example.com"})
        lead = self.lead_of("form-rep@example.com")
        self.assertRoutedWithTarget(lead)
        self.assertFalse(lead.territory_id, "the form's choice, not a territory's")

    def test_api_lead_is_not_the_key_owners(self):
        response = self.post_api({"email_from": "api-nobody@example.com"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.lead_of("api-nobody@example.com")
        self.assertEqual((lead.type, lead.user_id), ("lead", self.env["res.users"]))
        self.assertEqual(lead.create_uid, self.api_user)

    @freeze_time("2026-03-02 09:00:00")
    def test_api_lead_routed_by_territory_not_to_the_key_owner(self):
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        response = self.post_api({"email_from": "api-routed@example.com", "country": "IR"})
        self.assertEqual(response.status_code, 201, response.text)
        lead = self.lead_of("api-routed@example.com")
        self.assertRoutedWithTarget(lead)
        self.assertEqual(lead.territory_id.name, "Iran")
