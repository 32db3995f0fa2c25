from odoo import Command
from odoo.addons.crm_livechat.tests import chatbot_common
from odoo.addons.lead_management.models.crm_lead_capture import CrmLead as CaptureLead
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged, users


@tagged("post_install", "-at_install", "lead_management_livechat")
class TestLivechatCapture(HttpCase):
    """The operator's /lead command goes through the capture pipeline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.operator = mail_new_test_user(
            cls.env, login="lm_chat_operator", name="Chat Operator",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,im_livechat.im_livechat_group_user")
        cls.env["bus.presence"].create({"user_id": cls.operator.id, "status": "online"})
        cls.livechat_channel = cls.env["im_livechat.channel"].create({
            "name": "Sales chat", "user_ids": [Command.link(cls.operator.id)],
        })
        cls.portal = mail_new_test_user(
            cls.env, login="lm_chat_portal", name="Parisa Portal", email="parisa@example.com",
            groups="base.group_portal")
        cls.source = cls.env.ref("lead_management.utm_source_live_chat")

    def _open_session(self, login=None):
        if login:
            self.authenticate(login, login)
        data = self.make_jsonrpc_request("/im_livechat/get_session", {
            "anonymous_name": "Visitor", "channel_id": self.livechat_channel.id, "persisted": True,
        })
        return self.env["discuss.channel"].browse(data["discuss.channel"][0]["id"]).with_user(self.operator)

    def test_chat_channel_declared_by_the_bridge(self):
        Lead = self.env["crm.lead"]
        self.assertNotIn("chat", CaptureLead._get_capture_channels(Lead), "not a channel of lead_management")
        chat = Lead._get_capture_channels()["chat"]
        self.assertEqual((chat["event_type"], chat["source_xmlid"], chat["lenient"]),
                         ("chat", "lead_management.utm_source_live_chat", True))
        self.assertEqual(self.env["lead.capture.log"]._get_channel_label("chat"), "Live Chat")

    def test_new_then_known_visitor(self):
        channel = self._open_session("lm_chat_portal")
        lead = channel._convert_visitor_to_lead(self.operator.partner_id, "/lead Price of the premium plan")
        self.assertEqual(lead.name, "Price of the premium plan")
        self.assertEqual(lead.partner_id, self.portal.partner_id)
        self.assertEqual(lead.email_from, "parisa@example.com")
        self.assertEqual(lead.source_id, self.source, "Live chat's own source became ours")
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["chat"])
        log = self.env["lead.capture.log"].search([("lead_id", "=", lead.id)])
        self.assertEqual((log.channel, log.status), ("chat", "created"))

        again = channel._convert_visitor_to_lead(self.operator.partner_id, "/lead Second question")
        self.assertEqual(again, lead, "the same person's open lead, not a duplicate")
        self.assertEqual(lead.name, "Price of the premium plan", "the salesperson's lead keeps its name")
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["chat", "chat"])
        self.assertEqual(self.env["lead.capture.log"].search_count(
            [("lead_id", "=", lead.id), ("status", "=", "matched"), ("channel", "=", "chat")]), 1)

    def test_operators_lead_is_a_lead_of_nobody(self):
        channel = self._open_session("lm_chat_portal")
        lead = channel._convert_visitor_to_lead(self.operator.partner_id, "/lead Who owns it")
        self.assertEqual((lead.type, lead.user_id, lead.team_id),
                         ("lead", self.env["res.users"], self.env["crm.team"]), "not the operator's")

    def test_anonymous_visitor_is_created_as_odoo_does(self):
        channel = self._open_session()
        lead = channel._convert_visitor_to_lead(self.operator.partner_id, "/lead Anonymous question")
        self.assertEqual(lead.name, "Anonymous question")
        self.assertFalse(lead.partner_id)
        log = self.env["lead.capture.log"].search([("lead_id", "=", lead.id)])
        self.assertEqual((log.channel, log.status), ("chat", "created"), "kept in the log, with why it was refused")
        self.assertIn("E-mail", log.error)


@tagged("post_install", "-at_install", "lead_management_livechat")
class TestChatbotCapture(chatbot_common.CrmChatbotCase):
    """A chatbot's lead goes through the pipeline; a number that is no phone
    number is kept as the visitor typed it."""

    @users("user_public")
    def test_chatbot_lead(self):
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "False")
        data = self.make_jsonrpc_request("/im_livechat/get_session", {
            "anonymous_name": "Test Visitor", "channel_id": self.livechat_channel.id,
            "chatbot_script_id": self.chatbot_script.id, "user_id": self.user_public.id,
        })
        channel = self.env["discuss.channel"].sudo().browse(data["discuss.channel"][0]["id"])
        self._post_answer_and_trigger_next_step(
            channel, self.step_dispatch_create_lead.name, chatbot_script_answer=self.step_dispatch_create_lead)
        self._post_answer_and_trigger_next_step(channel, "bot-visitor@example.com")
        self._post_answer_and_trigger_next_step(channel, "123456")
        lead = self.env["crm.lead"].sudo().search([("email_from", "=", "bot-visitor@example.com")])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.phone, "123456")
        self.assertEqual(lead.source_id, self.chatbot_script.source_id, "the chatbot's own source is kept")
        self.assertEqual(lead.team_id, self.sale_team)
        self.assertEqual(lead.engagement_ids.mapped("event_type"), ["chat"])
        self.assertEqual(lead.capture_log_ids.channel, "chat")

    @users("user_public")
    def test_chatbot_lead_belongs_to_nobody(self):
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "False")
        self.assertFalse(self.sale_team.sudo().use_leads)
        data = self.make_jsonrpc_request("/im_livechat/get_session", {
            "anonymous_name": "Test Visitor", "channel_id": self.livechat_channel.id,
            "chatbot_script_id": self.chatbot_script.id, "user_id": self.user_public.id,
        })
        channel = self.env["discuss.channel"].sudo().browse(data["discuss.channel"][0]["id"])
        self._post_answer_and_trigger_next_step(
            channel, self.step_dispatch_create_lead.name, chatbot_script_answer=self.step_dispatch_create_lead)
        self._post_answer_and_trigger_next_step(channel, "bot-nobody@example.com")
        self._post_answer_and_trigger_next_step(channel, "+98 912 555 0101")
        lead = self.env["crm.lead"].sudo().search([("email_from", "=", "bot-nobody@example.com")])
        self.assertEqual((lead.type, lead.user_id, lead.team_id),
                         ("opportunity", self.env["res.users"], self.sale_team),
                         "nobody's, in the chatbot's team, which works without leads (as in Odoo)")
