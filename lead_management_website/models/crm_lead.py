import logging

from odoo import api, models
from odoo.addons.lead_management.models.crm_lead_capture import CAPTURE_FIELDS, capture_channel
from odoo.tools import html2plaintext

_logger = logging.getLogger(__name__)

#: what a website form's submission says besides the lead's values
SUBMISSION_KEYS = ("utm_source", "utm_medium", "utm_campaign", "landing_page")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model_create_multi
    def create(self, vals_list):
        submission = self.env.context.get("lead_management_website_form")
        if not submission or len(vals_list) != 1:
            return super().create(vals_list)
        return self.with_context(lead_management_website_form=False)._capture_website_form(vals_list[0], submission)

    @api.model
    def _get_capture_channels(self):
        return dict(super()._get_capture_channels(), website_form=capture_channel(
            self.env._("Website Contact Form"), "lead_management.utm_source_website_form"))

    @api.model
    def _capture_website_form(self, vals, submission):
        """The lead of a website contact form's submission, through the
        capture pipeline: a new lead, or the open lead of the same person.
        A submission the pipeline refuses (no e-mail nor phone, say) is
        created as Odoo creates it, and its log entry keeps why.

        :param vals: the lead values of Odoo's website form
        :param submission: ``utm_source``, ``utm_medium``, ``utm_campaign``
            (the visitor's utm cookies), ``landing_page`` and ``remote_addr``
        """
        payload, defaults = self._get_website_form_payload(vals, submission)
        company = self.env["res.company"].browse(defaults.get("company_id")) or self.env.company
        # sudo: the website creates its leads as superuser; with_company needs no access check then
        result, = self.sudo().with_company(company)._capture(
            [payload], "website_form", remote_addr=submission.get("remote_addr"), defaults=defaults)
        if result["lead_id"]:
            return self.browse(result["lead_id"])
        _logger.info("lead_management: website form submission created without matching: %s", result["errors"])
        lead = super().create([vals])
        # sudo: the log is written whoever submits the form
        self.env["lead.capture.log"].sudo().browse(result["log_id"]).write({"status": "created", "lead_id": lead.id})
        return lead

    @api.model
    def _get_website_form_payload(self, vals, submission):
        """Split a website form's lead values into the capture payload (the
        visitor's texts, country, state and language by code) and the other
        values, kept as they are."""
        payload = {fname: vals[fname] for fname in CAPTURE_FIELDS
                   if fname != "description" and vals.get(fname) and isinstance(vals[fname], str)}
        if vals.get("description"):
            payload["description"] = html2plaintext(vals["description"])
        country = self.env["res.country"].browse(vals.get("country_id"))
        state = self.env["res.country.state"].browse(vals.get("state_id"))
        if state:
            payload["state"] = state.code
            country = country or state.country_id
        if country:
            payload["country"] = country.code
        if vals.get("lang_id"):
            payload["lang"] = self.env["res.lang"].browse(vals["lang_id"]).code
        payload.update({key: submission[key] for key in SUBMISSION_KEYS if submission.get(key)})
        defaults = {fname: value for fname, value in vals.items()
                    if fname not in CAPTURE_FIELDS and fname not in ("country_id", "state_id", "lang_id")}
        return payload, defaults
