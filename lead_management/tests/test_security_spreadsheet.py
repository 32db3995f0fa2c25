import base64
import io
import zipfile

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged, users

from ..tools.spreadsheet import write_repeated_xlsx
from .common import LeadManagementCase
from .test_import import csv_file


def zip_bomb(rows=1_000_000, cell="x"):
    """An XLSX file of a header (Name, Mobile) and ``rows`` rows of
    ``cell``: the same row again and again compresses about 400 times
    (1,000,000 rows: some 140 KB)."""
    return write_repeated_xlsx(["Name", "Mobile"], [cell], rows)


@tagged("post_install", "-at_install", "lead_management_import")
class TestSpreadsheetSecurity(LeadManagementCase):
    """Files made to attack: formulas written back to the user's
    spreadsheet, files that take the worker's memory or time."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.country_ir
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")

    def wizard(self, content, filename, **values):
        return self.env["lead.import.wizard"].create({
            "file": base64.b64encode(content), "filename": filename, **values})

    @users("lm_salesman")
    def test_failed_rows_file_has_no_formula(self):
        """Cells of a CSV file that a spreadsheet would run (a link, a DDE
        command) come back in the failed-rows file as texts, as typed."""
        link, command = '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"
        wizard = self.wizard(csv_file([
            ["Full Name", "Cell", "Budget", "=1+1"],
            [link, "09121110000", "lots", command],
            ["@SUM(1+1)", "+989121110001", "-1+1", "+1"],
        ]), "form export.csv")
        wizard.line_ids.filtered(lambda line: line.header == "=1+1").field_name = "description"
        wizard.action_test()
        self.assertEqual(wizard.failed_count, 2)
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file))).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        self.assertFalse([cell.coordinate for cell in cells if cell.data_type == "f"], "no cell is a formula")
        self.assertEqual([cell.value for cell in sheet[2]][:4], [link, "09121110000", "lots", command])
        self.assertEqual([cell.value for cell in sheet[3]][:4], ["@SUM(1+1)", "+989121110001", "-1+1", "+1"])
        self.assertEqual(sheet["D1"].value, "=1+1")
        self.assertTrue(all(cell.quotePrefix for cell in (sheet["A2"], sheet["D2"], sheet["B3"], sheet["D1"])))

    @users("lm_salesman")
    def test_zip_bomb_of_rows(self):
        """1,000,000 rows in 140 KB: refused after the row limit, read in
        streaming mode, nothing created."""
        content = zip_bomb()
        self.assertLess(len(content), 300_000)
        leads = self.env["crm.lead"].search_count([])
        with self.assertRaisesRegex(UserError, r"bomb\.xlsx has more than 100000 rows: split it into files of at "
                                               r"most 100000 rows\."):
            self.env["crm.lead"]._import_leads(content, "bomb.xlsx", "merge", ["mobile"], dry_run=True)
        wizard = self.wizard(content, "bomb.xlsx")
        self.assertIn("more than 100000 rows", wizard.file_error)
        self.assertFalse(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_test()
        self.assertEqual(self.env["crm.lead"].search_count([]), leads)
        self.assertFalse(self.env["lead.import.job"].search([]))

    def test_zip_bomb_of_size(self):
        """A sheet larger than the size limit once uncompressed is refused
        before it is read; both limits are settings."""
        params = self.env["ir.config_parameter"]
        params.set_param("lead_management.import_max_mb", "1")
        content = zip_bomb(rows=30_000, cell="x" * 40)  # 1.9 MB of XML in a few KB
        with self.assertRaisesRegex(UserError, r"big\.xlsx holds more than 1 MB of data \(uncompressed\)"):
            self.env["crm.lead"]._import_read_file(content, "big.xlsx")
        with self.assertRaisesRegex(UserError, r"big\.csv holds more than 1 MB"):
            self.env["crm.lead"]._import_read_file(b"Name,Mobile\n" + b"x,09121110000\n" * 80_000, "big.csv")
        params.set_param("lead_management.import_max_mb", "0")
        params.set_param("lead_management.import_max_rows", "5")
        header, rows = self.env["crm.lead"]._import_read_file(
            csv_file([["Name", "Mobile"]] + [["x", "09121110000"]] * 5), "five.csv")
        self.assertEqual((header, len(rows)), (["Name", "Mobile"], 5))
        with self.assertRaisesRegex(UserError, r"six\.csv has more than 5 rows"):
            self.env["crm.lead"]._import_read_file(csv_file([["Name", "Mobile"]] + [["x", "09121110000"]] * 6),
                                                   "six.csv")

    def test_opendocument_cell_repeated_a_billion_times(self):
        """Odoo's reader repeats a repeated cell in memory: refused before."""
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", (
                '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
                '<table:table table:name="Leads"><table:table-row><table:table-cell><text:p>Name</text:p>'
                '</table:table-cell></table:table-row><table:table-row>'
                '<table:table-cell table:number-columns-repeated="1000000000"><text:p>x</text:p></table:table-cell>'
                "<table:table-cell/></table:table-row></table:table></office:spreadsheet></office:body>"
                "</office:document-content>"))
        with self.assertRaisesRegex(UserError, r"cells\.ods has more than 500000 cells: save it as XLSX or CSV"):
            self.env["crm.lead"]._import_read_file(output.getvalue(), "cells.ods")

    @users("lm_salesman")
    def test_large_file_is_tested_in_the_background(self):
        """A test of a file above the background threshold is a job too;
        it writes nothing and tells the counts."""
        self.env["ir.config_parameter"].sudo().set_param("lead_management.import_background_rows", "3")
        existing = self._create_lead("Existing", contact_name="Row Three", mobile="09121002000", city="Karaj")
        content = csv_file([["Name", "Mobile", "City", "Budget"],
                            ["Row Two", "09121110002", "Qom", ""],
                            ["Row Three", "09121002000", "Yazd", "500"],
                            ["Row Four", "09121110004", "Rasht", "lots"],
                            ["Row Five", "09121110005", "Sari", ""]])
        wizard = self.wizard(content, "big.csv", policy="merge")
        wizard.action_test()
        job = wizard.job_id
        self.assertEqual((wizard.state, wizard.waiting_count, wizard.created_count), ("tested", 4, 0))
        self.assertFalse(wizard.preview)
        self.assertEqual((job.dry_run, job.rows_total, job.state), (True, 4, "waiting"))
        while job.state != "done":
            job._process_batch(batch_size=2)
        self.assertEqual((job.created_count, job.merged_count, job.failed_count), (2, 1, 1))
        self.assertFalse(self.env["crm.lead"].search([("contact_name", "in", ["Row Two", "Row Five"])]))
        self.assertEqual((existing.city, existing.expected_revenue), ("Karaj", 0.0), "nothing written")
        self.assertFalse(job.created_lead_ids)
        self.assertTrue(job.error_file, "the failed rows are given by the test")
        notification = self.env["mail.message"].sudo().search([
            ("model", "=", job._name), ("res_id", "=", job.id), ("message_type", "=", "user_notification")])
        self.assertIn("Test of big.csv done, nothing imported: 2 would be created", notification.body)
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertNotEqual(wizard.job_id, job)
        self.assertFalse(wizard.job_id.dry_run, "the import itself, after the test")
