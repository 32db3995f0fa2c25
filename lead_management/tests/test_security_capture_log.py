import json

from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import LeadManagementCase
from .test_ads_http import AdsHttpCase

#: what a submission carries: personal data a salesperson of another lead must not read
PAYLOAD = json.dumps({"email_from": "leila.ahmadi@example.com", "national_id": "2914177763",
                      "description": "Call me after my surgery"})


@tagged("post_install", "-at_install", "lead_management_security")
class TestCaptureLogAccess(LeadManagementCase):
    """The capture log follows crm.lead's rules: a salesperson reads the
    submissions of the leads he may read (and his own key's refused ones),
    the "all leads" group reads them all; what was submitted (the payload,
    the sender's address) is for sales managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.form_iran = cls.env["lead.capture.form"].create({"name": "Iran form", "team_id": cls.team_iran.id})
        company_b = cls.env["res.company"].create({"name": "LM Other Company"})
        cls.lead_company_b = cls._create_lead("Company B lead", company_id=company_b.id)
        Log = cls.env["lead.capture.log"]
        common = {"channel": "web_form", "form_id": cls.form_iran.id, "team_id": cls.team_iran.id,
                  "payload": PAYLOAD, "remote_addr": "203.0.113.7"}
        cls.log_own = Log.create({**common, "status": "created", "lead_id": cls.lead_own.id})
        cls.log_unassigned = Log.create({**common, "status": "matched", "lead_id": cls.lead_unassigned.id})
        # a teammate's lead, through the team's form: the leak of the issue
        cls.log_other = Log.create({**common, "status": "created", "lead_id": cls.lead_other.id})
        # a lead routed to a teammate, sent with the salesperson's own key
        cls.log_own_key_other_lead = Log.create({
            "channel": "api", "status": "matched", "lead_id": cls.lead_other.id,
            "api_user_id": cls.user_salesman.id, "payload": PAYLOAD})
        cls.log_own_key_refused = Log.create({
            "channel": "api", "status": "rejected", "api_user_id": cls.user_salesman.id, "payload": PAYLOAD})
        cls.log_other_key_refused = Log.create({
            "channel": "api", "status": "rejected", "api_user_id": cls.user_salesman_other.id, "payload": PAYLOAD})
        cls.log_form_refused = Log.create({**common, "status": "rejected"})
        cls.log_company_b_lead = Log.create({**common, "status": "created", "lead_id": cls.lead_company_b.id})
        cls.logs = cls.log_own | cls.log_unassigned | cls.log_other | cls.log_own_key_other_lead \
            | cls.log_own_key_refused | cls.log_other_key_refused | cls.log_form_refused | cls.log_company_b_lead

    def _readable_logs(self):
        return self.env["lead.capture.log"].search([("id", "in", self.logs.ids)])

    def _assert_no_payload(self):
        """Neither the payload nor the address can be read, searched or
        grouped, while the log's list and form open."""
        Log = self.env["lead.capture.log"]
        log = self._readable_logs()[:1]
        self.assertTrue(log)
        for fname in ("payload", "remote_addr"):
            with self.subTest(fname=fname), self.assertRaises(AccessError):
                log.read([fname])
            with self.subTest(fname=fname), self.assertRaises(AccessError):
                Log.search([(fname, "ilike", "2914177763")])
        views = Log.get_views([(False, "list"), (False, "form"), (False, "search")])
        fields_ = views["models"]["lead.capture.log"]["fields"]
        self.assertNotIn("payload", fields_)
        self.assertNotIn("remote_addr", fields_)
        for view in views["views"].values():
            self.assertNotIn('name="payload"', view["arch"])
        record = log.web_read({fname: {} for fname in fields_ if fname not in ("id",)})[0]
        self.assertEqual(record["id"], log.id)
        self.assertNotIn("2914177763", str(record))
        self.assertEqual(Log.web_search_read([("id", "in", log.ids)], {"status": {}})["length"], 1)

    @users("lm_salesman")
    def test_salesman_reads_the_logs_of_the_leads_he_may_read(self):
        self.assertEqual(self._readable_logs(), self.log_own | self.log_unassigned | self.log_own_key_refused)
        for log in (self.log_other, self.log_own_key_other_lead, self.log_other_key_refused, self.log_form_refused):
            with self.subTest(log=log.id), self.assertRaises(AccessError):
                log.with_env(self.env).read(["status"])

    @users("lm_salesman")
    def test_salesman_reads_no_payload(self):
        self._assert_no_payload()

    @users("lm_salesman_all")
    def test_all_leads_salesman_reads_every_log_but_no_payload(self):
        self.assertEqual(self._readable_logs(), self.logs - self.log_company_b_lead)
        self._assert_no_payload()

    @users("lm_manager")
    def test_manager_reads_every_log_and_its_payload(self):
        self.assertEqual(self._readable_logs(), self.logs - self.log_company_b_lead,
                         "not the submission of another company's lead")
        self.assertEqual(self.log_other.with_env(self.env).read(["payload"])[0]["payload"], PAYLOAD)
        self.assertEqual(self.env["lead.capture.log"].search([("payload", "ilike", "2914177763"),
                                                              ("id", "in", self.logs.ids)]),
                         self.logs - self.log_company_b_lead)
        self.assertIn("payload", self.env["lead.capture.log"].get_views([(False, "form")])["models"][
            "lead.capture.log"]["fields"])


@tagged("post_install", "-at_install", "lead_management_capture")
class TestCaptureLogSecrets(AdsHttpCase):
    """No stored payload keeps a secret, whatever the request."""

    def _last_refused(self):
        return self.Log.search([("channel", "=", "google_ads"), ("status", "=", "rejected")], limit=1)

    def test_google_ads_key_to_an_unknown_token_is_not_stored(self):
        lead = self.google_lead(key="leaked-google-key-4711")
        response = self.post_google(lead, token="unknownToken0123456789")
        self.assertEqual(response.status_code, 404)
        log = self._last_refused()
        self.assertIn("Unknown or archived form token", log.error)
        self.assertNotIn("leaked-google-key-4711", log.payload)
        self.assertEqual(json.loads(log.payload)["google_key"], "***")
        self.assertEqual(json.loads(log.payload)["lead_id"], "G-1", "the rest of the request is kept")

    def test_form_encoded_key_to_an_unknown_token_is_not_stored(self):
        response = self.url_open("/lead_management/webhook/google_ads/unknownToken0123456789",
                                 data="lead_id=G-2&google_key=leaked-google-key-4711&api_key=other-secret",
                                 headers={"Content-Type": "text/plain"})
        self.assertEqual(response.status_code, 404)
        log = self._last_refused()
        self.assertEqual(log.payload, "lead_id=G-2&google_key=***&api_key=***")
