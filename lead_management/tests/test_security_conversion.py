from odoo.tests import Form, tagged, users

from .common import ConversionCase


@tagged("post_install", "-at_install", "lead_management_conversion", "lead_management_security")
class TestConversionHistoryPrivacy(ConversionCase):
    """Every employee reads the contacts: converting a lead copies onto its
    contact the messages exchanged with the customer, and its internal notes
    and attachments only when the salesperson includes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls._create_lead("Private history", user=cls.user_salesman, team=cls.team_iran,
                                    contact_name="Leila Private", email_from="leila@private.example")
        cls.brief = cls.env["ir.attachment"].create({
            "name": "margin.txt", "raw": b"our margin is 40%", "res_model": "crm.lead", "res_id": cls.lead.id})
        cls.lead.message_post(body="Internal: he pays late, keep the margin", message_type="comment",
                              subtype_xmlid="mail.mt_note", attachment_ids=cls.brief.ids)
        # a call logged by a telephone system: a notification with Odoo's default note subtype
        cls.lead.message_post(body="Inbound call, he sounded angry")
        cls.lead.message_post(body="Employees only: credit check failed", message_type="comment",
                              subtype_xmlid="mail.mt_comment", is_internal=True)
        cls.lead.message_post(body="Customer: please send the quote", message_type="email",
                              subtype_xmlid="mail.mt_comment")
        cls.lead.message_post(body="Salesperson: here is our quote", message_type="comment",
                              subtype_xmlid="mail.mt_comment")

    def _contact_history(self):
        """The contact's chatter as any employee reads it."""
        partner = self.lead.partner_id
        self.assertTrue(partner)
        messages = self.env["mail.message"].with_user(self.user_employee).search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)])
        attachments = self.env["ir.attachment"].with_user(self.user_employee).search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])
        return " ".join(messages.mapped("body")), messages, attachments

    @users("lm_salesman")
    def test_conversion_copies_customer_messages_only_by_default(self):
        wizard = self._wizard(self.lead.with_env(self.env))
        self.assertFalse(wizard.include_internal_notes)
        wizard.action_convert()
        bodies, messages, attachments = self._contact_history()
        self.assertIn("Customer: please send the quote", bodies)
        self.assertIn("Salesperson: here is our quote", bodies)
        self.assertIn("its messages with the customer are copied here", bodies)
        for private in ("he pays late", "he sounded angry", "credit check failed"):
            self.assertNotIn(private, bodies)
        self.assertFalse(attachments, "the lead's attachments stay on the lead")
        self.assertFalse(messages.attachment_ids)
        # nothing leaves the lead
        self.assertIn("he pays late", " ".join(self.lead.with_env(self.env).message_ids.mapped("body")))

    @users("lm_salesman")
    def test_conversion_copies_notes_and_attachments_when_included(self):
        self._wizard(self.lead.with_env(self.env), include_internal_notes=True).action_convert()
        bodies, messages, attachments = self._contact_history()
        for text in ("Customer: please send the quote", "he pays late", "he sounded angry", "credit check failed"):
            self.assertIn(text, bodies)
        self.assertEqual(attachments.mapped("name"), ["margin.txt"])
        self.assertEqual(messages.filtered(lambda message: "pays late" in message.body).attachment_ids, attachments)

    @users("lm_salesman")
    def test_wizard_form_offers_internal_notes_unticked(self):
        form = Form(self.env["lead.convert.wizard"].with_context(active_model="crm.lead", active_ids=self.lead.ids))
        self.assertFalse(form.include_internal_notes)
        form.partner_action = "none"
        self.assertTrue(form._get_modifier("include_internal_notes", "invisible"),
                        "nothing is copied without a customer")
