from odoo import api, models, tools
from odoo.tools.misc import file_open
from odoo.tools.translate import JAVASCRIPT_TRANSLATION_COMMENT, TranslationFileReader


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

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
