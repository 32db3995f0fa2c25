import logging
import os

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools import matching, spreadsheet
from ..tools.normalize import normalize_text
from ..tools.savepoint import call_batch_in_savepoint
from .crm_lead_capture import CAPTURE_EXTRA_FIELDS, CAPTURE_FIELDS

_logger = logging.getLogger(__name__)

IMPORT_POLICIES = ("skip", "overwrite", "merge")
IMPORT_STATUSES = ("failed", "waiting", "created", "skipped", "overwritten", "merged")
#: the keys a row may be matched on, as the lead fields they are
IMPORT_MATCH_KEYS = ("national_id", "vat", "mobile", "phone", "email_from", "external_id")
#: capture fields that are not lead fields, and the lead field they fill
IMPORT_LEAD_FIELDS = {
    "country": "country_id", "state": "state_id", "lang": "lang_id",
    "utm_source": "source_id", "utm_medium": "medium_id", "utm_campaign": "campaign_id",
    "first_name": "contact_name", "last_name": "contact_name",
}
#: rows created or written per batch (one savepoint each)
IMPORT_BATCH_SIZE = 1000
#: columns whose number cells lost their leading zeros (see tools.spreadsheet.restore_leading_zeros)
IMPORT_NUMBER_FIELDS = ("national_id", "phone", "mobile")
#: who a lead is about: replaced by an import only when the user confirms it
IMPORT_CONTACT_FIELDS = ("contact_name", "email_from")


