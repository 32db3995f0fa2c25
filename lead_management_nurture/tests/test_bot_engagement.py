import base64
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged, users
from odoo.tools import config

from .common import MONDAY_MORNING, NurtureCase

IPHONE_MAIL = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Mobile/15E148")
PERSON = {"ip": "5.160.10.20", "user_agent": IPHONE_MAIL}
LATER = MONDAY_MORNING + timedelta(minutes=10)


class BotCase(NurtureCase):
    """A cadence e-mail with two links (and the hidden one), sent at
    MONDAY_MORNING to a lead scored 5 points per open and 10 per click."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_welcome.body_html = (
            '<p>Hello, see <a href="https://www.example.com/case">our case</a> and '
            '<a href="https://www.example.com/prices">our prices</a>.</p>')
        cls.env["lead.scoring.model"].create({
            "name": "Engagement", "sequence": 0, "team_ids": [(6, 0, cls.team_iran.ids)],
            "warm_threshold": 15, "hot_threshold": 60, "mql_threshold": 15, "sql_threshold": 90,
            "rule_ids": [
                (0, 0, {"name": "Opened", "kind": "engagement", "event_type": "email_open", "points": 5}),
                (0, 0, {"name": "Clicked", "kind": "engagement", "event_type": "email_click", "points": 10}),
            ],
        })

    def _send_cadence_mail(self, name):
        lead = self._create_nurtured_lead(name)
        with freeze_time(MONDAY_MORNING):
            self._enroll(lead)
            self._run_due()
            trace = self._trace(lead)
            # what the outgoing mail queue does once the SMTP server took the e-mail
            trace.set_sent()
        self.assertEqual(trace.sent_datetime, MONDAY_MORNING)
        return lead, trace

    def _links(self, trace):
        links = self.env["link.tracker"].search([("mass_mailing_id", "=", trace.mass_mailing_id.id)])
        by_url = {link.url.split("?")[0]: link for link in links}
        return by_url["https://www.example.com/case"], by_url["https://www.example.com/prices"], \
            links.filtered(lambda link: "lm_honeypot" in link.url)

    def _click(self, trace, link, client=None):
        client = client or PERSON
        self.env["link.tracker.click"].sudo().with_context(lead_engagement_client=client).add_click(
            link.code, ip=client["ip"], country_code="IR", mailing_trace_id=trace.id)

    def _open(self, trace, client=None):
        trace.with_context(lead_engagement_client=client or PERSON).set_opened()

    def _state(self, lead):
        """(event type, is machine, reason) of the lead's events, oldest first."""
        return [(event.event_type, event.is_machine, event.machine_reason or False)
                for event in lead.engagement_ids.sorted("id")]


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestBotEngagement(BotCase):
    """Opens and clicks of mail privacy proxies and scanners are kept,
    marked machine with their reason, and score no points."""

    def setUp(self):
        super().setUp()
        self.lead, self.trace = self._send_cadence_mail("Engaged")
        self.case, self.prices, self.honeypot = self._links(self.trace)

    def test_human_open_and_click_score(self):
        with freeze_time(LATER):
            self._open(self.trace)
            self._click(self.trace, self.case)
            self.lead.action_recompute_score()
        self.assertEqual(self._state(self.lead), [("email_open", False, False), ("email_click", False, False)])
        self.assertEqual(self.lead.score_engagement, 15)

    def test_open_too_soon_after_sending(self):
        with freeze_time(MONDAY_MORNING + timedelta(seconds=2)):
            self._open(self.trace)
            self.lead.action_recompute_score()
        self.assertEqual(self._state(self.lead), [("email_open", True, "too_fast")])
        self.assertEqual(self.lead.score_engagement, 0, "a machine's open is kept and scores nothing")
        self.assertEqual(self.lead.engagement_count, 1)
        with freeze_time(LATER):
            self._open(self.trace)
            self.lead.action_recompute_score()
        self.assertEqual(self._state(self.lead)[1], ("email_open", False, False),
                         "the person's own open after the proxy's is an event of its own")
        self.assertEqual(self.lead.score_engagement, 5)
        with freeze_time(LATER + timedelta(minutes=1)):
            self._open(self.trace)
        self.assertEqual(len(self.lead.engagement_ids), 2, "a person's second open is no new event")

    def test_click_too_soon_after_sending(self):
        with freeze_time(MONDAY_MORNING + timedelta(seconds=1)):
            self._click(self.trace, self.case)
            self.lead.action_recompute_score()
        self.assertEqual(self._state(self.lead), [("email_open", True, "too_fast"), ("email_click", True, "too_fast")])
        self.assertEqual(self.lead.score_engagement, 0)

    def test_open_from_apple_proxy(self):
        with freeze_time(LATER):
            self._open(self.trace, {"ip": "17.58.63.10", "user_agent": IPHONE_MAIL})
            other_lead, other_trace = self._send_cadence_mail("Apple user")
        with freeze_time(LATER):
            self._open(other_trace, {"ip": "5.160.10.21", "user_agent": "Mozilla/5.0"})
        self.assertEqual(self._state(self.lead), [("email_open", True, "apple_proxy")])
        self.assertEqual(self._state(other_lead), [("email_open", True, "apple_proxy")],
                         "the bare user agent of Apple's image proxy")

    def test_click_from_apple_address_is_a_person(self):
        """iCloud Private Relay: a person browsing from Apple's addresses."""
        with freeze_time(LATER):
            self._click(self.trace, self.case, {"ip": "17.58.63.10", "user_agent": IPHONE_MAIL})
        self.assertEqual(self._state(self.lead), [("email_open", False, False), ("email_click", False, False)])

    def test_scanner_user_agent(self):
        with freeze_time(LATER):
            self._click(self.trace, self.case,
                        {"ip": "40.107.1.1", "user_agent": "Mozilla/5.0 (compatible; bingbot/2.0)"})
        self.assertEqual(self._state(self.lead),
                         [("email_open", True, "scanner_agent"), ("email_click", True, "scanner_agent")])

    def test_all_links_clicked_at_once(self):
        with freeze_time(LATER):
            self._click(self.trace, self.case)
            self.assertFalse(self.lead.engagement_ids.filtered("is_machine"), "one link: a person, so far")
            self._click(self.trace, self.prices)
            self.lead.action_recompute_score()
        self.assertEqual(self._state(self.lead), [
            ("email_open", True, "all_links"), ("email_click", True, "all_links"), ("email_click", True, "all_links"),
        ], "the clicks of the burst, and the open they implied, are the scanner's")
        self.assertEqual(self.lead.score_engagement, 0)

    def test_all_links_clicked_slowly(self):
        with freeze_time(LATER):
            self._click(self.trace, self.case)
        # the clicks are dated by the database's clock: the first one a minute earlier
        self.env.cr.execute(
            "UPDATE link_tracker_click SET create_date = create_date - interval '1 minute' WHERE mailing_trace_id = %s",
            [self.trace.id])
        self.env["link.tracker.click"].invalidate_model(["create_date"])
        with freeze_time(LATER + timedelta(minutes=1)):
            self._click(self.trace, self.prices)
            self.lead.action_recompute_score()
        self.assertFalse(self.lead.engagement_ids.filtered("is_machine"))
        self.assertEqual(self.lead.score_engagement, 25)

    def test_honeypot_link_in_the_mail(self):
        self.assertTrue(self.honeypot, "the hidden link is tracked as the others")
        mail = self.env["mail.mail"].browse(self.trace.mail_mail_id_int)
        body = lxml_html.fromstring(mail._prepare_outgoing_body())
        [anchor] = [node for node in body.iter("a") if node.get("href", "").startswith(
            f"{self.honeypot.short_url}/m/{self.trace.id}")]
        hidden = [node for node in (anchor, *anchor.iterancestors()) if "display:none" in (node.get("style") or "")]
        self.assertTrue(hidden, "not shown to a person")
        self.assertEqual(anchor.get("aria-hidden"), "true", "not read out by screen readers")
        self.assertEqual(anchor.get("tabindex"), "-1", "not reached with the keyboard")
        self.assertFalse(anchor.text_content().strip())
        visible = [node for node in body.iter("a") if node is not anchor and "/r/" in node.get("href", "")]
        self.assertEqual(len(visible), 2)

    def test_honeypot_click(self):
        with freeze_time(LATER):
            self._click(self.trace, self.case)
            self._click(self.trace, self.honeypot)
            self.lead.action_recompute_score()
        self.assertEqual(self._state(self.lead), [
            ("email_open", True, "honeypot"), ("email_click", True, "honeypot"), ("email_click", True, "honeypot"),
        ])
        self.assertEqual(self.lead.score_engagement, 0)

    def test_other_leads_unaffected(self):
        """The rules are per e-mail: a scanner at one lead's mailbox leaves another's events be."""
        other_lead, other_trace = self._send_cadence_mail("Other reader")
        with freeze_time(LATER):
            self._click(other_trace, self.case)
            self._click(self.trace, self.case)
            self._click(self.trace, self.honeypot)
        self.assertFalse(other_lead.engagement_ids.filtered("is_machine"))
        self.assertTrue(all(self.lead.engagement_ids.mapped("is_machine")))

    def test_batch_of_opens(self):
        """Several traces opened at once (one request) are judged in a few queries."""
        leads_traces = [self._send_cadence_mail(f"Reader {index}") for index in range(5)]
        traces = self.env["mailing.trace"].concat(*(trace for _lead, trace in leads_traces))
        with freeze_time(LATER), self.assertQueryCount(30):
            traces.with_context(lead_engagement_client={"ip": "17.1.1.1", "user_agent": IPHONE_MAIL}).set_opened()
        for lead, _trace in leads_traces:
            self.assertEqual(self._state(lead), [("email_open", True, "apple_proxy")])

    @users("lm_salesman")
    def test_salesperson_sees_machine_events(self):
        with freeze_time(MONDAY_MORNING):
            self._open(self.trace.sudo())
        with freeze_time(LATER):
            self._click(self.trace.sudo(), self.case.sudo())
        lead = self.lead.with_user(self.env.user)
        Engagement = self.env["lead.engagement"]
        self.assertEqual(Engagement.search([("lead_id", "=", lead.id), ("is_machine", "=", True)]).machine_reason,
                         "too_fast")
        self.assertEqual(Engagement.search([("lead_id", "=", lead.id), ("is_machine", "=", False)]).mapped(
            "event_type"), ["email_click", "email_open"], "the person's click, and the open it implies")
        self.assertEqual(lead.engagement_count, 3)
        with self.assertRaises(AccessError):
            self.env["lead.nurture.bot.ranges.upload"].create({"file": base64.b64encode(b"1.0.0.0/8")})


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestBotSettings(BotCase):
    """The seconds and Apple's list, in the settings."""

    def _settings(self, **values):
        self.env["res.config.settings"].create(values).execute()
        return self.env["res.config.settings"].create({})

    def test_round_trip(self):
        params = self.env["ir.config_parameter"]
        Trace = self.env["mailing.trace"]
        settings = self.env["res.config.settings"].create({})
        self.assertEqual((settings.bot_open_seconds, settings.bot_click_seconds), (2, 2), "the defaults")
        settings = self._settings(bot_open_seconds=30, bot_click_seconds=5)
        self.assertEqual((settings.bot_open_seconds, settings.bot_click_seconds), (30, 5))
        self.assertEqual(params.get_param("lead_management.bot_open_seconds"), "30")
        self.assertEqual(params.get_param("lead_management.bot_click_seconds"), "5")
        self.assertEqual((Trace._get_bot_seconds("open"), Trace._get_bot_seconds("click")), (30, 5))
        lead, trace = self._send_cadence_mail("Slow proxy")
        with freeze_time(MONDAY_MORNING + timedelta(seconds=20)):
            self._open(trace)
        self.assertEqual(self._state(lead), [("email_open", True, "too_fast")], "within the 30 seconds set")
        settings = self._settings(bot_open_seconds=10, bot_click_seconds=5)
        self.assertEqual(Trace._get_bot_seconds("open"), 10)
        # cleared: back to the defaults
        settings = self._settings(bot_open_seconds=0, bot_click_seconds=0)
        self.assertFalse(params.get_param("lead_management.bot_open_seconds"))
        self.assertFalse(params.get_param("lead_management.bot_click_seconds"))
        self.assertEqual((settings.bot_open_seconds, settings.bot_click_seconds), (2, 2))
        self.assertEqual((Trace._get_bot_seconds("open"), Trace._get_bot_seconds("click")), (2, 2))

    def test_upload_apple_ranges(self):
        Trace = self.env["mailing.trace"]
        self.assertIn("17.1.1.1", Trace._get_apple_ranges(), "the shipped list")
        self.assertNotIn("104.28.0.1", Trace._get_apple_ranges())
        csv = b"104.28.0.0/24,DE,DE-BE,Berlin,\n104.28.1.0/24,DE,DE-BE,Berlin,\n2a02:26f7::/48,GB,GB-EN,London,\n"
        action = self.env["lead.nurture.bot.ranges.upload"].create({
            "file": base64.b64encode(csv), "filename": "egress-ip-ranges.csv"}).action_upload()
        self.assertEqual(action["params"]["message"], "2 IP ranges of Apple loaded.")
        ranges = Trace._get_apple_ranges()
        self.assertIn("104.28.1.200", ranges, "the uploaded list, at once")
        self.assertNotIn("17.1.1.1", ranges, "replaced, not added to")
        self.assertEqual(self.env.ref("lead_management_nurture.apple_egress_ranges").raw,
                         b"104.28.0.0/23\n2a02:26f7::/48\n")

    def test_upload_refuses_a_bad_file(self):
        Upload = self.env["lead.nurture.bot.ranges.upload"]
        with self.assertRaisesRegex(UserError, r"line 2, 4 of costs.csv .*CIDR"):
            Upload.create({"file": base64.b64encode(b"17.0.0.0/8\nCampaign,Cost\n\n12/03/2026,10\n"),
                           "filename": "costs.csv"}).action_upload()
        with self.assertRaisesRegex(UserError, "no IP range"):
            Upload.create({"file": base64.b64encode(b"# nothing\n"), "filename": "empty.csv"}).action_upload()
        with self.assertRaisesRegex(UserError, "not a UTF-8 CSV"):
            Upload.create({"file": base64.b64encode(b"\xff\xfe\x00x"), "filename": "x.xlsx"}).action_upload()
        self.assertIn("17.1.1.1", self.env["mailing.trace"]._get_apple_ranges(), "the list is unchanged")


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestBotEngagementHttp(HttpCase, BotCase):
    """Odoo's real tracking routes say who fetched them."""

    def test_pixel_from_apple_behind_the_proxy(self):
        """With --proxy-mode (as behind the project's reverse proxy), the
        address is the client's of X-Forwarded-For."""
        lead, trace = self._send_cadence_mail("Pixel reader")
        token = self.env["mail.mail"]._generate_mail_recipient_token(trace.mail_mail_id_int)
        headers = {"User-Agent": IPHONE_MAIL, "X-Forwarded-For": "17.58.63.10",
                   "X-Forwarded-Host": f"127.0.0.1:{self.http_port()}"}
        with patch.dict(config.options, {"proxy_mode": True}):
            response = self.url_open(f"/mail/track/{trace.mail_mail_id_int}/{token}/blank.gif", headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._state(lead), [("email_open", True, "apple_proxy")])

    def test_tracked_link_by_a_person_and_by_a_scanner(self):
        lead, trace = self._send_cadence_mail("Link reader")
        case, _prices, honeypot = self._links(trace)
        response = self.url_open(f"/r/{case.code}/m/{trace.id}", allow_redirects=False,
                                 headers={"User-Agent": IPHONE_MAIL})
        self.assertEqual(response.status_code, 301)
        self.assertEqual(self._state(lead), [("email_open", False, False), ("email_click", False, False)],
                         "a person, from the test client's own address")
        response = self.url_open(f"/r/{honeypot.code}/m/{trace.id}", allow_redirects=False,
                                 headers={"User-Agent": "Mozilla/5.0 (compatible; Barracuda Sentinel)"})
        self.assertEqual(response.status_code, 301)
        self.assertEqual(self._state(lead)[-1], ("email_click", True, "honeypot"))
