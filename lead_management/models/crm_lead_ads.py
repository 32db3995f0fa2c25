from odoo import api, fields, models

from ..tools import ads
from .crm_lead_capture import CAPTURE_EXTRA_FIELDS, CAPTURE_FIELDS


class CrmLead(models.Model):
    """Ad platforms' lead forms (Google Ads, Meta Lead Ads) as payloads of
    the capture pipeline."""

    _inherit = "crm.lead"

    @api.model
    def _get_google_ads_payload(self, data):
        """The capture payload of a Google Ads lead form's lead: the
        standard columns as lead fields, the other questions and the ad's
        ids in the description, ``lead_id`` as idempotency key (Google
        retries)."""
        payload, questions = ads.answers_to_payload(ads.google_answers(data), ads.GOOGLE_COLUMNS)
        ids = [(self.env._("Campaign ID"), data.get("campaign_id")),
               (self.env._("Ad Group ID"), data.get("adgroup_id")),
               (self.env._("Creative ID"), data.get("creative_id")),
               (self.env._("Lead Form ID"), data.get("form_id"))]
        return self._get_ads_payload(payload, questions, ids, str(data["lead_id"]), gclid=data.get("gcl_id"))

    @api.model
    def _get_meta_payload(self, data):
        """The capture payload of a Meta lead (a ``leadgen`` change with
        its ``field_data``, or the Graph API's lead): as Google's."""
        payload, questions = ads.answers_to_payload(ads.meta_answers(data.get("field_data")), ads.META_FIELDS)
        ids = [(self.env._("Campaign ID"), data.get("campaign_id")),
               (self.env._("Ad Set ID"), data.get("adgroup_id")),
               (self.env._("Ad ID"), data.get("ad_id")),
               (self.env._("Lead Form ID"), data.get("form_id")),
               (self.env._("Page ID"), data.get("page_id"))]
        return self._get_ads_payload(payload, questions, ids, str(data.get("leadgen_id") or data.get("id") or ""))

    @api.model
    def _get_ads_payload(self, payload, questions, ids, lead_id, gclid=None):
        lines = [f"{question}: {answer}" for question, answer in questions]
        lines += [f"{label}: {value}" for label, value in ids if value not in (None, "", False)]
        if lines:
            payload["description"] = "\n".join(lines)[:CAPTURE_FIELDS["description"]]
        if gclid:
            payload["gclid"] = str(gclid)[:CAPTURE_EXTRA_FIELDS["gclid"]]
        if lead_id:
            payload["external_id"] = payload["idempotency_key"] = lead_id[:CAPTURE_EXTRA_FIELDS["external_id"]]
        return payload

    @api.model
    def _capture_ads_test(self, form, channel, data, remote_addr=None):
        """A test lead sent from the ad platform: logged with its payload
        and shown on the form, never made a lead, routed or counted."""
        # sudo: the webhook's public request writes the form's last test and the log
        form.sudo().test_received_date = fields.Datetime.now()
        return self.env["lead.capture.log"].sudo().create({
            "channel": channel, "status": "test", "form_id": form.id, "team_id": form.team_id.id,
            "payload": self.env["lead.capture.log"]._dump_payload(data), "remote_addr": remote_addr or False,
        })
