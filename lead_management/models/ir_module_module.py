from odoo import models
from odoo.tools.translate import TranslationImporter, get_po_paths

#: fields of base and crm that we label ourselves: their catalogs call the
#: province «وضعیت» ("status") in Persian
RELABELED_FIELDS = ("field_crm_lead__state_id", "field_res_partner__state_id")
RELABELED_FIELDS_MODULES = {"base", "crm", "lead_management"}


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """One ir.model.fields row holds the label of a field in every
        language, written by each catalog of the modules defining the field;
        ours is written last, whether a language is loaded or updated (all
        the modules at once) or base or crm is upgraded."""
        super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if imported_module or not RELABELED_FIELDS_MODULES & set(modules):
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        xmlids = {f"lead_management.{name}" for name in RELABELED_FIELDS}
        for lang in langs:
            for po_path in get_po_paths("lead_management", lang):
                importer.load_file(po_path, lang, xmlids=xmlids)
        importer.save(overwrite=True, force_overwrite=True)
