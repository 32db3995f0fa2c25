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
        Model = self.env[model_name].with_context(active_test=False)
        field = Model._fields.get("name")
        cleaned_name = (name or "").strip()
        if cleaned_name and field and field.translate:
            langs = dict.fromkeys(["en_US", self.env.lang or "en_US",
                                   *(code for code, _label in self.env["res.lang"].get_installed())])
            for lang in langs:
                record = Model.with_context(lang=lang).search([("name", "=ilike", escape_psql(cleaned_name))], limit=1)
                if record:
                    return self.env[model_name].browse(record.id)
        return super()._find_or_create_record(model_name, name)

    @api.model
    def _get_unique_names(self, model_name, names):
        # translated names are kept unique in English, where they are looked for first
        field = self.env[model_name]._fields.get("name")
        if field and field.translate and (self.env.lang or "en_US") != "en_US":
            return super(UtmMixin, self.with_context(lang="en_US"))._get_unique_names(model_name, names)
        return super()._get_unique_names(model_name, names)
