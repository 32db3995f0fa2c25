from odoo import api, models
from odoo.tools import escape_psql


class UtmMixin(models.AbstractModel):
    """Sources and mediums have translated names (utm.source, utm.medium):
    Odoo's UTM helpers compare names in the current language only, so a
    visitor or user in Persian would not find "Website Form" any more and
    would create a second one. Names are matched in English first, the name
    the URLs and cookies carry, then in the other languages."""
    _inherit = "utm.mixin"

    def _find_or_create_record(self, model_name, name):
        return self._find_record_any_lang(model_name, name) or super()._find_or_create_record(model_name, name)

    @api.model
    def _find_record_any_lang(self, model_name, name):
        """The record (archived ones included) named ``name``, compared
        without case nor LIKE patterns, in English, the current language,
        then the other installed ones; an empty recordset when none."""
        Model = self.env[model_name].with_context(active_test=False)
        field = Model._fields.get("name")
        cleaned_name = (name or "").strip()
        if not cleaned_name or not field:
            return self.env[model_name]
        langs = dict.fromkeys(["en_US", self.env.lang or "en_US",
                               *(code for code, _label in self.env["res.lang"].get_installed())]) \
            if field.translate else [self.env.lang]
        for lang in langs:
            record = Model.with_context(lang=lang).search([("name", "=ilike", escape_psql(cleaned_name))], limit=1)
            if record:
                return self.env[model_name].browse(record.id)
        return self.env[model_name]

    @api.model
    def _get_unique_names(self, model_name, names):
        # translated names are kept unique in English, where they are looked for first
        field = self.env[model_name]._fields.get("name")
        if field and field.translate and (self.env.lang or "en_US") != "en_US":
            return super(UtmMixin, self.with_context(lang="en_US"))._get_unique_names(model_name, names)
        return super()._get_unique_names(model_name, names)