class CrmLead(models.Model):
    """Import of leads from spreadsheets (see lead.import.wizard): rows are
    read with Odoo's base_import (CSV, XLS, ODS) or openpyxl in streaming
    mode (XLSX), normalized and validated by the capture pipeline, matched
    by its engine on the keys the user chose, then created, skipped,
    overwritten or merged in batches."""

    _inherit = "crm.lead"

    @api.model
    def _import_leads(self, content, filename, policy, match_keys, mapping=None, dry_run=False, historical=False,
                      replace_contacts=False, phone_country=None):
        """Import the leads of a spreadsheet.

        :param bytes content: a CSV (UTF-8, with or without BOM, or
            Windows-1256; any delimiter), XLSX, XLS or ODS file
        :param str policy: what a row matching an existing lead does:
            ``skip`` (not imported), ``overwrite`` (every mapped value of the
            row, empty cells included) or ``merge`` (the row's non-empty
            cells); rows matching an earlier row of the file follow it too
        :param match_keys: fields among IMPORT_MATCH_KEYS (those without a
            column are left out)
        :param dict mapping: {column index: field}; by default the fields
            the headers mean (see tools.spreadsheet.guess_mapping)
        :param bool dry_run: count without writing anything
        :param bool historical: no response-time target nor first-contact
            activity for the new leads
        :param bool replace_contacts: whether an overwrite or merge may
            replace the contact name or e-mail of a lead (another person
            sharing a phone number): without it, such rows fail
        :param phone_country: the res.country of numbers written without a
            country code in rows without a country (default: the company's)

        A file of more rows than the setting
        ``lead_management.import_background_rows`` (2,000) is imported, or
        tested, in the background (lead.import.job): its rows are then all
        ``waiting``, and ``job_id`` is the job.
        :return: the counts ``failed``, ``waiting``, ``created``,
            ``skipped``, ``overwritten``, ``merged``, plus ``failed_rows``
            (``row``, ``values``, ``error``), ``header`` and ``lead_ids``
            ({count: lead ids}); a dry run adds ``changes``: {policy: what
            it would change, see _import_preview}
        """
        if policy not in IMPORT_POLICIES:
            raise UserError(self.env._("Duplicate policy: expected skip, overwrite or merge, got %(policy)s.",
                                       policy=policy))
        unknown = set(match_keys or ()) - set(IMPORT_MATCH_KEYS)
        if unknown or not match_keys:
            raise UserError(self.env._(
                "Match keys: expected one or more of %(keys)s.", keys=", ".join(
                    self._get_import_field_label(key) for key in IMPORT_MATCH_KEYS)))
        chosen_keys = list(match_keys)
        header, rows = self._import_read_file(content, filename)
        mapping = self._import_check_mapping(header, mapping)
        match_keys = [key for key in match_keys if key in mapping.values()]
        if not match_keys:
            raise UserError(self.env._(
                "Match keys: no column holds %(fields)s; map a column to one of them or choose other keys.",
                fields=", ".join(self._get_import_field_label(key) for key in chosen_keys)))
        threshold = self.env["lead.import.job"]._get_background_threshold()
        if threshold and len(rows) > threshold:
            job = self.env["lead.import.job"]._create_job(
                filename, header, rows, policy, match_keys, mapping, historical, replace_contacts,
                phone_country=phone_country, dry_run=dry_run)
            return {**dict.fromkeys(IMPORT_STATUSES, 0), "waiting": len(rows), "job_id": job.id,
                    "header": header, "lead_ids": {status: [] for status in IMPORT_STATUSES}, "failed_rows": []}
        if not dry_run:
            return self._import_rows(header, rows, mapping, policy, match_keys, historical,
                                     replace_contacts=replace_contacts, phone_country=phone_country)
        savepoint = self.env.cr.savepoint()
        try:
            return self._import_rows(header, rows, mapping, policy, match_keys, historical, dry_run=True,
                                     replace_contacts=replace_contacts, phone_country=phone_country)
        finally:
            savepoint.close(rollback=True)

    @api.model
    def _get_import_fields(self):
        """The fields a column may fill: {field: label}."""
        fields_info = self.fields_get([*CAPTURE_FIELDS, "expected_revenue", "date_deadline"], ["string"])
        labels = {fname: info["string"] for fname, info in fields_info.items()}
        extra = self.env["lead.capture.log"]._get_extra_field_labels()
        labels.update({fname: extra[fname] for fname in CAPTURE_EXTRA_FIELDS if fname in extra})
        labels.pop("idempotency_key", None)
        labels.update(first_name=self.env._("First Name"), last_name=self.env._("Last Name"))
        return labels

    @api.model
    def _get_import_field_label(self, fname):
        return self._get_import_fields().get(fname, fname)

    @api.model
    def _import_guess_mapping(self, header):
        """{column index: field} for the headers that mean a field: in
        English, Persian or Georgian, or the field's label (in any installed
        language) or name."""
        labels = {}
        for lang in self._capture_get_lang_codes():
            for fname, label in self.with_context(lang=lang)._get_import_fields().items():
                labels.setdefault(label, fname)
                labels.setdefault(fname, fname)
        return spreadsheet.guess_mapping(header, labels)

    @api.model
    def _import_check_mapping(self, header, mapping):
        if mapping is None:
            mapping = self._import_guess_mapping(header)
        mapping = {int(index): fname for index, fname in mapping.items() if fname}
        allowed = self._get_import_fields()
        for index, fname in mapping.items():
            if fname not in allowed or not 0 <= index < len(header):
                raise UserError(self.env._("Column %(column)s: %(field)s is not a field a column can fill.",
                                           column=index + 1, field=fname))
        if len(set(mapping.values())) < len(mapping):
            raise UserError(self.env._("Mapping: each field may be filled by one column only."))
        if not mapping:
            raise UserError(self.env._(
                "No column of the file is recognized: map the columns to lead fields (headers found: %(header)s).",
                header=", ".join(str(text) for text in header[:20])))
        return mapping

    @api.model
    def _import_read_file(self, content, filename, separator=""):
        """The header and the rows of a spreadsheet; a UserError naming the
        file when it cannot be read, or when it is beyond the limits of rows
        and size (see lead.import.job._get_file_limits): a zip's uncompressed
        size is checked before anything is read, the rows of an XLSX file
        (and the cells of an ODS file) before their cells are parsed.
        ``separator``: a CSV file's, else base_import guesses it."""
        filename = filename or "file"
        if not content:
            raise UserError(self.env._("%(file)s is empty.", file=filename))
        extension = os.path.splitext(filename)[1].lower()
        max_rows, max_size = self.env["lead.import.job"]._get_file_limits()
        try:
            spreadsheet.check_size(content, max_size)
            if spreadsheet.is_xlsx(content):
                rows = list(spreadsheet.read_xlsx(content, max_rows=max_rows + 1))
            elif spreadsheet.is_ods(content):
                spreadsheet.check_ods(content, max_rows + 1)
                rows = self._import_read_with_base_import(content, filename, {})
            elif content.startswith(b"PK"):
                raise UserError(self.env._(
                    "%(file)s is a zip archive, not a spreadsheet: expected a CSV, XLSX, XLS or ODS file.",
                    file=filename))
            elif extension == ".xls" or content.startswith(b"\xd0\xcf\x11\xe0"):
                rows = self._import_read_with_base_import(content, filename, {})
            elif b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise UserError(self.env._(
                    "%(file)s is not a spreadsheet: expected a CSV, XLSX, XLS or ODS file.", file=filename))
            else:
                encoding = spreadsheet.guess_encoding(content)
                spreadsheet.check_csv_rows(content, encoding, max_rows + 1)
                rows = self._import_read_with_base_import(content, filename, {
                    "encoding": encoding, "separator": separator, "quoting": '"'})
            if len(rows) > max_rows + 1:
                raise spreadsheet.SpreadsheetTooLarge("rows", max_rows)
        except UserError:
            raise
        except spreadsheet.SpreadsheetTooLarge as error:
            if error.kind == "rows":
                raise UserError(self.env._(
                    "%(file)s has more than %(limit)s rows: split it into files of at most %(limit)s rows.",
                    file=filename, limit=max_rows)) from error
            if error.kind == "cells":
                raise UserError(self.env._(
                    "%(file)s has more than %(limit)s cells: save it as XLSX or CSV, or split it into smaller "
                    "files.", file=filename, limit=error.limit)) from error
            raise UserError(self.env._(
                "%(file)s holds more than %(limit)s MB of data (uncompressed): split it into smaller files.",
                file=filename, limit=error.limit // (1024 * 1024))) from error
        except Exception as error:  # a reader's own error: the file is broken
            _logger.info("lead_management: %s could not be read: %s", filename, error)
            raise UserError(self.env._(
                "%(file)s could not be read as a CSV, XLSX, XLS or ODS file (%(error)s).",
                file=filename, error=str(error)[:200])) from error
        rows = [[str(cell).strip() for cell in row] for row in rows]
        if not rows:
            raise UserError(self.env._("%(file)s has no rows.", file=filename))
        if len(rows) == 1:
            raise UserError(self.env._("%(file)s has headers but no rows below them.", file=filename))
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
        return rows[0], rows[1:]

    @api.model
    def _import_read_with_base_import(self, content, filename, options):
        """Rows read by Odoo's own import (CSV, XLS, ODS)."""
        # a new record, not saved: every internal user may read base_import.import records
        importer = self.env["base_import.import"].new({
            "res_model": "crm.lead", "file": content, "file_name": filename,
            "file_type": "text/csv" if options.get("encoding") else False,
        })
        __, rows = importer._read_file(options) or (0, [])
        return rows

    @api.model
    def _import_rows(self, header, rows, mapping, policy, match_keys, historical, dry_run=False, first_row=2,
                     replace_contacts=False, own_lead_ids=(), phone_country=None):
        """Import ``rows`` (the file's from row number ``first_row``): see
        _import_leads; ``own_lead_ids``: the leads created by the earlier
        rows of the file, whose contact rows of the same person may replace."""
        company = self.env.company
        lookups = {}
        items = [self._import_prepare_row(row, number, header, mapping, company, lookups, phone_country)
                 for number, row in enumerate(rows, start=first_row)]
        valid = [item for item in items if not item["error"]]
        self._import_match(valid, match_keys, own_lead_ids)
        lead_fields = {IMPORT_LEAD_FIELDS.get(fname, fname) for fname in mapping.values()}
        previews = {}
        if dry_run:
            for other in ("overwrite", "merge"):
                __, other_writes = self._import_plan(valid, other, lead_fields)
                for lead_id in self._import_get_others_leads(other_writes):
                    other_writes.pop(lead_id)
                previews[other] = self._import_preview(self._import_get_changes(other_writes))
        creates, writes = self._import_plan(valid, policy, lead_fields)
        self._import_refuse_others_leads(valid, writes)
        changes = self._import_get_changes(writes)
        if not replace_contacts:
            self._import_refuse_replaced_contacts(valid, writes, changes, own_lead_ids)
        self._import_create(valid, creates, historical, dry_run)
        self._import_write(valid, changes)
        counts = dict.fromkeys(IMPORT_STATUSES, 0)
        lead_ids = {status: [] for status in counts}
        readable = self._import_get_readable({item["lead_id"] for item in items if item["lead_id"]})
        for item in items:
            status = "failed" if item["error"] else item["status"]
            counts[status] += 1
            if item["lead_id"] in readable and not item["error"] and item["lead_id"] not in lead_ids[status]:
                lead_ids[status].append(item["lead_id"])
        result = {
            **counts, "header": header, "lead_ids": lead_ids,
            # every lead the rows created, readable or not: a background job matches its later rows with them
            "created_ids": [item["lead_id"] for item in items
                            if item["lead_id"] and not item["error"] and item["status"] == "created"],
            "failed_rows": [{"row": item["row"], "values": item["values"], "error": item["error"]}
                            for item in items if item["error"]],
        }
        if dry_run:
            result["changes"] = dict(previews, skip=[])
        return result

    @api.model
    def _import_get_readable(self, lead_ids):
        """The ids among ``lead_ids`` of the leads the user may read: a new
        lead routed to a colleague is left out of the result."""
        if self.env.su or not lead_ids:
            return set(lead_ids)
        return set(self.with_context(active_test=False).search([("id", "in", list(lead_ids))]).ids)

    @api.model
    def _import_prepare_row(self, row, number, header, mapping, company, lookups, phone_country=None):
        """Normalize and validate a row with the capture pipeline: an item
        with ``vals``, ``match`` and, for a bad row, ``error`` naming the row,
        the column and what is expected."""
        payload = {fname: row[index] for index, fname in mapping.items() if index < len(row) and row[index]}
        self._import_restore_leading_zeros(payload, phone_country or company.country_id, lookups)
        names = [payload.pop(fname) for fname in ("first_name", "last_name") if fname in payload]
        if names and "contact_name" not in payload:
            payload["contact_name"] = " ".join(names)
        parsed = {fname: payload.pop(fname) for fname in ("expected_revenue", "date_deadline") if fname in payload}
        item = self._capture_prepare(payload, "import", None, company, lookups, phone_country=phone_country)
        if item["vals"]:
            item["vals"]["type"] = self._capture_type(item["vals"], lookups)
        item.update(row=number, values=row, status="created", lead_id=False, filled={
            IMPORT_LEAD_FIELDS.get(fname, fname) for index, fname in mapping.items()
            if index < len(row) and row[index]})
        errors = dict(item["errors"])
        for fname, text in parsed.items():
            value, error = self._import_parse_value(fname, text)
            if error:
                errors[fname] = error
            else:
                item["vals"][fname] = value
        if not errors and not item["vals"].get("name"):
            errors["__all__"] = self.env._("expected at least a name, a company, an e-mail or a phone number.")
        columns = {fname: header[index] or str(index + 1) for index, fname in mapping.items()}
        if "contact_name" not in columns:
            columns["contact_name"] = " / ".join(columns[fname] for fname in ("first_name", "last_name")
                                                  if fname in columns)
        item["error"] = "\n".join(
            self.env._("Row %(row)s: %(error)s", row=number, error=error) if field == "__all__"
            else self.env._("Row %(row)s, column %(column)s: %(error)s", row=number,
                            column=columns.get(field, field), error=error)
            for field, error in errors.items())
        return item

    @api.model
    def _import_restore_leading_zeros(self, payload, default_country, lookups):
        """The national id and phone numbers of ``payload`` with the leading
        zeros their number cells lost, in the row's country (its country
        column, else ``default_country``: the wizard's country of numbers),
        as the ORM does for a national id written as a number."""
        if not any(payload.get(fname) for fname in IMPORT_NUMBER_FIELDS):
            return
        country = default_country
        if payload.get("country"):
            country = self._capture_lookup(lookups, "country", payload["country"].strip(),
                                           self._capture_find_country) or country
        for fname in IMPORT_NUMBER_FIELDS:
            if payload.get(fname):
                payload[fname] = spreadsheet.restore_leading_zeros(fname, payload[fname], country.code)

    @api.model
    def _import_parse_value(self, fname, text):
        """The amount or date written in a cell: (value, None), or (None, what is expected)."""
        if fname == "expected_revenue":
            amount = spreadsheet.parse_number(text)
            return (amount, None) if amount is not None else (None, self.env._(
                "%(value)s is not a number; expected digits such as 12500 or 12,500.50.", value=text))
        deadline = spreadsheet.parse_date(text)
        return (deadline, None) if deadline is not None else (None, self.env._(
            "%(value)s is not a date; expected a date such as 2026-12-31, 31/12/2026 or 1405/10/10.", value=text))

    @api.model
    def _import_match(self, items, match_keys, own_lead_ids=()):
        """The existing lead of each row (any age, among the open leads the
        user may read and ``own_lead_ids``, those the file's earlier rows
        created) or else the first row of the file it is the same person as:
        item["target"] is ("lead", lead id) or ("new", the first row's
        number). A row of a lead the user may not read is a new person for
        him: the import tells nobody whose leads exist."""
        leads = self._find_matching_leads(
            [item["match"] for item in items], match_keys, days=0, readable=True,
            created_ids=own_lead_ids) if items else []
        first_by_key = {}
        for item, lead_id in zip(items, leads, strict=True):
            item["lead_id"] = lead_id
            keys = self._get_match_keys(item["match"], match_keys)
            target = ("lead", lead_id) if lead_id else next(
                (first_by_key[key] for key in keys if key in first_by_key), None)
            item["first"] = not target
            item["target"] = target or ("new", item["row"])
            if item["target"][0] == "lead":
                item["lead_id"] = item["target"][1]
            for key in keys:
                first_by_key.setdefault(key, item["target"])

    @api.model
    def _import_plan(self, items, policy, lead_fields):
        """What to create and to write: the rows of the same person follow
        the policy in file order; overwrite takes every mapped field of the
        row, merge its non-empty ones.

        :return: ({first row number: create values}, {lead id: write values})
        """
        creates, writes = {}, {}
        for item in items:
            kind, key = item["target"]
            if kind == "new" and item["first"]:
                creates[key] = dict(item["vals"])
                item["status"] = "created"
                continue
            item["status"] = {"skip": "skipped", "overwrite": "overwritten", "merge": "merged"}[policy]
            if policy == "skip":
                continue
            # the row's own cells: not what the pipeline derives for a new lead (a title, the source Import)
            row_vals = {fname: item["vals"].get(fname, False) if fname in item["filled"] else False
                        for fname in lead_fields}
            if policy == "merge":
                row_vals = {fname: value for fname, value in row_vals.items() if value}
            if not row_vals.get("name"):
                row_vals.pop("name", None)  # a lead keeps its title
            (creates if kind == "new" else writes).setdefault(key, {}).update(row_vals)
        return creates, writes

    @api.model
    def _import_get_others_leads(self, writes):
        """The leads of ``writes`` that the user may not update: those of
        other salespeople, unless the user is a sales manager."""
        if not writes or self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return set()
        # sudo: matched among the leads the user may read and those his file created (see _import_match),
        # which routing may have given to a colleague since; only their ids are kept
        return {lead.id for lead in self.sudo().browse(list(writes))
                if lead.user_id and lead.user_id != self.env.user}

    @api.model
    def _import_refuse_others_leads(self, items, writes):
        """Only sales managers may overwrite or merge into the leads of
        other salespeople: those rows fail, and their writes are dropped."""
        refused = self._import_get_others_leads(writes)
        for item in items:
            if item["target"][0] == "lead" and item["lead_id"] in refused and item["status"] != "skipped":
                item["error"] = self.env._(
                    "Row %(row)s: the matching lead belongs to another salesperson; only sales managers may "
                    "update it.", row=item["row"])
        for lead_id in refused:
            writes.pop(lead_id)

    @api.model
    def _import_get_changes(self, writes):
        """What ``writes`` would change: {lead id: ([(field, old value)],
        values that differ from the lead's)}, leads left unchanged left out."""
        leads = self.browse(list(writes))
        if not leads:
            return {}
        leads.fetch(sorted({fname for vals in writes.values() for fname in vals}))
        changes = {}
        for lead in leads:
            vals = {fname: value for fname, value in sorted(writes[lead.id].items())
                    if self._import_value(lead, fname) != value}
            if vals:
                changes[lead.id] = ([(fname, lead[fname]) for fname in vals], vals)
        return changes

    @api.model
    def _import_replaced_contact_fields(self, old_values, vals):
        """The fields among IMPORT_CONTACT_FIELDS whose value (not only its
        case or spacing) would be replaced by another one or emptied."""
        def same(fname, old, new):
            if fname == "email_from":
                return matching.normalize_email(old) == matching.normalize_email(new or "")
            return normalize_text(old) == normalize_text(new or "")
        old_values = dict(old_values)
        return [fname for fname in IMPORT_CONTACT_FIELDS
                if old_values.get(fname) and not same(fname, old_values[fname], vals[fname])]

    @api.model
    def _import_refuse_replaced_contacts(self, items, writes, changes, own_lead_ids=()):
        """Rows that would replace the contact name or e-mail of a lead
        (another person matched by a shared number) fail unless the user
        confirmed it: their writes are dropped. The leads of the file
        (``own_lead_ids``) follow the policy, as rows repeating a row do."""
        refused = {}
        for lead_id, (old_values, vals) in changes.items():
            replaced = lead_id not in own_lead_ids and self._import_replaced_contact_fields(old_values, vals)
            if replaced:
                old = dict(old_values)
                refused[lead_id] = ", ".join(
                    f"{self._fields[fname].get_description(self.env)['string']}: "
                    f"{self._import_display(fname, old[fname])} → {self._import_display(fname, vals[fname])}"
                    for fname in replaced)
        for item in items:
            if item["target"][0] == "lead" and item["lead_id"] in refused and item["status"] != "skipped":
                item["error"] = self.env._(
                    "Row %(row)s: the matching lead is about another person (%(changes)s); tick Replace Names "
                    "and E-mails to update it anyway.", row=item["row"], changes=refused[item["lead_id"]])
        for lead_id in refused:
            writes.pop(lead_id)
            changes.pop(lead_id)

    @api.model
    def _import_preview(self, changes):
        """What a dry run shows of ``changes`` (see _import_get_changes):
        a dict per lead, its ``lead_id``, ``lead`` (name), ``replaces_contact``
        and ``fields``: [{``field`` (label), ``old``, ``new``,
        ``replaces_contact``}]."""
        labels = self.fields_get(sorted({fname for __, vals in changes.values() for fname in vals}), ["string"])
        names = {lead.id: lead.display_name for lead in self.browse(list(changes))}
        preview = []
        for lead_id, (old_values, vals) in changes.items():
            replaced = self._import_replaced_contact_fields(old_values, vals)
            preview.append({
                "lead_id": lead_id, "lead": names[lead_id], "replaces_contact": bool(replaced),
                "fields": [{"field": labels[fname]["string"], "old": self._import_display(fname, old),
                            "new": self._import_display(fname, vals[fname]), "replaces_contact": fname in replaced}
                           for fname, old in old_values],
            })
        return preview

    @api.model
    def _import_create(self, items, creates, historical, dry_run):
        """Create the new leads in batches (a batch that fails is created row
        by row, so that a bad row fails alone), then route them at once;
        historical leads get no response-time target."""
        auto_assign = self._is_auto_assign_enabled()
        Lead = self.with_context(lead_management_auto_assign=False, mail_create_nosubscribe=True)
        firsts = [item for item in items if item["status"] == "created"]
        created = self.browse()
        for start in range(0, len(firsts), IMPORT_BATCH_SIZE):
            batch = firsts[start:start + IMPORT_BATCH_SIZE]
            # nobody's (see _capture_normalize) until routing below, not the importer's
            leads = call_batch_in_savepoint(
                self.env.cr, batch, lambda items: Lead.create([creates[item["row"]] for item in items]),
                lambda item: Lead.create(creates[item["row"]]), self._import_row_failed)
            for item, lead in zip(batch, leads, strict=True):
                if lead:
                    item["lead_id"] = lead.id
                    created |= lead
        lead_by_row = {item["row"]: item["lead_id"] for item in firsts}
        for item in items:
            kind, key = item["target"]
            if kind == "new" and not item["first"]:
                item["lead_id"] = lead_by_row[key]
                if not item["lead_id"]:
                    item["error"] = self.env._("Row %(row)s: not imported, as row %(first)s of the same person "
                                               "failed.", row=item["row"], first=key)
        if created and auto_assign and not dry_run:
            created.with_context(**({"lead_management_sla": False} if historical else {}))._route_new_leads()

    @api.model
    def _import_write(self, items, changes):
        """Write the overwritten and merged leads (see _import_get_changes;
        the ORM updates them in batches), and note in each one's chatter what
        changed: field, old value, new value."""
        if not changes:
            return
        failed = {}

        def write_all(lead_ids):
            for lead_id in lead_ids:
                self.browse(lead_id).write(changes[lead_id][1])
            self.env.flush_all()

        def write_failed(lead_id, error):
            failed[lead_id] = self._capture_error_message(error)

        call_batch_in_savepoint(self.env.cr, list(changes), write_all,
                                lambda lead_id: self.browse(lead_id).write(changes[lead_id][1]), write_failed)
        for item in items:
            if item["target"][0] == "lead" and item["lead_id"] in failed and item["status"] != "skipped":
                item["error"] = self.env._("Row %(row)s: %(error)s", row=item["row"], error=failed[item["lead_id"]])
        bodies = {lead_id: self._import_change_note(old, vals)
                  for lead_id, (old, vals) in changes.items() if lead_id not in failed}
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies=bodies)

    @api.model
    def _import_row_failed(self, item, error):
        item["error"] = self.env._("Row %(row)s: %(error)s", row=item["row"], error=self._capture_error_message(error))
        return self.browse()

    def _import_value(self, lead, fname):
        """The value of ``fname`` on ``lead`` as an import writes it."""
        value = lead[fname]
        if isinstance(value, models.BaseModel):
            return value.id or False
        return value if value or value == 0 else False

    def _import_change_note(self, old_values, vals):
        """The chatter note of an overwrite or merge: a line per field
        changed, its old and new value, escaped."""
        labels = self.fields_get(list(vals), ["string"])
        lines = Markup("").join(
            Markup("<li>%s: %s → %s</li>") % (
                labels[fname]["string"], self._import_display(fname, old), self._import_display(fname, vals[fname]))
            for fname, old in old_values)
        return Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Updated by an import:"), lines)

    def _import_display(self, fname, value):
        field = self._fields[fname]
        if field.type == "many2one":
            value = value if isinstance(value, models.BaseModel) else self.env[field.comodel_name].browse(value)
            return value.display_name or "—"
        if field.type == "html":
            return html2plaintext(value or "")[:300] or "—"
        return str(value)[:300] if value or (value == 0 and not isinstance(value, bool)) else "—"
