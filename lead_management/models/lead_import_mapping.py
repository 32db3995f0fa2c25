from odoo import api, fields, models

from ..tools.spreadsheet import normalize_header


class LeadImportMapping(models.Model):
    """A column mapping saved by an import, proposed again for a file with
    the same headers."""

    _name = "lead.import.mapping"
    _description = "Lead Import Mapping"
    _order = "write_date desc, id desc"

    name = fields.Char(required=True)
    header_key = fields.Char(required=True, index=True, help="The file's headers, normalized.")
    mapping = fields.Json(required=True, help="{column index: lead field}")

    @api.model
    def _get_header_key(self, header):
        return "|".join(normalize_header(text) for text in header)

    @api.model
    def _find_mapping(self, header):
        """The last mapping saved for these headers: {column index: field}, or None."""
        saved = self.search([("header_key", "=", self._get_header_key(header))], limit=1)
        return {int(index): fname for index, fname in saved.mapping.items()} if saved else None

    @api.model
    def _save_mapping(self, name, header, mapping):
        key = self._get_header_key(header)
        values = {"name": name, "header_key": key, "mapping": {str(index): fname for index, fname in mapping.items()}}
        saved = self.search([("header_key", "=", key)], limit=1)
        if saved:
            saved.write(values)
        else:
            self.create(values)
