import os

from odoo import api, models
from odoo.modules.module import get_module_path
from odoo.tools.misc import ReadonlyDict, file_open
from odoo.tools.translate import (
    PYTHON_TRANSLATION_COMMENT,
    CodeTranslations,
    TranslationFileReader,
    TranslationImporter,
    code_translations,
    get_po_paths,
)

# Georgian (and the Persian Odoo lacks) of Odoo's own modules: i18n_odoo/<module>/<lang>.po
ODOO_TERMS_DIR = "i18n_odoo"
#: fields of base and crm that we label ourselves: their catalogs call the
#: province «وضعیت» ("status") in Persian
RELABELED_FIELDS = ("field_crm_lead__state_id", "field_res_partner__state_id")
RELABELED_FIELDS_MODULES = {"base", "crm", "lead_management"}


def odoo_term_paths(module, lang):
    """Our catalogs of the Odoo module ``module`` for ``lang``, the base
    language first (ka.po, then ka_GE.po), as Odoo orders its own."""
    root = os.path.join(get_module_path("lead_management"), ODOO_TERMS_DIR, module)
    paths = (os.path.join(root, f"{name}.po") for name in dict.fromkeys((lang.split("_")[0], lang)))
    return [path for path in paths if os.path.isfile(path)]


def _load_python_translations(self, module_name, lang):
    """Odoo's ``CodeTranslations._load_python_translations``, completed with
    our translations of the module's Python terms; Odoo's win."""
    _load_odoo_python_translations(self, module_name, lang)
    ours = {}
    for path in odoo_term_paths(module_name, lang):
        with file_open(path, "rb") as po_file:
            ours.update((row["src"], row["value"]) for row in TranslationFileReader(po_file)
                        if row.get("type") == "code" and row.get("value")
                        and PYTHON_TRANSLATION_COMMENT in row["comments"])
    if ours:
        odoo = self.python_translations[module_name, lang]
        self.python_translations[module_name, lang] = ReadonlyDict({**ours, **odoo})


_load_odoo_python_translations = CodeTranslations._load_python_translations


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _register_hook(self):
        """Odoo reads the translations of ``_()`` from each module's own i18n
        folder, once per process (``code_translations``), with no hook: ours
        are added where Odoo reads them, from the first registry that has our
        addon installed on, for the whole process, as Odoo's own are."""
        super()._register_hook()
        if CodeTranslations._load_python_translations is not _load_python_translations:
            CodeTranslations._load_python_translations = _load_python_translations
            # read again, with ours, whatever was read before our addon was loaded
            code_translations.python_translations.clear()

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Load our translations of Odoo's modules after Odoo's own, with the same
        ``overwrite``: installing our addon or adding a language fills the missing
        terms and keeps the translations a user edited; Settings > Languages >
        Update (overwrite) puts ours back, as it does with Odoo's."""
        res = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        langs = [lang for lang in langs if lang != "en_US"]
        todo = self._lead_management_odoo_term_modules(modules) if langs else []
        if todo:
            importer = TranslationImporter(self.env.cr, verbose=False)
            for module in todo:
                for lang in langs:
                    for path in self._lead_management_odoo_term_paths(module, lang):
                        importer.load_file(path, lang)
            importer.save(overwrite=overwrite)
        if langs and not imported_module and RELABELED_FIELDS_MODULES & set(modules):
            self._lead_management_relabel_fields(langs)
        return res

    @api.model
    def _lead_management_relabel_fields(self, langs):
        """One ir.model.fields row holds the label of a field in every
        language, written by each catalog of the modules defining the field;
        ours is written last, whether a language is loaded or updated (all
        the modules at once) or base or crm is upgraded."""
        if self._get("lead_management").state not in ("installed", "to install", "to upgrade"):
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        xmlids = {f"lead_management.{name}" for name in RELABELED_FIELDS}
        for lang in langs:
            for po_path in get_po_paths("lead_management", lang):
                importer.load_file(po_path, lang, xmlids=xmlids)
        importer.save(overwrite=True, force_overwrite=True)

    @api.model
    def _lead_management_odoo_term_paths(self, module, lang):
        """Our catalogs of the Odoo module ``module`` for ``lang`` (see odoo_term_paths)."""
        return odoo_term_paths(module, lang)

    @api.model
    def _lead_management_odoo_term_modules(self, modules):
        """The Odoo modules among ``modules`` whose terms we ship, all of them
        when ``modules`` holds our addon, provided they are installed or being
        installed."""
        root = os.path.join(get_module_path("lead_management"), ODOO_TERMS_DIR)
        shipped = sorted(name for name in os.listdir(root) if os.path.isdir(os.path.join(root, name)))
        if "lead_management" not in modules:
            if self._get("lead_management").state not in ("installed", "to upgrade"):
                return []
            shipped = [name for name in shipped if name in modules]
        # module states, read by whoever loads a language; only the names of ours are returned
        states = {module.name: module.state for module in self.sudo().search([("name", "in", shipped)])}
        return [name for name in shipped if states.get(name) in ("installed", "to install", "to upgrade")]
