import base64
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import spreadsheet
from ..tools.notification import form_dialog_action

#: rows above the header looked at: the title rows of an ad platform's export
HEADER_ROWS = 30
#: the columns of each layout, as normalized headers (see tools.spreadsheet.normalize_header)
LAYOUT_COLUMNS = {
    "google_ads": {"campaign": ("campaign",), "date": ("day",), "amount": ("cost",),
                   "currency": ("currencycode", "currency")},
    "meta": {"campaign": ("campaignname",), "date": ("day", "reportingstarts")},
}
#: Meta's spend column, its currency in the header: ``Amount spent (USD)``
_META_AMOUNT = re.compile(r"amount\s+spent\s*(?:\(\s*([^)]*?)\s*\))?", re.IGNORECASE)
#: the source of each layout's costs: its record, else its names
LAYOUT_SOURCES = {
    "google_ads": ("lead_management.utm_source_google_ads", ("Google Ads", "Google")),
    "meta": ("lead_management.utm_source_meta_ads", ("Meta Ads", "Meta", "Facebook Ads", "Facebook")),
}


class LeadMarketingCostImport(models.TransientModel):
    """Import the spend of a Google Ads campaign report or a Meta Ads
    Manager export, CSV or XLSX, as the platforms write them (title rows,
    a total row, the currency in the header): one cost per campaign and
    day. Campaigns are matched by name in any installed language; the
    unknown ones are listed, to be created here, before anything imports.
    Importing a file again replaces the costs it imported before."""

    _name = "lead.marketing.cost.import"
    _description = "Import Marketing Costs"
    # the uploaded file is deleted with the screen an hour after its last use
    _transient_max_hours = 1.0

    file = fields.Binary(attachment=False, help="A Google Ads campaign report or a Meta Ads Manager export, by day, "
                                                "CSV or XLSX.")
    filename = fields.Char()
    layout = fields.Selection(
        [("google_ads", "Google Ads campaign report"), ("meta", "Meta Ads Manager export")],
        compute="_compute_analysis", store=True)
    source_id = fields.Many2one("utm.source", compute="_compute_analysis", store=True,
                                readonly=False, help="The source the costs are recorded on.")
    file_error = fields.Char(compute="_compute_analysis", store=True)
    row_count = fields.Integer(string="Costs to Import", compute="_compute_analysis", store=True)
    error_count = fields.Integer(string="Refused Rows", compute="_compute_analysis", store=True)
    errors = fields.Text(string="Refused Rows Detail", compute="_compute_analysis", store=True)
    unmatched_campaigns = fields.Text(
        compute="_compute_analysis", store=True,
        help="Campaign names of the file that no campaign has, in any language: one per line.")
    state = fields.Selection([("draft", "Draft"), ("done", "Imported")], default="draft")
    imported_count = fields.Integer(string="Imported", readonly=True)
    replaced_count = fields.Integer(string="Replaced", readonly=True,
                                    help="Costs of an earlier import of the same rows, replaced by this one.")

    @api.depends("file", "filename")
    def _compute_analysis(self):
        for wizard in self:
            values = {"layout": False, "file_error": False, "row_count": 0, "error_count": 0, "errors": False,
                      "unmatched_campaigns": False, "source_id": False}
            if wizard.file:
                try:
                    parsed = wizard._parse_file()
                except UserError as error:
                    values["file_error"] = error.args[0]
                else:
                    values.update(
                        layout=parsed["layout"], source_id=wizard._get_layout_source(parsed["layout"]).id,
                        row_count=len(parsed["rows"]), error_count=len(parsed["errors"]),
                        errors="\n".join(parsed["errors"]) or False,
                        unmatched_campaigns="\n".join(parsed["unmatched"]) or False)
            wizard.update(values)

    def action_create_campaigns(self):
        """Create the campaigns the file names that no campaign has."""
        self.ensure_one()
        names = (self.unmatched_campaigns or "").splitlines()
        if names:
            self.env["utm.campaign"].create([{"title": name} for name in names])
        self._compute_analysis()
        return self._action_reopen()

    def action_import(self):
        """Import the readable rows: the costs an earlier import recorded on
        the same source, day and campaign are replaced, never doubled."""
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("File: choose the Google Ads or Meta Ads export to import."))
        parsed = self._parse_file()
        if parsed["unmatched"]:
            raise UserError(self.env._(
                "Campaign: no campaign is named %(names)s; create these campaigns first, or correct their names "
                "in the file.", names=", ".join(parsed["unmatched"])))
        rows, source = parsed["rows"], self.source_id
        Cost = self.env["lead.marketing.cost"]
        previous = Cost.search([
            ("origin", "=", "import"), ("company_id", "=", self.env.company.id),
            ("source_id", "=", source.id or False),
            ("date", "in", list({row["date"] for row in rows})),
            ("campaign_id", "in", list({row["campaign_id"] for row in rows})),
        ])
        keys = {(row["date"], row["campaign_id"]) for row in rows}
        previous = previous.filtered(lambda cost: (cost.date, cost.campaign_id.id) in keys)
        replaced = len(previous)
        previous.unlink()
        Cost.create([{
            "date": row["date"], "campaign_id": row["campaign_id"], "amount": row["amount"],
            "currency_id": row["currency_id"], "source_id": source.id, "medium_id": source.medium_id.id,
            "company_id": self.env.company.id, "origin": "import", "note": self.filename,
        } for row in rows])
        self.write({"state": "done", "imported_count": len(rows), "replaced_count": replaced})
        return self._action_reopen()

    def action_open_costs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_marketing_cost")
        action["domain"] = [("origin", "=", "import"), ("note", "=", self.filename)]
        return action

    def _parse_file(self):
        """The rows of the file: ``{"layout", "rows": [{"date", "campaign_id",
        "amount", "currency_id"}], "errors": [text], "unmatched": [name]}``;
        a UserError when the file is unreadable or of another layout."""
        self.ensure_one()
        filename = self.filename or "file"
        content = base64.b64decode(self.file)
        # the title rows above the header leave base_import's guess of the separator to a comma
        separator = spreadsheet.guess_separator(content, spreadsheet.guess_encoding(content))
        header, rows = self.env["crm.lead"]._import_read_file(content, filename, separator=separator)
        rows = [header, *rows]
        index, found = next(((index, found) for index, row in enumerate(rows[:HEADER_ROWS])
                             if (found := self._find_columns(row))), (None, None))
        if not found:
            raise UserError(self.env._(
                "%(file)s is neither a Google Ads campaign report nor a Meta Ads Manager export: expected the columns "
                "Campaign, Day, Cost and Currency code (Google Ads), or Campaign name, Day or Reporting starts, and "
                "Amount spent (currency) (Meta).", file=filename))
        layout, columns = found
        header = rows[index]
        currency_code = columns.pop("currency_code", None)
        if currency_code == "":
            raise UserError(self.env._(
                "%(column)s: the currency is missing from the header; expected it in parentheses, as Amount spent "
                "(USD).", column=header[columns["amount"]]))
        parsed, errors = [], []
        for number, row in enumerate(rows[index + 1:], start=index + 2):
            campaign = " ".join(row[columns["campaign"]].split())
            if not campaign or campaign.casefold().startswith("total"):
                continue  # a total or summary row
            values = {"number": number, "campaign": campaign}
            try:
                values["date"] = self._parse_cell(row, columns["date"], header, spreadsheet.parse_date,
                                                  self.env._("a date, as 2026-12-01"))
                values["amount"] = self._parse_cell(row, columns["amount"], header, spreadsheet.parse_number,
                                                    self.env._("an amount of zero or more, as 1250.50"))
                if values["amount"] < 0:
                    raise UserError(self.env._("%(column)s: %(value)s is negative; expected zero or more.",
                                               column=header[columns["amount"]], value=row[columns["amount"]]))
            except UserError as error:
                errors.append(self.env._("Row %(row)s: %(error)s", row=number, error=error.args[0]))
                continue
            values["currency"] = (currency_code or row[columns["currency"]]).strip().upper()
            parsed.append(values)
        currencies = self._find_currencies({values["currency"] for values in parsed})
        campaigns = self.env["lead.marketing.cost"]._find_campaigns({values["campaign"] for values in parsed})
        result_rows, unmatched = [], {}
        for values in parsed:
            currency = currencies.get(values["currency"])
            if not currency:
                column = self.env._("Currency code") if currency_code is None else header[columns["amount"]]
                errors.append(self.env._(
                    "Row %(row)s: %(column)s: %(currency)s is not an active currency; expected the ISO code of one "
                    "(USD, EUR, IRR, GEL).", row=values["number"], column=column,
                    currency=values["currency"] or '""'))
                continue
            campaign_id = campaigns.get(values["campaign"].lower())
            if not campaign_id:
                unmatched.setdefault(values["campaign"].lower(), values["campaign"])
                continue
            result_rows.append({"date": values["date"], "campaign_id": campaign_id, "amount": values["amount"],
                                "currency_id": currency})
        return {"layout": layout, "rows": result_rows, "errors": errors, "unmatched": list(unmatched.values())}

    @api.model
    def _find_columns(self, row):
        """``(layout, {"campaign", "date", "amount", "currency" | "currency_code": index or code})``
        when ``row`` is the header of a layout, else None."""
        headers = [spreadsheet.normalize_header(text) for text in row]

        def find(names):
            return next((index for name in names for index, header in enumerate(headers) if header == name), None)

        columns = {key: find(names) for key, names in LAYOUT_COLUMNS["google_ads"].items()}
        if None not in columns.values():
            return "google_ads", columns
        columns = {key: find(names) for key, names in LAYOUT_COLUMNS["meta"].items()}
        amount = next(((index, match) for index, text in enumerate(row)
                       if (match := _META_AMOUNT.fullmatch(text.strip()))), None)
        if None in columns.values() or not amount:
            return None
        columns.update(amount=amount[0], currency_code=amount[1].group(1) or "")
        return "meta", columns

    def _parse_cell(self, row, index, header, parse, expected):
        value = parse(row[index])
        if value is None:
            raise UserError(self.env._("%(column)s: %(value)s is not readable; expected %(expected)s.",
                                       column=header[index], value=row[index] or '""', expected=expected))
        return value

    @api.model
    def _find_currencies(self, codes):
        """{ISO code: id} of the active currencies among ``codes``."""
        currencies = self.env["res.currency"].search_fetch([("name", "in", [code for code in codes if code])],
                                                           ["name"])
        return {currency.name: currency.id for currency in currencies}

    @api.model
    def _get_layout_source(self, layout):
        """The source of a layout's costs: Odoo's record shipped here, else
        the source of one of its names in any language."""
        xmlid, names = LAYOUT_SOURCES[layout]
        source = self.env.ref(xmlid, raise_if_not_found=False)
        Utm = self.env["utm.mixin"]
        for name in names:
            source = source or Utm._find_record_any_lang("utm.source", name)
        return source or self.env["utm.source"]

    def _action_reopen(self):
        return form_dialog_action(self._name, self.id, self.env._("Import Ad Costs"))
