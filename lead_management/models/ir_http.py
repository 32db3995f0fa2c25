from odoo import api, models, tools
from odoo.http import request
from odoo.tools.misc import file_open
from odoo.tools.translate import JAVASCRIPT_TRANSLATION_COMMENT, TranslationFileReader

#: where _pre_dispatch marks, in the request's environ, a body larger than its route's limit
BODY_TOO_LARGE = "lead_management.body_too_large"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """A route with ``lead_management_max_body=n`` gets at most n bytes
        of body, whatever its Content-Length or transfer encoding says,
        before Odoo parses its form: a larger body is not read further, is
        marked BODY_TOO_LARGE in the environ, and parsed as empty (werkzeug
        checks only a Content-Length, a chunked body would be parsed whole)."""
        limit = rule.endpoint.routing.get("lead_management_max_body")
        if limit:
            cls._lead_management_read_body(limit)
        super()._pre_dispatch(rule, args)

    @classmethod
    def _lead_management_read_body(cls, limit):
        """Read at most ``limit`` + 1 bytes of the request's body, whatever
        its transfer encoding (chunked bodies have no Content-Length), and
        cache them for Odoo's parsers; a larger body is marked too large
        and none of it is parsed."""
        httprequest = request.httprequest
        # werkzeug's request, which Odoo's wraps: where the body is read, then cached for the form parser
        wrapped = httprequest._HTTPRequest__wrapped
        if getattr(wrapped, "_cached_data", None) is not None or BODY_TOO_LARGE in httprequest.environ:
            return  # read already: Odoo retries the request after a serialization failure
        body, size = [], 0
        if (httprequest.content_length or 0) <= limit:
            while size <= limit:
                chunk = wrapped.stream.read(limit + 1 - size)
                if not chunk:
                    break
                body.append(chunk)
                size += len(chunk)
        if size > limit or (httprequest.content_length or 0) > limit:
            httprequest.environ[BODY_TOO_LARGE] = True
            body = []
        wrapped._cached_data = b"".join(body)

    @api.model
    def get_translations_for_webclient(self, modules, lang):
        """Add our translations of Odoo's JavaScript terms (i18n_odoo/) to the
        ones Odoo reads from each module's own i18n folder; Odoo's win."""
        translations, lang_params = super().get_translations_for_webclient(modules, lang)
        lang = lang or self.env.context.get("lang")
        for module, module_translations in translations.items():
            ours = self._lead_management_web_terms(module, lang) if lang else ()
            if not ours:
                continue
            known = {message["id"] for message in module_translations["messages"]}
            translations[module] = {**module_translations, "messages": (
                *module_translations["messages"],
                *({"id": src, "string": value} for src, value in ours if src not in known),
            )}
        return translations, lang_params

    @api.model
    @tools.ormcache("module", "lang")
    def _lead_management_web_terms(self, module, lang):
        terms = {}
        for path in self.env["ir.module.module"]._lead_management_odoo_term_paths(module, lang):
            with file_open(path, "rb") as po_file:
                terms.update(
                    (row["src"], row["value"]) for row in TranslationFileReader(po_file)
                    if row.get("type") == "code" and row.get("value")
                    and JAVASCRIPT_TRANSLATION_COMMENT in row["comments"])
        return tuple(terms.items())
