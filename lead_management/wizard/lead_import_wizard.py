import base64
import os

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import get_lang

from ..models.crm_lead_import import IMPORT_MATCH_KEYS
from ..tools import spreadsheet
from ..tools.notification import form_dialog_action

STATUSES = ("failed", "waiting", "created", "skipped", "overwritten", "merged")
#: leads listed per policy in the test's changes, at most
PREVIEW_LEADS = 100


class LeadImportWizard(models.TransientModel):
    """Import leads from a spreadsheet: map the columns, choose the duplicate
    policy and the match keys, test, import, then open the leads of each
    count or download the failed rows (see crm.lead._import_leads)."""

    _name = "lead.import.wizard"
    _description = "Import Leads"
    # the uploaded file is deleted with the screen an hour after its last use,
    # whatever the server's transient_age_limit (see lead.import.job._purge_files)
    _transient_max_hours = 1.0

    file = fields.Binary(attachment=False, help="CSV, XLSX, XLS or ODS, a header row first.")
    filename = fields.Char()
    file_error = fields.Char(compute="_compute_line_ids", store=True)
    line_ids = fields.One2many("lead.import.wizard.line", "wizard_id", string="Columns",
                               compute="_compute_line_ids", store=True, readonly=False)
    policy = fields.Selection(
        [("skip", "Skip"), ("overwrite", "Overwrite"), ("merge", "Merge")], string="Duplicates",
        default="skip", required=True,
        help="Skip: a row matching an existing lead is not imported. Overwrite: the lead takes every mapped "
             "value of the row, empty cells included. Merge: only the row's non-empty cells update the lead. "
             "Test shows which leads each policy would change.")
    replace_contacts = fields.Boolean(
        string="Replace Names and E-mails",
        help="Let an overwrite or merge replace the contact name or e-mail of an existing lead. Without it, a row "
             "matching a lead of another person (a shared phone number) fails instead of renaming the lead.")
    match_national_id = fields.Boolean(string="National ID", default=True)
    match_vat = fields.Boolean(string="Economic Code")
    match_mobile = fields.Boolean(string="Mobile", default=True)
    match_phone = fields.Boolean(string="Phone", default=True)
    match_email_from = fields.Boolean(string="Email", default=True)
    match_external_id = fields.Boolean(string="Source Reference")
    phone_country_id = fields.Many2one(
        "res.country", string="Country of Numbers Without a Country Code",
        default=lambda self: self.env.company.country_id,
        help="Phone numbers of rows without a country, written without a country code (0912 345 6789), are read "
             "as dialled in this country.")
    historical = fields.Boolean(
        string="Historical Import",
        help="Leads of the past: no response-time target and no first-contact activity for the new ones.")
    save_mapping = fields.Boolean(string="Remember This Mapping", default=True,
                                  help="Propose these fields again for a file with the same headers.")
    state = fields.Selection([("draft", "Draft"), ("tested", "Tested"), ("done", "Imported")], default="draft")
    failed_count = fields.Integer(string="Failed", readonly=True)
    waiting_count = fields.Integer(string="Waiting", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    overwritten_count = fields.Integer(string="Overwritten", readonly=True)
    merged_count = fields.Integer(string="Merged", readonly=True)
    result_lead_ids = fields.Json(readonly=True)
    preview = fields.Html(string="Changes to Existing Leads", readonly=True, sanitize=False,
                          help="What each policy would change, from the last test.")
    replace_count = fields.Integer(
        string="Names and E-mails Replaced", readonly=True,
        help="Leads whose contact name or e-mail the chosen policy would replace, from the last test.")
    error_file = fields.Binary(string="Failed Rows", attachment=False, readonly=True)
    error_filename = fields.Char(readonly=True)
    template_file = fields.Binary(attachment=False, readonly=True)
    job_id = fields.Many2one("lead.import.job", string="Background Import", readonly=True)

    @api.depends("file", "filename")
    def _compute_line_ids(self):
        Lead = self.env["crm.lead"]
        for wizard in self:
            wizard.file_error = False
            lines = [(5, 0, 0)]
            if wizard.file:
                try:
                    header, rows = Lead._import_read_file(base64.b64decode(wizard.file), wizard.filename)
                except UserError as error:
                    wizard.file_error = error.args[0]
                else:
                    mapping = self.env["lead.import.mapping"]._find_mapping(header) \
                        or Lead._import_guess_mapping(header)
                    lines += [(0, 0, {
                        "column_index": index, "header": text,
                        "sample": rows[0][index] if index < len(rows[0]) else False,
                        "field_name": mapping.get(index, False),
                    }) for index, text in enumerate(header)]
            wizard.line_ids = lines

    def action_test(self):
        """Count what the import would do, without writing anything."""
        self._run(dry_run=True)
        self.state = "tested"
        return self._action_reopen()

    def action_import(self):
        """Import; an overwrite or merge not tested yet is tested first, and
        stops there when it would replace a contact's name or e-mail
        without the user's confirmation (Replace Names and E-mails)."""
        if self.policy != "skip" and not self.replace_contacts and self.state == "draft":
            self._run(dry_run=True)
            if self.replace_count or self.job_id:  # a large file's test runs in the background
                self.state = "tested"
                return self._action_reopen()
        self._run(dry_run=False)
        self.state = "done"
        return self._action_reopen()

    def action_open_leads(self):
        """The leads of one count (context key ``import_status``)."""
        self.ensure_one()
        status = self.env.context.get("import_status")
        lead_ids = (self.result_lead_ids or {}).get(status, [])
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", lead_ids)],
            "context": {"active_test": False},
        }

    def action_open_job(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "lead.import.job", "res_id": self.job_id.id,
                "view_mode": "form", "views": [(False, "form")]}

    def action_download_template(self):
        """An XLSX file with the recognized headers, in the user's language."""
        fields_labels = self.env["crm.lead"]._get_import_fields()
        order = ["contact_name", "partner_name", "mobile", "phone", "email_from", "national_id", "vat", "country",
                 "state", "city", "street", "zip", "function", "website", "name", "description", "utm_source",
                 "utm_medium", "utm_campaign", "expected_revenue", "date_deadline", "external_id"]
        content = spreadsheet.write_xlsx([fields_labels[fname] for fname in order if fname in fields_labels], [],
                                         rtl=self._is_rtl())
        self.template_file = base64.b64encode(content)
        return self._action_download("template_file", "leads_template.xlsx")

    def _run(self, dry_run):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("File: choose the spreadsheet to import."))
        if self.file_error:
            raise UserError(self.file_error)
        mapping = {line.column_index: line.field_name for line in self.line_ids if line.field_name}
        match_keys = [key for key in IMPORT_MATCH_KEYS if self[f"match_{key}"]]
        result = self.env["crm.lead"]._import_leads(
            base64.b64decode(self.file), self.filename, self.policy, match_keys, mapping=mapping,
            dry_run=dry_run, historical=self.historical, replace_contacts=self.replace_contacts,
            phone_country=self.phone_country_id)
        values = {f"{status}_count": result[status] for status in STATUSES}
        values.update(result_lead_ids={} if dry_run else result["lead_ids"], error_file=False, error_filename=False,
                      job_id=result.get("job_id", False), preview=False, replace_count=0)
        if dry_run and not result.get("job_id"):
            values.update(preview=self._render_preview(result["changes"]), replace_count=sum(
                1 for lead in result["changes"][self.policy] if lead["replaces_contact"]))
        if result["failed_rows"]:
            stem = os.path.splitext(self.filename or "leads")[0]
            content = spreadsheet.write_xlsx(
                [*result["header"], self.env._("Error")],
                [[*row["values"], row["error"]] for row in result["failed_rows"]], rtl=self._is_rtl())
            values.update(error_file=base64.b64encode(content),
                          error_filename=self.env._("%(file)s - failed rows.xlsx", file=stem))
        self.write(values)
        if not dry_run and self.save_mapping:
            header = [line.header or "" for line in self.line_ids.sorted("column_index")]
            self.env["lead.import.mapping"]._save_mapping(self.filename or "", header, mapping)

    def _render_preview(self, changes):
        """The changes of each policy (see crm.lead._import_preview) as HTML:
        a table per policy, lead, field, current value, value of the file;
        the names and e-mails it would replace marked."""
        labels = dict(self._fields["policy"]._description_selection(self.env))
        parts = []
        for policy in ("skip", "overwrite", "merge"):
            leads = changes.get(policy, [])
            parts.append(Markup('<h5 class="mt-3">%s</h5>') % labels[policy])
            if not leads:
                parts.append(Markup('<p class="text-muted">%s</p>') % self.env._("No existing lead would change."))
                continue
            replacing = sum(1 for lead in leads if lead["replaces_contact"])
            summary = self.env._("%(count)s existing leads would change.", count=len(leads))
            if replacing:
                summary += " " + self.env._(
                    "%(count)s of them would get another contact name or e-mail (marked).", count=replacing)
            parts.append(Markup("<p>%s</p>") % summary)
            rows = Markup("").join(
                Markup('<tr class="%s"><td>%s</td><td>%s</td><td><bdi>%s</bdi></td><td><bdi>%s</bdi></td></tr>') % (
                    "table-warning fw-bold" if change["replaces_contact"] else "",
                    lead["lead"] if index == 0 else "", change["field"], change["old"], change["new"])
                for lead in leads[:PREVIEW_LEADS] for index, change in enumerate(lead["fields"]))
            parts.append(Markup(
                '<table class="table table-sm o_lead_import_preview"><thead><tr><th>%s</th><th>%s</th><th>%s</th>'
                "<th>%s</th></tr></thead><tbody>%s</tbody></table>") % (
                self.env._("Lead"), self.env._("Field"), self.env._("Now"), self.env._("From the File"), rows))
            if len(leads) > PREVIEW_LEADS:
                parts.append(Markup('<p class="text-muted">%s</p>') % self.env._(
                    "… and %(count)s more leads.", count=len(leads) - PREVIEW_LEADS))
        return Markup("").join(parts)

    def _is_rtl(self):
        return get_lang(self.env).direction == "rtl"

    def _action_reopen(self):
        return form_dialog_action(self._name, self.id, self.env._("Import Leads"))

    def _action_download(self, fname, filename):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/{fname}/{filename}?download=true",
            "target": "self",
        }
