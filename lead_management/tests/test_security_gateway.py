from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import tagged
from odoo.tests.common import HttpCase, JsonRpcException


@tagged("post_install", "-at_install")
class TestMailGatewayNotAnApi(HttpCase):
    """crm.lead.message_new and message_update are the mail gateway's entry
    points: over JSON-RPC they would tell whether an address is in the CRM
    and add engagement to a lead the caller may not read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = mail_new_test_user(
            cls.env, login="lm_gw_owner", groups="base.group_user,sales_team.group_sale_salesman")
        cls.users = {
            "portal": mail_new_test_user(cls.env, login="lm_gw_portal", groups="base.group_portal"),
            "employee": mail_new_test_user(cls.env, login="lm_gw_employee", groups="base.group_user"),
            "salesperson": mail_new_test_user(
                cls.env, login="lm_gw_salesman", groups="base.group_user,sales_team.group_sale_salesman"),
        }
        cls.email = "known.person@gateway.example"
        cls.lead = cls.env["crm.lead"].create({
            "name": "Known person", "type": "lead", "email_from": cls.email, "user_id": cls.owner.id})

    def _counts(self):
        return (self.env["lead.engagement"].search_count([("lead_id", "=", self.lead.id)]),
                self.env["lead.capture.log"].search_count([("channel", "=", "email")]))

    def _call_kw(self, method, args):
        return self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "crm.lead", "method": method, "args": args, "kwargs": {}})

    def test_message_new_and_update_refused_over_rpc(self):
        before = self._counts()
        msg = {"email_from": self.email, "from": self.email, "subject": "x"}
        for label, user in self.users.items():
            self.authenticate(user.login, user.login)
            for method, args in (("message_new", [msg]), ("message_update", [[self.lead.id], msg])):
                with self.subTest(user=label, method=method), \
                        self.assertRaises(JsonRpcException) as refused:
                    self._call_kw(method, args)
                self.assertEqual(refused.exception.args[0], "odoo.exceptions.AccessError")
        self.assertEqual(self._counts(), before, "no engagement event nor capture log row")

    def test_message_process_refused_over_rpc(self):
        """mail.thread.message_process routes as the superuser: over RPC it
        is the administrators' (Odoo's mailgate script), not any user's."""
        before = self._counts()
        message = (
            f"From: Known <{self.email}>\r\nTo: nobody@lm-gateway.example\r\nSubject: x\r\n"
            "Message-ID: <lm-gateway-rpc@example.com>\r\nContent-Type: text/plain\r\n\r\nx\r\n")
        for label, user in self.users.items():
            self.authenticate(user.login, user.login)
            with self.subTest(user=label), self.assertRaises(JsonRpcException) as refused:
                self.make_jsonrpc_request("/web/dataset/call_kw", {
                    "model": "mail.thread", "method": "message_process", "args": ["crm.lead", message],
                    "kwargs": {}})
            self.assertEqual(refused.exception.args[0], "odoo.exceptions.AccessError")
        self.assertEqual(self._counts(), before, "no engagement event nor capture log row")
        self.authenticate("admin", "admin")
        thread_id = self.make_jsonrpc_request("/web/dataset/call_kw", {
            "model": "mail.thread", "method": "message_process", "args": ["crm.lead", message], "kwargs": {}})
        self.assertEqual(thread_id, self.lead.id, "an administrator's mailgate still delivers")

    def test_mail_gateway_still_captures(self):
        before_events, before_logs = self._counts()
        message = (
            f"From: Known <{self.email}>\r\nTo: sales@lm-gateway.example\r\nSubject: A question\r\n"
            "Message-ID: <lm-gateway-1@example.com>\r\nContent-Type: text/plain\r\n\r\nHow much?\r\n")
        thread_id = self.env["mail.thread"].message_process("crm.lead", message)
        self.assertEqual(thread_id, self.lead.id)
        self.assertEqual(self._counts(), (before_events + 1, before_logs + 1))
