import json
import time

from odoo import http
from odoo.addons.lead_management.controllers.common import answer_in_constant_time
from odoo.addons.website_crm.controllers.website_form import WebsiteForm
from odoo.http import request
from odoo.tools import html2plaintext, plaintext2html


class WebsiteFormCapture(WebsiteForm):
    """A website form that creates a lead goes through the capture pipeline
    (see crm.lead._capture_website_form)."""

    @http.route()
    def website_form(self, model_name, **kwargs):
        """A lead's form is answered at the same time whether its visitor
        was known or new (see answer_in_constant_time)."""
        start = time.monotonic()
        response = super().website_form(model_name, **kwargs)
        if model_name != "crm.lead":
            return response
        return answer_in_constant_time(
            request.make_response(response) if isinstance(response, str) else response, start)

    def _handle_website_form(self, model_name, **kwargs):
        response = super()._handle_website_form(model_name, **kwargs)
        if model_name != "crm.lead":
            return response
        answer = json.loads(response)
        if isinstance(answer, dict) and answer.get("id"):
            # the same answer whether the visitor's lead was created or matched: the id of
            # an older lead would tell an anonymous caller that this person is known
            answer["id"] = True
            return json.dumps(answer)
        return response

    def insert_record(self, request, model, values, custom, meta=None):
        if model.sudo().model != "crm.lead":
            return super().insert_record(request, model, values, custom, meta=meta)
        if custom or meta:
            # Odoo writes these on the description after the create, which would replace
            # a matched lead's description: they are part of the submission instead.
            parts = [html2plaintext(values["description"])] if values.get("description") else []
            if custom:
                label = request.env._("Other Information:")
                parts.append(f"{label}\n___________\n\n{custom.strip()}")
            if meta:
                parts.append(f"{self._meta_label}\n________\n\n{meta.strip()}")
            values["description"] = plaintext2html("\n\n".join(parts))
        cookies = request.httprequest.cookies
        submission = {
            url_param: cookies.get(cookie_name)
            for url_param, __, cookie_name in request.env["utm.mixin"].tracking_fields()
            if cookies.get(cookie_name)
        }
        if request.httprequest.referrer:
            submission["landing_page"] = request.httprequest.referrer[:2048]
        submission["remote_addr"] = request.httprequest.remote_addr
        request.update_context(lead_management_website_form=submission)
        return super().insert_record(request, model, values, "", meta="")
