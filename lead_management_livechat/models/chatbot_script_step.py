from odoo import models


class ChatbotScriptStep(models.Model):
    _inherit = "chatbot.script.step"

    def _process_step_create_lead(self, discuss_channel):
        """A chatbot's "create lead" step: the lead goes through the
        capture pipeline (see crm.lead._capture_chat)."""
        return super(ChatbotScriptStep, self.with_context(lead_management_chat=True))._process_step_create_lead(
            discuss_channel)
