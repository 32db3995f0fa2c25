import logging

from odoo import api, models
from odoo.addons.lead_management.models.crm_lead_capture import CAPTURE_FIELDS, capture_channel
from odoo.tools import html2plaintext

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("lead_management_chat") or len(vals_list) != 1:
            return super().create(vals_list)
        return self.with_context(lead_management_chat=False)._capture_chat(vals_list[0])

    @api.model
    def _get_capture_channels(self):
        return dict(super()._get_capture_channels(), chat=capture_channel(
            self.env._("Live Chat"), "lead_management.utm_source_live_chat", event_type="chat", lenient=True))

    @api.model
    def _capture_chat(self, vals):
        """The lead of a Live Chat conversation, through the capture
        pipeline: the visitor's e-mail and phone (or their contact's) are
        matched with the open leads; a new lead gets source Live chat and a
        chat event, a known person's lead the event and a note. A
        conversation the pipeline refuses (an anonymous visitor who left
        neither e-mail nor phone) is created as Odoo creates it, and its log
        entry keeps why.

        :param vals: the lead values of crm_livechat
        """
        payload, defaults = self._get_chat_payload(vals)
        # sudo: a chatbot creates its lead as the visitor (a public user)
        Lead = self.sudo()
        company = Lead.env["res.company"].browse(defaults.get("company_id")) \
            or Lead.env["crm.team"].browse(defaults.get("team_id")).company_id or self.env.company
        result, = Lead.with_company(company)._capture([payload], "chat", defaults=defaults)
        if result["lead_id"]:
            lead = self.browse(result["lead_id"])
            # sudo: the visitor's open lead may be another salesperson's; Live Chat only links to it
            return lead if lead.has_access("read") else lead.sudo()
        _logger.info("lead_management: chat lead created without matching: %s", result["errors"])
        lead = super().create([vals])
        # sudo: the log is written whoever chats
        self.env["lead.capture.log"].sudo().browse(result["log_id"]).write({"status": "created", "lead_id": lead.id})
        return lead

    @api.model
    def _get_chat_payload(self, vals):
        """Split crm_livechat's lead values into the capture payload (the
        visitor's e-mail, phone and name, from their contact when the lead
        has one) and the other values (name, team, contact...), kept as
        they are; Live Chat's own source becomes ours."""
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        payload = {
            "contact_name": partner.name or False,
            "email_from": vals.get("email_from") or partner.email or False,
            "phone": vals.get("phone") or partner.phone or False,
            "mobile": partner.mobile or False,
            "description": html2plaintext(vals["description"]) if vals.get("description") else False,
        }
        payload = {key: value for key, value in payload.items() if value and isinstance(value, str)}
        # user_id and team_id False included: Live Chat leaves the lead to routing
        defaults = {fname: value for fname, value in vals.items() if fname not in CAPTURE_FIELDS or fname == "name"}
        livechat_source = self.env.ref("crm_livechat.utm_source_livechat", raise_if_not_found=False)
        if livechat_source and defaults.get("source_id") == livechat_source.id:
            del defaults["source_id"]
        return payload, defaults
