import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from .common import LeadManagementCase

NOW = "2026-03-02 09:00:00"


class CaptureCase(LeadManagementCase):
    """A scoring model where a form submission is worth 10 points, and a
    contact-us form of the Iran team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.scoring.model"].search([]).write({"active": False})
        cls.env["lead.scoring.model"].create({
            "name": "Capture", "engagement_half_life_days": 30,
            "rule_ids": [(0, 0, {"name": "Form", "kind": "engagement", "event_type": "form_submit", "points": 10}),
                         (0, 0, {"name": "Email", "kind": "engagement", "event_type": "email_reply", "points": 5})],
        })
        cls.Lead = cls.env["crm.lead"]
        cls.Log = cls.env["lead.capture.log"]
        cls.form = cls.env["lead.capture.form"].create({
            "name": "Contact us", "team_id": cls.team_iran.id,
            "field_ids": [Command.clear()] + [
                Command.create({"name": fname})
                for fname in ("contact_name", "email_from", "mobile", "national_id", "description")],
        })

    def capture(self, *payloads, channel="api", **kwargs):
        results = self.Lead._capture(list(payloads), channel, **kwargs)
        self.flush_deferred()
        return results


@tagged("post_install", "-at_install", "lead_management_capture")
class TestCaptureChannels(CaptureCase):
    """One registry of channels, extended by the bridges."""

    def test_registry_holds_every_channel(self):
        channels = self.Lead._get_capture_channels()
        self.assertLessEqual({"api", "web_form", "email", "import", "google_ads", "meta", "call"}, set(channels))
        keys = {"label", "event_type", "source_xmlid", "medium_xmlid", "lenient", "phone_country_param", "public"}
        event_types = dict(self.env["lead.engagement"]._fields["event_type"]._description_selection(self.env))
        for channel, values in channels.items():
            with self.subTest(channel=channel):
                self.assertEqual(set(values), keys)
                self.assertIn(values["event_type"], event_types)
                self.assertTrue(self.env.ref(values["source_xmlid"]))
        self.assertEqual(
            [channel for channel, _label in self.Log._fields["channel"]._description_selection(self.env)],
            list(channels), "the log's channels are the registry's")
        self.assertLessEqual(set(self.env["lead.capture.form"]._fields["channel"].get_values(self.env)),
                             set(channels))
        self.assertEqual((channels["meta"]["lenient"], channels["api"]["lenient"]), (True, False))
        self.assertEqual(channels["call"]["phone_country_param"], "lead_management.call_phone_country_id")
        self.assertEqual(self.Log._get_channel_label("call"), "Phone Call")
        self.env["res.lang"]._activate_lang("fa_IR")
        self.assertEqual(self.Log.with_context(lang="fa_IR")._get_channel_label("call"), "تماس تلفنی")

    def test_channel_of_a_form(self):
        form = self.env["lead.capture.form"].create({"name": "Meta", "channel": "meta"})
        self.assertEqual((form.source_id, form.medium_id), (self.env.ref("lead_management.utm_source_meta_ads"),
                                                            self.env.ref("lead_management.utm_medium_paid_social")))


@tagged("post_install", "-at_install", "lead_management_capture")
@freeze_time(NOW)
class TestCapturePipeline(CaptureCase):

    def test_new_lead_normalized_with_tracking(self):
        result, = self.capture({
            "contact_name": "علي رضائي", "email_from": " Ali.Rezaei@Example.COM ", "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
            "national_id": "۰۰۱۳۵۴۲۴۱۹", "utm_source": "Spring Newsletter", "utm_medium": "Email",
            "utm_campaign": "Spring 2026", "gclid": "G-1", "fbclid": "F-1", "referrer": "https://search.example/",
            "landing_page": "https://www.example.com/offer?utm_source=x",
        })
        self.assertEqual(result["status"], "created")
        self.assertFalse(result["errors"])
        lead = self.Lead.browse(result["lead_id"])
        self.assertEqual(lead.email_from, "ali.rezaei@example.com")
        self.assertEqual(lead.mobile, "09121234567")
        self.assertEqual(lead.phone_sanitized, "+989121234567")
        self.assertEqual(lead.national_id, "0013542419")
        self.assertEqual(lead.name, "علي رضائي")
        self.assertEqual(
            (lead.source_id.name, lead.medium_id.name, lead.campaign_id.name),
            ("Spring Newsletter", "Email", "Spring 2026"))
        self.assertEqual((lead.gclid, lead.fbclid, lead.referrer, lead.landing_page),
                         ("G-1", "F-1", "https://search.example/", "https://www.example.com/offer?utm_source=x"))
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["form_submit"])
        self.assertEqual(lead.score_engagement, 10)
        log = self.Log.browse(result["log_id"])
        self.assertEqual((log.channel, log.status, log.lead_id), ("api", "created", lead))
        self.assertEqual(json.loads(log.payload)["mobile"], "۰۹۱۲۱۲۳۴۵۶۷")

    def test_channel_source_when_no_utm(self):
        lead = self.Lead.browse(self.capture({"email_from": "noutm@example.com"})[0]["lead_id"])
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_landing_page"))
        lead = self.Lead.browse(self.capture(
            {"email_from": "form@example.com"}, channel="web_form", form=self.form)[0]["lead_id"])
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_website_form"))
        self.assertEqual(lead.team_id, self.team_iran)

    def test_match_on_each_key(self):
        existing = self._create_lead(
            "Known", email_from="known@example.com", mobile="+98 912 000 1111", phone="021 8888 1111",
            national_id="0013542419", vat="411111111111", external_id="crm-7")
        for key, value in [
            ("email_from", "KNOWN@example.com"),
            ("mobile", "۰۹۱۲۰۰۰۱۱۱۱"),
            ("phone", "+989120001111"),
            ("mobile", "٠٢١٨٨٨٨١١١١"),
            ("national_id", "۰۰۱-۳۵۴۲۴۱-۹"),
            ("vat", "4111 1111 1111"),
            ("external_id", "crm-7"),
        ]:
            with self.subTest(key=key, value=value):
                payload = {key: value}
                if key not in ("email_from", "phone", "mobile"):
                    payload["email_from"] = f"other-{key}@example.com"
                result, = self.capture(payload)
                self.assertEqual((result["status"], result["lead_id"]), ("matched", existing.id))
        self.assertEqual(self.Lead.search_count([("id", "!=", existing.id), ("email_from", "like", "other-")]), 0)

    def test_no_match_outside_window_closed_or_lost(self):
        old = self._create_lead("Old", email_from="old@example.com")
        won = self._create_lead("Won", email_from="won@example.com")
        won.action_set_won()
        lost = self._create_lead("Lost", email_from="lost@example.com")
        lost.action_set_lost()
        self.env.flush_all()
        self.env.cr.execute("UPDATE crm_lead SET write_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(days=91), old.id])
        for lead, email in ((old, "old@example.com"), (won, "won@example.com"), (lost, "lost@example.com")):
            with self.subTest(email=email):
                result, = self.capture({"email_from": email})
                self.assertEqual(result["status"], "created", email)
                self.assertNotEqual(result["lead_id"], lead.id)
                self.Lead.browse(result["lead_id"]).action_archive()
        self.env["ir.config_parameter"].set_param("lead_management.capture_match_days", "365")
        self.assertEqual(self.capture({"email_from": "old@example.com"})[0]["lead_id"], old.id)

    def test_merge_into_existing_fills_only_empty_fields(self):
        lead = self._create_lead("Typed by the rep", user=self.user_salesman, team=self.team_iran,
                                 email_from="rep@example.com", contact_name="Name Typed By Rep")
        score_before = lead.score_engagement
        result, = self.capture({
            "email_from": "rep@example.com", "contact_name": "Name From The Form", "mobile": "09121112233",
            "description": "<b>I want</b> <script>alert(1)</script> a quote", "city": "Tabriz",
        })
        self.assertEqual((result["status"], result["lead_id"]), ("matched", lead.id))
        self.assertEqual(lead.contact_name, "Name Typed By Rep")
        self.assertEqual(lead.name, "Typed by the rep")
        self.assertEqual((lead.mobile, lead.city), ("09121112233", "Tabriz"))
        self.assertEqual(lead.user_id, self.user_salesman)
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["form_submit"])
        self.assertEqual(lead.score_engagement, score_before + 10)
        note = lead.message_ids.filtered(lambda m: "submitted again" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Name From The Form", note.body)
        self.assertIn("&lt;script&gt;", note.body)
        self.assertNotIn("<script>", note.body)

    def test_same_person_twice_in_one_batch(self):
        first, second, other = self.capture(
            {"email_from": "twice@example.com"}, {"mobile": "09121230000", "email_from": "TWICE@example.com"},
            {"email_from": "other@example.com"})
        self.assertEqual(first["status"], "created")
        self.assertEqual((second["status"], second["lead_id"]), ("matched", first["lead_id"]))
        self.assertEqual(other["status"], "created")
        self.assertEqual(self.Lead.search_count([("email_normalized", "=", "twice@example.com")]), 1)

    def test_returning_customer(self):
        customer = self.env["res.partner"].create({"name": "Loyal Customer", "email": "loyal@example.com"})
        self._create_lead("Won deal", partner_id=customer.id).action_set_won()
        result, = self.capture({"email_from": "loyal@example.com", "contact_name": "Loyal"})
        self.assertEqual(result["status"], "created")
        lead = self.Lead.browse(result["lead_id"])
        self.assertEqual(lead.partner_id, customer)
        self.assertTrue(lead.is_returning_customer)
        prospect = self.env["res.partner"].create({"name": "Not a customer", "email": "prospect@example.com"})
        lead = self.Lead.browse(self.capture({"email_from": "prospect@example.com"})[0]["lead_id"])
        self.assertFalse(lead.partner_id == prospect or lead.is_returning_customer)
        self.env["ir.config_parameter"].set_param("lead_management.capture_match_customers", "False")
        other = self.env["res.partner"].create({"name": "Other Customer", "email": "loyal2@example.com",
                                                "customer_rank": 1})
        lead = self.Lead.browse(self.capture({"email_from": "loyal2@example.com"})[0]["lead_id"])
        self.assertFalse(lead.is_returning_customer or lead.partner_id == other)

    def test_idempotency_key_returns_first_answer(self):
        first, = self.capture({"email_from": "idem@example.com", "idempotency_key": "req-1"})
        again, = self.capture({"email_from": "idem@example.com", "idempotency_key": "req-1"})
        self.assertEqual((again["status"], again["lead_id"]), ("created", first["lead_id"]))
        self.assertEqual(self.Log.browse(again["log_id"]).status, "matched")
        self.assertEqual(self.Lead.browse(first["lead_id"]).engagement_count, 1)
        # keys are per sender: another form's key is another request
        other, = self.capture({"email_from": "idem@example.com", "idempotency_key": "req-1"},
                              channel="web_form", form=self.form)
        self.assertEqual(other["status"], "matched")

    def test_field_errors_are_named(self):
        result, = self.Lead._capture([{
            "email_from": "no-at-sign", "mobile": "not a phone", "national_id": "0013542410",
            "country": "Atlantis", "contact_name": "x" * 300, "budget": 10, "city": ["list"],
        }], "api")
        self.assertEqual(result["status"], "rejected")
        self.assertEqual(set(result["errors"]),
                         {"email_from", "country", "contact_name", "budget", "city", "national_id"},
                         "a phone that cannot be read is kept as typed, never refused")
        self.assertFalse(result["lead_id"])
        log = self.Log.browse(result["log_id"])
        self.assertEqual(log.status, "rejected")
        self.assertIn("E-mail: no-at-sign is not an e-mail address", log.error)
        self.assertIn("Contact Name: expected at most 128 characters, got 300.", log.error)

    def test_national_id_check_digit_and_contact_required(self):
        result, = self.capture({"national_id": "0013542410", "email_from": "nid@example.com"})
        self.assertIn("National ID", result["errors"]["national_id"])
        result, = self.capture({"contact_name": "No way to reach me"})
        self.assertIn("email_from", result["errors"])
        result, = self.capture("not an object")
        self.assertIn("__all__", result["errors"])

    def test_control_characters_and_lengths(self):
        result, = self.capture({"email_from": "ctl@example.com", "contact_name": "A\x00B\x1bC",
                                "description": "<b>line 1</b>\nline\x00 2"})
        lead = self.Lead.browse(result["lead_id"])
        self.assertEqual(lead.contact_name, "AB C", "NUL dropped, other controls as spaces")
        self.assertIn("&lt;b&gt;line 1&lt;/b&gt;<br>line 2", lead.description, "text, shown as typed")
        result, = self.capture({"email_from": "long@example.com", "description": "x" * 10001})
        self.assertEqual(list(result["errors"]), ["description"])

    def test_form_fields_required_and_consent(self):
        self.form.field_ids.filtered(lambda f: f.name == "contact_name").required = True
        self.form.consent_text = "You may call me."
        result, = self.capture({"email_from": "f@example.com", "city": "Tabriz"}, channel="web_form", form=self.form)
        self.assertEqual(set(result["errors"]), {"contact_name", "consent", "city"})
        result, = self.capture({"email_from": "f@example.com", "contact_name": "F", "consent": "on"},
                               channel="web_form", form=self.form)
        self.assertEqual(result["status"], "created")

    def test_public_form_does_not_create_utm_records(self):
        sources = self.env["utm.source"].search_count([])
        lead = self.Lead.browse(self.capture({"email_from": "u@example.com", "utm_source": "spam-source-123"},
                                             channel="web_form", form=self.form)[0]["lead_id"])
        self.assertEqual(self.env["utm.source"].search_count([]), sources)
        self.assertEqual(lead.source_id, self.form.source_id)

    def test_replay_a_corrected_submission(self):
        result, = self.capture({"email_from": "broken-address", "contact_name": "Replay Me"})
        log = self.Log.browse(result["log_id"])
        log.payload = json.dumps({"email_from": "fixed@example.com", "contact_name": "Replay Me"})
        log.action_replay()
        self.flush_deferred()
        self.assertEqual(log.status, "created")
        self.assertFalse(log.error)
        self.assertEqual(log.lead_id.email_from, "fixed@example.com")
        with self.assertRaises(UserError):
            log.action_replay()
        broken = self.Log.create({"channel": "api", "status": "rejected", "payload": "{not json"})
        with self.assertRaisesRegex(UserError, "not valid JSON"):
            broken.action_replay()

    def test_retention_purges_personal_data(self):
        result, = self.capture({"email_from": "gdpr@example.com"}, remote_addr="198.51.100.7")
        log = self.Log.browse(result["log_id"])
        self.env.cr.execute("UPDATE lead_capture_log SET create_date = %s WHERE id = %s",
                            [fields.Datetime.now() - timedelta(days=91), log.id])
        log.invalidate_recordset()
        self.Log._cron_purge_payloads()
        self.assertFalse(log.payload or log.remote_addr)
        self.assertEqual(log.status, "created")
        self.assertTrue(log.lead_id)

    def test_email_alias_attaches_to_the_open_lead(self):
        lead = self._create_lead("Mail lead", email_from="mailer@example.com")
        message = (
            "From: Mailer <MAILER@example.com>\r\nTo: sales@lm-test.example\r\nSubject: Another question\r\n"
            "Message-ID: <lm-capture-1@example.com>\r\nContent-Type: text/plain\r\n\r\nHow much is it?\r\n")
        thread_id = self.env["mail.thread"].message_process("crm.lead", message)
        self.assertEqual(thread_id, lead.id)
        self.assertIn("How much is it?", lead.message_ids[0].body)
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["email_reply"])
        new_id = self.env["mail.thread"].message_process("crm.lead", message.replace(
            "MAILER@example.com", "stranger@example.com").replace("lm-capture-1", "lm-capture-2"))
        self.assertNotEqual(new_id, lead.id)
        new = self.Lead.browse(new_id)
        self.assertEqual(new.source_id, self.env.ref("lead_management.utm_source_email"))
        logs = self.Log.search([("channel", "=", "email")], order="id")
        self.assertEqual(logs.mapped("status"), ["matched", "created"])

    def test_failed_lead_is_logged_and_the_batch_kept(self):
        result_ok, result_bad = self.capture(
            {"email_from": "ok@example.com"}, {"email_from": "bad@example.com", "national_id": "12345678901",
                                               "country": "GE", "state": "Nowhere"})
        self.assertEqual(result_ok["status"], "created")
        self.assertEqual(result_bad["status"], "rejected")
        self.assertIn("state", result_bad["errors"])


@tagged("post_install", "-at_install", "lead_management_capture", "is_query_count")
@freeze_time(NOW)
class TestCaptureQueries(CaptureCase):
    """What capture adds to Odoo's own create() of the same leads is a
    constant number of queries per batch: 10 payloads or 100."""

    def _payloads(self, count, prefix):
        return [{"contact_name": f"P {i}", "email_from": f"{prefix}{i}@example.com",
                 "mobile": f"0912{i:07d}", "utm_source": "Landing Page", "country": "IR"} for i in range(count)]

    def _count(self, func):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    @users("lm_salesman_all")
    def test_queries_added_to_create_are_constant(self):
        Lead = self.env["crm.lead"]
        source = self.env.ref("lead_management.utm_source_landing_page")
        Lead._capture(self._payloads(3, "warmup"), "api")
        added = []
        for count in (10, 100):
            captured = self._count(lambda count=count: Lead._capture(self._payloads(count, f"c{count}-"), "api"))
            created = self._count(lambda count=count: Lead.create([
                {"name": payload["contact_name"], "contact_name": payload["contact_name"],
                 "email_from": payload["email_from"], "mobile": payload["mobile"], "source_id": source.id,
                 "country_id": self.country_ir.id}
                for payload in self._payloads(count, f"n{count}-")]))
            added.append(captured - created)
        self.assertLessEqual(added[1], added[0] + 2, f"queries added to create(), 10 leads then 100: {added}")


@tagged("post_install", "-at_install", "lead_management_capture", "lead_management_security")
class TestCaptureAccess(CaptureCase):

    @users("lm_salesman")
    def test_salesman_cannot_replay(self):
        log = self.Log.sudo().create({"channel": "api", "status": "rejected", "api_user_id": self.env.uid,
                                      "payload": "{}"})
        log = log.with_user(self.env.user)
        log.read(["status"])
        with self.assertRaises(AccessError):
            log.action_replay()

    @users("lm_salesman")
    def test_salesman_does_not_see_the_form_token(self):
        form = self.form.with_user(self.env.user)
        self.assertEqual(form.read(["name"])[0]["name"], "Contact us")
        with self.assertRaises(AccessError):
            form.read(["token"])


@tagged("post_install", "-at_install", "lead_management_capture")
@freeze_time(NOW)
class TestCaptureOwner(CaptureCase):
    """Captured leads are leads of nobody, whoever captures them (the
    public user of a form, a key's salesperson, the superuser of a cron or
    of the mail gateway), until routing or their channel decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.territory"].search([]).active = False
        cls.env["lead.territory"].create({
            "name": "Iran", "team_id": cls.team_iran.id, "user_ids": [(6, 0, cls.user_salesman.ids)],
            "country_ids": [(6, 0, cls.country_ir.ids)]})
        cls.message = (
            "From: Stranger <stranger@example.com>\r\nTo: sales@lm-test.example\r\nSubject: A question\r\n"
            "Message-ID: <lm-owner-1@example.com>\r\nContent-Type: text/plain\r\n\r\nHow much is it?\r\n")

    def test_whoever_captures(self):
        for user in (self.env.ref("base.public_user"), self.env.ref("base.user_root"), self.user_salesman,
                     self.user_manager):
            with self.subTest(user=user.login):
                result, = self.Lead.with_user(user)._capture([{"email_from": f"who-{user.id}@example.com"}], "api")
                # named only to who may read every lead (see _capture_answers)
                lead = self.env["lead.capture.log"].browse(result["log_id"]).lead_id
                self.assertEqual((lead.type, lead.user_id, lead.team_id),
                                 ("lead", self.env["res.users"], self.env["crm.team"]))

    def test_opportunities_without_the_leads_feature(self):
        self.env.ref("base.group_user").implied_ids -= self.env.ref("crm.group_use_lead")
        result, = self.capture({"email_from": "no-leads@example.com"})
        lead = self.Lead.browse(result["lead_id"])
        self.assertEqual((lead.type, lead.user_id), ("opportunity", self.env["res.users"]))

    def test_routed_by_territory_with_a_target(self):
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        result, = self.Lead.with_user(self.user_manager)._capture([{"email_from": "r@example.com", "country": "IR"}],
                                                                   "api")
        self.flush_deferred()
        lead = self.Lead.browse(result["lead_id"])
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.user_salesman, self.team_iran))
        self.assertEqual(lead.sla_status, "pending")
        self.assertEqual(lead.activity_ids.user_id, self.user_salesman)

    def test_email_alias(self):
        # a team's alias says the type of Odoo's team settings; the mail gateway runs as the superuser
        lead = self.Lead.browse(self.env["mail.thread"].message_process(
            "crm.lead", self.message, custom_values={"type": "opportunity", "team_id": self.team_iran.id}))
        self.assertEqual((lead.type, lead.user_id, lead.team_id), ("lead", self.env["res.users"], self.team_iran))
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        self.env["lead.territory"].create({"name": "Everywhere", "sequence": 99, "team_id": self.team_iran.id,
                                           "user_ids": [(6, 0, self.user_salesman_other.ids)]})
        lead = self.Lead.browse(self.env["mail.thread"].message_process(
            "crm.lead", self.message.replace("stranger", "other").replace("owner-1", "owner-2")))
        self.flush_deferred()
        self.assertEqual((lead.type, lead.user_id, lead.sla_status), ("lead", self.user_salesman_other, "pending"))
