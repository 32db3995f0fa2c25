import base64
import csv
import io
import itertools
import logging
from datetime import timedelta
from urllib.parse import quote as url_quote

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import get_lang

from ..tools import spreadsheet
from ..tools.savepoint import call_in_savepoint

_logger = logging.getLogger(__name__)

#: rows of a background import written per committed batch
JOB_BATCH_SIZE = 1000
#: days the failed rows of a finished import are kept
JOB_FILE_DAYS = 30
STATES = [("waiting", "Waiting"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]


class LeadImportJob(models.Model):
    """A large import, run in the background by a cron in batches that each
    commit with the job's progress: a worker restart resumes after the last
    committed batch, so no row is imported twice. The rows are deleted when
    it ends, its failed rows JOB_FILE_DAYS days later."""

    _name = "lead.import.job"
    _inherit = ["mail.thread"]
    _description = "Lead Import in the Background"
    _order = "id desc"

    name = fields.Char(string="File", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Imported By", required=True, readonly=True,
                              default=lambda self: self.env.user, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    state = fields.Selection(STATES, default="waiting", required=True, readonly=True, tracking=True)
    policy = fields.Selection([("skip", "Skip"), ("overwrite", "Overwrite"), ("merge", "Merge")],
                              string="Duplicates", required=True, readonly=True)
    match_keys = fields.Char(required=True, readonly=True, help="The match keys, comma-separated.")
    mapping = fields.Json(required=True, readonly=True)
    header = fields.Json(required=True, readonly=True)
    historical = fields.Boolean(string="Historical Import", readonly=True)
    dry_run = fields.Boolean(
        string="Test Only", readonly=True,
        help="Count what the import would do, without writing anything; each batch is tested apart, so a row "
             "matching a row of an earlier batch counts as a new lead.")
    replace_contacts = fields.Boolean(string="Replace Names and E-mails", readonly=True)
    created_lead_ids = fields.Json(string="Created Leads", readonly=True,
                                   help="The leads created by the committed batches.")
    phone_country_id = fields.Many2one("res.country", string="Country of Numbers Without a Country Code",
                                       readonly=True)
    rows_file = fields.Binary(attachment=True, readonly=True, help="The rows to import, as UTF-8 CSV.")
    rows_total = fields.Integer(readonly=True)
    rows_done = fields.Integer(readonly=True, help="Rows of the committed batches.")
    progress = fields.Float(compute="_compute_progress")
    failed_count = fields.Integer(string="Failed", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    overwritten_count = fields.Integer(string="Overwritten", readonly=True)
    merged_count = fields.Integer(string="Merged", readonly=True)
    waiting_count = fields.Integer(string="Waiting", compute="_compute_progress")
    failed_rows = fields.Json(string="Failed Rows (Data)", readonly=True)
    error_file = fields.Binary(string="Failed Rows", attachment=True, readonly=True)
    error_filename = fields.Char(readonly=True)
    error = fields.Text(readonly=True, help="Why the import stopped.")
    date_done = fields.Datetime(string="Finished", readonly=True)

    @api.depends("rows_total", "rows_done")
    def _compute_progress(self):
        for job in self:
            job.progress = 100.0 * job.rows_done / job.rows_total if job.rows_total else 0.0
            job.waiting_count = job.rows_total - job.rows_done

    @api.model
    def _get_background_threshold(self):
        """Files of more rows than this are imported in the background (0: never)."""
        # sudo: settings are readable by administrators only
        return int(self.env["ir.config_parameter"].sudo().get_param(
            "lead_management.import_background_rows", 2000) or 0)

    @api.model
    def _get_file_limits(self):
        """The rows and the bytes (uncompressed) of a file imported at most:
        (rows, bytes), the settings ``lead_management.import_max_rows`` and
        ``lead_management.import_max_mb`` (see tools.spreadsheet.MAX_ROWS
        and MAX_SIZE)."""
        # sudo: settings are readable by administrators only
        params = self.env["ir.config_parameter"].sudo()
        max_rows = int(params.get_param("lead_management.import_max_rows", 0) or 0) or spreadsheet.MAX_ROWS
        max_mb = int(params.get_param("lead_management.import_max_mb", 0) or 0)
        return max_rows, max_mb * 1024 * 1024 if max_mb else spreadsheet.MAX_SIZE

    @api.model
    def _create_job(self, filename, header, rows, policy, match_keys, mapping, historical, replace_contacts=False,
                    phone_country=None, dry_run=False):
        """Queue the import, or its test (``dry_run``), of ``rows`` and wake
        the cron up."""
        output = io.StringIO()
        csv.writer(output).writerows(rows)
        job = self.create({
            "name": filename or "leads", "policy": policy, "match_keys": ",".join(match_keys),
            "mapping": {str(index): fname for index, fname in mapping.items()}, "header": header,
            "historical": historical, "replace_contacts": replace_contacts, "dry_run": dry_run,
            "phone_country_id": phone_country.id if phone_country else False, "rows_total": len(rows),
            "rows_file": base64.b64encode(output.getvalue().encode()),
        })
        self.env.ref("lead_management.ir_cron_lead_import_jobs")._trigger()
        return job

    @api.model
    def _cron_process_jobs(self, batch_size=JOB_BATCH_SIZE):
        """Batches of the oldest jobs not done, within the cron's time budget
        (one batch outside a cron run), their size adapted to the time the
        last one took."""
        return self.env["ir.cron"]._lead_management_run_batches(
            "lead_management.ir_cron_lead_import_jobs", self._process_jobs_batch, batch_size,
            min_size=20, max_size=JOB_BATCH_SIZE * 5)

    @api.model
    def _process_jobs_batch(self, batch_size):
        """One batch of the oldest job not done, locked so that two workers
        never run the same job; reports its progress to the cron:
        ``(done, remaining)``."""
        self.env.cr.execute(SQL(
            "SELECT id FROM lead_import_job WHERE state IN ('waiting', 'running') ORDER BY id LIMIT 1"
            " FOR NO KEY UPDATE SKIP LOCKED"))
        row = self.env.cr.fetchone()
        if not row:
            self._purge_files()
            return 0, 0
        # sudo: the cron reads the job; the rows are imported as the user who started it
        job = self.sudo().browse(row[0])
        job = job.with_user(job.user_id).with_company(job.company_id).with_context(
            lang=job.user_id.lang or get_lang(self.env).code)

        def stop(error):  # a batch that cannot run stops its job, not the jobs after it
            _logger.warning("lead_management: background import %s stopped", job.id, exc_info=True)
            job._stop(error)

        # a lock or a serialization failure (OperationalError): the batch runs again
        call_in_savepoint(self.env.cr, lambda: job._process_batch(batch_size), stop)
        left = self.sudo().search_count([("state", "in", ("waiting", "running"))])
        self.env["ir.cron"]._notify_progress(done=1, remaining=left)
        return 1, left

    def _process_batch(self, batch_size=JOB_BATCH_SIZE):
        """Import the next ``batch_size`` rows and record the counts, in the
        transaction of the rows: committed together or not at all; a test
        (``dry_run``) rolls its rows back and records the counts only."""
        self.ensure_one()
        rows = list(itertools.islice(self._read_rows(), self.rows_done, self.rows_done + batch_size))
        mapping = {int(index): fname for index, fname in self.mapping.items()}
        savepoint = self.env.cr.savepoint() if self.dry_run else None
        try:
            result = self.env["crm.lead"]._import_rows(
                self.header, rows, mapping, self.policy, self.match_keys.split(","), self.historical,
                dry_run=self.dry_run, first_row=self.rows_done + 2, replace_contacts=self.replace_contacts,
                own_lead_ids=set(self.created_lead_ids or ()), phone_country=self.phone_country_id or None)
        finally:
            if savepoint:
                savepoint.close(rollback=True)
                self.env.invalidate_all()
        # sudo: the counts are the job's, whoever's leads the rows touched
        job = self.sudo()
        values = {f"{status}_count": job[f"{status}_count"] + result[status]
                  for status in ("failed", "created", "skipped", "overwritten", "merged")}
        values.update(rows_done=self.rows_done + len(rows), state="running",
                      failed_rows=(job.failed_rows or []) + result["failed_rows"],
                      created_lead_ids=(job.created_lead_ids or []) + (
                          [] if self.dry_run else result["created_ids"]))
        if values["rows_done"] >= self.rows_total:
            values["state"] = "done"
        job.write(values)
        if job.state == "done":
            job._finish()

    @api.model
    def _purge_files(self):
        """Delete what finished imports keep of their files: the rows (left
        by a job finished before they were deleted at its end), the failed
        rows after JOB_FILE_DAYS days; and the import screens, files
        included, after an hour (see lead.import.wizard)."""
        # sudo: the cron purges every user's jobs
        Job = self.sudo()
        Job.search([("state", "in", ("done", "failed")), ("rows_file", "!=", False)])._close({})
        Job.search([("date_done", "<", fields.Datetime.now() - timedelta(days=JOB_FILE_DAYS)),
                    ("error_filename", "!=", False)]).write({"error_file": False, "error_filename": False})
        self.env["lead.import.wizard"]._transient_vacuum()

    def _close(self, values):
        """Write ``values`` on the jobs that end, the failed rows as an XLSX
        file, and delete the rows: nothing of the file is kept but the
        failed rows."""
        rtl = get_lang(self.env).direction == "rtl"
        for job in self:
            job_values = dict(values, rows_file=False, failed_rows=False, created_lead_ids=False,
                              date_done=job.date_done or fields.Datetime.now())
            if job.failed_rows:
                content = spreadsheet.write_xlsx(
                    [*job.header, self.env._("Error")],
                    [[*row["values"], row["error"]] for row in job.failed_rows], rtl=rtl)
                job_values.update(error_file=base64.b64encode(content),
                                  error_filename=self.env._("%(file)s - failed rows.xlsx", file=job.name))
            # sudo: the job's files are written whoever's rights the rows were imported with
            job.sudo().write(job_values)

    def _stop(self, error):
        """The job failed: what it imported stays, the user is told why."""
        self._close({"state": "failed", "error": str(error)[:2000]})
        self.message_notify(
            body=Markup("<p>%s</p>") % self.env._(
                "Import of %(file)s stopped after %(done)s rows: %(error)s", file=self.name, done=self.rows_done,
                error=str(error)[:500]),
            partner_ids=self.user_id.partner_id.ids, subject=self.env._("Import of %(file)s stopped", file=self.name))

    def _read_rows(self):
        # sudo: the file is the job's attachment
        content = base64.b64decode(self.sudo().rows_file or b"")
        return csv.reader(io.StringIO(content.decode()))

    def _finish(self):
        """The failed rows as an XLSX file, and a notification to the user."""
        self._close({})
        counts = {"file": self.name, "created": self.created_count, "merged": self.merged_count,
                  "overwritten": self.overwritten_count, "skipped": self.skipped_count, "failed": self.failed_count}
        if self.dry_run:
            body = self.env._(
                "Test of %(file)s done, nothing imported: %(created)s would be created, %(merged)s merged, "
                "%(overwritten)s overwritten, %(skipped)s skipped, %(failed)s would fail.", **counts)
            subject = self.env._("Test of %(file)s done", file=self.name)
        else:
            body = self.env._(
                "Import of %(file)s done: %(created)s created, %(merged)s merged, %(overwritten)s overwritten, "
                "%(skipped)s skipped, %(failed)s failed.", **counts)
            subject = self.env._("Import of %(file)s done", file=self.name)
        self.message_notify(body=Markup("<p>%s</p>") % body, partner_ids=self.user_id.partner_id.ids,
                            subject=subject)

    def action_open_failed_rows(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_file/{url_quote(self.error_filename)}?download=true",
            "target": "self",
        }

