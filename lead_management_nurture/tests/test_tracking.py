from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import MONDAY_MORNING, NurtureCase

REPLY = """Return-Path: <{email_from}>
From: {email_from}
To: sales@company.example.com
Subject: Re: Welcome
Message-ID: <reply-1@example.com>
In-Reply-To: {message_id}
References: {message_id}
Content-Type: text/plain; charset="utf-8"

Sounds interesting, call me.
"""


@tagged("post_install", "-at_install", "lead_management_nurture")
@freeze_time(MONDAY_MORNING)
class TestTracking(NurtureCase):
    """Opens, clicks and replies of cadence e-mails become engagement events
    that move the score; replies and bounces end the cadence."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scoring_model = cls.env["lead.scoring.model"].create({
            "name": "Engagement", "sequence": 0, "team_ids": [(6, 0, cls.team_iran.ids)],
            "warm_threshold": 15, "hot_threshold": 60, "mql_threshold": 15, "sql_threshold": 90,
            "rule_ids": [
                (0, 0, {"name": "Opened", "kind": "engagement", "event_type": "email_open", "points": 5}),
                (0, 0, {"name": "Clicked", "kind": "engagement", "event_type": "email_click", "points": 10}),
            ],
        })

    def setUp(self):
        super().setUp()
        self.lead = self._create_nurtured_lead("Engaged")
        self.enrollment = self._enroll(self.lead)
        self._run_due()
        self.trace = self._trace(self.lead)

    def _events(self, event_type):
        return self.lead.engagement_ids.filtered(lambda e: e.event_type == event_type)

    def test_open_and_click_feed_engagement_and_score(self):
        self.lead.action_recompute_score()
        self.assertEqual(self.lead.score, 0)
        self.trace.set_opened()
        self.trace.set_opened()
        self.assertEqual(len(self._events("email_open")), 1, "a second open of the same e-mail is no new event")
        self.assertEqual(self._events("email_open").note, "Cold leads / Welcome")
        self.env["mailing.trace"].set_clicked(domain=[("id", "=", self.trace.id)])
        self.assertEqual(len(self._events("email_click")), 1)
        self.lead.action_recompute_score()
        self.assertEqual(self.lead.score_engagement, 15)
        self.assertEqual(self.lead.temperature, "warm")
        self.assertEqual(self.lead.lifecycle_stage, "mql")
        self.assertEqual(self.enrollment.state, "active", "opening and clicking keep the lead in the cadence")

    def test_click_through_the_link_tracker(self):
        link = self.env["link.tracker"].search([("url", "=", "https://www.example.com/case")])
        self.assertTrue(link, "the link of the template is tracked")
        self.env["link.tracker.click"].sudo().add_click(
            link.code, ip="127.0.0.1", country_code="IR", mailing_trace_id=self.trace.id)
        self.assertEqual(len(self._events("email_open")), 1, "a click implies an open")
        self.assertEqual(len(self._events("email_click")), 1)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_reply_exits_and_is_an_engagement_event(self):
        self.env["mail.thread"].message_process(False, REPLY.format(
            email_from=self.lead.email_from, message_id=self.trace.message_id))
        self.assertEqual(self.trace.trace_status, "reply")
        self.assertEqual(len(self._events("email_reply")), 1)
        self.assertEqual(self.enrollment.state, "exited")
        self.assertEqual(self.enrollment.exit_reason, "replied")

    def test_bounce_exits(self):
        self.trace.set_bounced(bounce_message="mailbox unknown")
        self.assertEqual(self.enrollment.exit_reason, "bounced")

    def test_other_mailings_do_not_feed_engagement(self):
        mailing = self.env["mailing.mailing"].create({
            "name": "Newsletter", "subject": "News", "mailing_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "body_html": "<p>News</p>"})
        trace = self.env["mailing.trace"].create({
            "mass_mailing_id": mailing.id, "model": "crm.lead", "res_id": self.lead.id, "email": self.lead.email_from})
        trace.set_opened()
        trace.set_replied()
        self.assertFalse(self._events("email_open"))
        self.assertEqual(self.enrollment.state, "active")


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestTrackingHttp(HttpCase, NurtureCase):
    """The real tracking routes of Odoo's mass mailing, over HTTP, as the
    public user: the open pixel and the tracked link."""

    def test_pixel_and_tracked_link(self):
        lead = self._create_nurtured_lead("Web reader")
        with freeze_time(MONDAY_MORNING):
            self._enroll(lead)
            self._run_due()
        trace = self._trace(lead)
        token = self.env["mail.mail"]._generate_mail_recipient_token(trace.mail_mail_id_int)
        response = self.url_open(f"/mail/track/{trace.mail_mail_id_int}/{token}/blank.gif")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/gif")
        forged = self.url_open(f"/mail/track/{trace.mail_mail_id_int}/forged/blank.gif")
        self.assertEqual(forged.status_code, 401)
        link = self.env["link.tracker"].search([("url", "=", "https://www.example.com/case")])
        response = self.url_open(f"/r/{link.code}/m/{trace.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].startswith("https://www.example.com/case?utm_"))
        events = lead.engagement_ids
        self.assertEqual(sorted(events.mapped("event_type")), ["email_click", "email_open"])

    def test_one_click_unsubscribe_exits(self):
        lead = self._create_nurtured_lead("Unsubscriber")
        with freeze_time(MONDAY_MORNING):
            enrollment = self._enroll(lead)
            self._run_due()
        mailing = self._trace(lead).mass_mailing_id
        url = mailing._get_unsubscribe_oneclick_url(lead.email_normalized, lead.id)
        # what a mail client posts for RFC 8058's one-click unsubscribe
        one_click = {"List-Unsubscribe": "One-Click"}
        self.assertEqual(self.url_open(url, data=one_click).status_code, 200)
        self.assertTrue(lead.is_blacklisted)
        self.assertEqual((enrollment.state, enrollment.exit_reason), ("exited", "unsubscribed"))

