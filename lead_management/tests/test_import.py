import base64
import csv
import io
import os
import shutil
import subprocess
import tempfile
import zipfile

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users

from ..tools.spreadsheet import read_xlsx
from .common import LeadManagementCase, TerritoryCase

PERSIAN_HEADER = ["نام", "نام خانوادگی", "موبایل", "کد ملی", "ایمیل", "شرکت", "استان", "شهر", "منبع"]


def xlsx_file(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def csv_file(rows, encoding="utf-8", delimiter=","):
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(rows)
    return output.getvalue().encode(encoding)


def libreoffice_file(case, rows, extension):
    """``rows`` as LibreOffice Calc saves them in ``extension`` (xlsx, xls)
    after opening them as a CSV file: numbers as numbers, as a user's sheet."""
    soffice = shutil.which("soffice")
    if not soffice:
        case.skipTest("LibreOffice is not installed (no soffice on PATH): scripts/setup.sh installs it")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "leads.csv")
        with open(path, "wb") as file:
            file.write(csv_file(rows))
        subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--infilter=CSV:44,34,76,1", "--convert-to", extension, "--outdir", folder, path],
                       check=True, capture_output=True, timeout=180)
        with open(os.path.join(folder, f"leads.{extension}"), "rb") as file:
            return file.read()


@tagged("post_install", "-at_install", "lead_management_import")
class TestImportLeads(LeadManagementCase):
    """crm.lead._import_leads on files written here: reading, mapping, each
    policy on each key, duplicates inside the file, dry run, errors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.country_ir
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.Lead = cls.env["crm.lead"]
        # provinces are named in Persian by the translations of the addon
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.env["ir.module.module"]._load_module_terms(["lead_management"], ["fa_IR"], overwrite=True)
        cls.existing = cls._create_lead(
            "Existing lead", user=cls.user_salesman, team=cls.team_iran, contact_name="Typed By Rep",
            mobile="+98 912 100 2000", national_id="1122334451", email_from="known@example.com", city="Karaj",
            phone="021 8800 1122", vat="411222333", external_id="CRM-7")

    def import_rows(self, rows, policy="merge", keys=("mobile",), filename="leads.xlsx", **kwargs):
        content = xlsx_file(rows) if isinstance(rows, list) else rows
        result = self.env["crm.lead"]._import_leads(content, filename, policy, list(keys), **kwargs)
        self.flush_deferred()
        return result

    def test_persian_headers_and_values(self):
        result = self.import_rows([
            PERSIAN_HEADER,
            ["علي", "رضايي", "۰۹۱۲ ۳۰۰ ۴۰۰۰", "۰۰۱۳۵۴۲۴۱۹", "Ali@Example.com", "شرکت نمونه", "تهران", "تهران",
             "Exhibition"],
            ["سارا", "نوری", "۰۹۱۲ ۳۰۰ ۴۰۰۱", "", "", "", "ناکجاآباد", "", ""],
        ])
        self.assertEqual((result["created"], result["failed"]), (1, 1), result["failed_rows"])
        self.assertIn("Row 3, column استان: State: ناکجاآباد is not a state of Iran",
                      result["failed_rows"][0]["error"])
        lead = self.Lead.browse(result["lead_ids"]["created"])
        self.assertEqual(lead.contact_name, "علي رضايي", "as typed (with Arabic yeh)")
        self.assertEqual((lead.mobile, lead.national_id, lead.email_from), ("0912 300 4000", "0013542419",
                                                                           "ali@example.com"))
        self.assertEqual(lead.state_id, self.env.ref("lead_management.state_ir_tehran"),
                         "the province in Persian, whatever the user's language")
        self.assertEqual(lead.source_id.name, "Exhibition")
        self.assertEqual(lead.partner_name, "شرکت نمونه")

    def test_import_source_and_georgian_headers(self):
        result = self.import_rows([["სახელი", "ტელეფონი", "ელფოსტა"], ["Nino", "+995 555 12 34 56", "nino@example.ge"]],
                                  keys=("email_from",))
        lead = self.Lead.browse(result["lead_ids"]["created"])
        self.assertEqual((lead.contact_name, lead.phone), ("Nino", "+995 555 12 34 56"))
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_import"))

    def test_policies_on_each_key(self):
        header = ["Name", "Mobile", "National ID", "Email", "City", "Company", "Phone", "Economic Code", "Reference"]
        rows_by_key = {
            "mobile": ["New Name", "۰۹۱۲۱۰۰۲۰۰۰", "", "", "", "Acme", "", "", ""],
            "national_id": ["New Name", "", "1122334451", "", "", "Acme", "", "", ""],
            "email_from": ["New Name", "", "", "KNOWN@example.com", "", "Acme", "", "", ""],
            "phone": ["New Name", "", "", "", "", "Acme", "+98 21 8800 1122", "", ""],
            "vat": ["New Name", "", "", "", "", "Acme", "", "411-222-333", ""],
            "external_id": ["New Name", "", "", "", "", "Acme", "", "", "CRM-7"],
        }
        for key, row in rows_by_key.items():
            for policy in ("skip", "merge", "overwrite"):
                with self.subTest(key=key, policy=policy), self.env.cr.savepoint() as savepoint:
                    result = self.import_rows([header, row], policy=policy, keys=(key,), replace_contacts=True)
                    status = {"skip": "skipped", "merge": "merged", "overwrite": "overwritten"}[policy]
                    self.assertEqual((result[status], result["created"]), (1, 0))
                    self.assertEqual(result["lead_ids"][status], self.existing.ids)
                    lead = self.existing
                    if policy == "skip":
                        self.assertEqual((lead.contact_name, lead.partner_name), ("Typed By Rep", False))
                    elif policy == "merge":
                        self.assertEqual((lead.contact_name, lead.partner_name, lead.city),
                                         ("New Name", "Acme", "Karaj"), "empty cells leave the lead as it is")
                    else:
                        self.assertEqual((lead.contact_name, lead.partner_name, lead.city), ("New Name", "Acme", False),
                                         "every mapped column, empty cells included")
                        self.assertEqual(bool(lead[key]), True, "the key it matched on is in the row")
                    savepoint.rollback()
                    self.existing.invalidate_recordset()

    def test_change_note_in_chatter(self):
        self.import_rows([["Name", "Mobile", "City"], ["<b>New</b> Name", "09121002000", "Tabriz"]],
                         replace_contacts=True)
        note = self.existing.message_ids.filtered(lambda message: "Updated by an import" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Karaj → Tabriz", note.body)
        self.assertIn("Typed By Rep → &lt;b&gt;New&lt;/b&gt; Name", note.body)

    def test_empty_cells_are_not_what_a_new_lead_would_get(self):
        referral = self.env.ref("lead_management.utm_source_referral")
        self.existing.source_id = referral
        rows = [["Subject", "Mobile", "Source", "City"], ["", "09121002000", "", "Tabriz"]]
        self.import_rows(rows, policy="merge")
        self.assertEqual((self.existing.name, self.existing.source_id, self.existing.city),
                         ("Existing lead", referral, "Tabriz"), "no title made up, no source Import")
        self.import_rows(rows, policy="overwrite")
        self.assertEqual((self.existing.name, self.existing.source_id), ("Existing lead", self.env["utm.source"]),
                         "overwrite empties the source column's field, and a lead keeps its title")

    def test_duplicates_inside_the_file(self):
        header = ["Name", "Mobile", "City", "Company"]
        rows = [header, ["First", "09123330000", "Rasht", ""], ["Second", "+989123330000", "", "Acme"],
                ["Third", "00989123330000", "Sari", ""]]
        for policy, expected in (("skip", ("First", "Rasht", False)), ("merge", ("Third", "Sari", "Acme")),
                                 ("overwrite", ("Third", "Sari", False))):
            with self.subTest(policy=policy), self.env.cr.savepoint() as savepoint:
                result = self.import_rows(rows, policy=policy)
                self.assertEqual(result["created"], 1)
                status = {"skip": "skipped", "merge": "merged", "overwrite": "overwritten"}[policy]
                self.assertEqual(result[status], 2)
                lead = self.Lead.browse(result["lead_ids"]["created"])
                self.assertEqual((lead.contact_name, lead.city, lead.partner_name), expected)
                self.assertEqual(result["lead_ids"][status], lead.ids)
                savepoint.rollback()

    def test_dry_run_equals_real_run(self):
        rows = [["Name", "Mobile", "National ID", "Budget", "Closing Date"],
                ["Known", "09121002000", "", "1,200", ""],
                ["New One", "09124445555", "", "۱۲٬۵۰۰", "۱۴۰۵/۱۰/۱۰"],
                ["Bad", "09126667777", "1234567890", "", ""],
                ["Bad Number", "09128889999", "", "twelve", ""]]
        leads_before = self.Lead.search_count([])
        dry = self.import_rows(rows, dry_run=True, replace_contacts=True)
        self.assertEqual(self.Lead.search_count([]), leads_before, "the test writes nothing")
        self.assertFalse(self.existing.expected_revenue)
        real = self.import_rows(rows, replace_contacts=True)
        for key in ("failed", "waiting", "created", "skipped", "overwritten", "merged"):
            self.assertEqual(dry[key], real[key], key)
        self.assertEqual((real["created"], real["merged"], real["failed"]), (1, 1, 2))
        self.assertEqual([row["error"] for row in dry["failed_rows"]], [row["error"] for row in real["failed_rows"]])
        self.assertIn("Row 4, column National ID:", real["failed_rows"][0]["error"])
        self.assertIn("Row 5, column Budget: twelve is not a number", real["failed_rows"][1]["error"])
        new = self.Lead.browse(real["lead_ids"]["created"])
        self.assertEqual((new.expected_revenue, str(new.date_deadline)), (12500.0, "2026-12-31"))
        self.assertEqual(self.existing.expected_revenue, 1200.0)

    def test_csv_encodings_and_delimiters(self):
        rows = [["نام", "موبایل", "شهر"], ["مریم", "09125556666", "اصفهان"]]
        for encoding, delimiter, bom in (("utf-8", ",", b""), ("utf-8", ";", b"\xef\xbb\xbf"),
                                         ("windows-1256", ";", b""), ("utf-8", "\t", b"")):
            with self.subTest(encoding=encoding, delimiter=delimiter, bom=bool(bom)), \
                    self.env.cr.savepoint() as savepoint:
                if encoding == "windows-1256":  # what Persian Excel writes: Arabic yeh and kaf
                    rows = [[cell.replace("ی", "ي").replace("ک", "ك") for cell in row] for row in rows]
                content = bom + csv_file(rows, encoding, delimiter)
                name = rows[1][0]
                result = self.import_rows(content, filename="leads.csv", policy="skip")
                self.assertEqual(result["created"], 1, result["failed_rows"])
                lead = self.Lead.browse(result["lead_ids"]["created"])
                self.assertEqual((lead.contact_name, lead.city), (name, "اصفهان"))
                savepoint.rollback()

    def test_broken_files(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("notes.txt", "hello")
        cases = {
            "random.xlsx": bytes(range(256)) * 8,
            "renamed.xlsx": archive.getvalue(),
            "empty.csv": b"",
            "headers.csv": "نام,موبایل\n".encode(),
            "unknown.csv": b"foo,bar\n1,2\n",
        }
        for filename, content in cases.items():
            with self.subTest(filename=filename), self.assertRaises(UserError) as caught:
                self.import_rows(content, filename=filename)
            self.assertIn(filename, str(caught.exception) + filename)
        with self.assertRaisesRegex(UserError, "no column holds"):
            self.import_rows([["Name", "Email"], ["A", "a@example.com"]], keys=("mobile",))
        with self.assertRaisesRegex(UserError, "Duplicate policy"):
            self.import_rows([["Name", "Mobile"], ["A", "09120000000"]], policy="replace")

    def test_explicit_mapping_and_bad_rows_fail_alone(self):
        rows = [["col a", "col b", "col c"],
                ["Row Two", "09127778888", "x" * 300],
                ["Row Three", "not a phone", "Tehran"],
                ["Row Four", "09127779999", "Qom"]]
        result = self.import_rows(rows, mapping={0: "contact_name", 1: "mobile", 2: "city"})
        self.assertEqual((result["created"], result["failed"]), (1, 2))
        errors = [row["error"] for row in result["failed_rows"]]
        self.assertIn("Row 2, column col c: City: expected at most 128 characters", errors[0])
        self.assertIn("Row 3, column col b:", errors[1])
        self.assertEqual(self.Lead.browse(result["lead_ids"]["created"]).city, "Qom")

    def test_export_covers_the_addon_fields(self):
        """Odoo's own export (selected, page, all; CSV or XLSX) reads the addon's fields like any other."""
        fnames = ["national_id", "vat", "lead_status", "score", "temperature", "qualification_stage", "sla_status",
                  "source_id/name", "external_id", "is_returning_customer"]
        fnames = [fname for fname in fnames if fname.split("/")[0] in self.Lead._fields]
        exportable = self.Lead.fields_get([fname.split("/")[0] for fname in fnames], ["exportable"])
        self.assertTrue(all(info.get("exportable", True) for info in exportable.values()))
        rows = self.existing.export_data(fnames)["datas"]
        self.assertEqual(rows[0][fnames.index("national_id")], "1122334451")

    def test_merge_replaces_another_persons_name_or_email_only_when_confirmed(self):
        rows = [["Name", "Mobile", "Email", "City"], ["Another Person", "09121002000", "another@example.com", "Tabriz"]]
        for policy in ("merge", "overwrite"):
            with self.subTest(policy=policy):
                result = self.import_rows(rows, policy=policy)
                self.assertEqual((result["failed"], result["merged"], result["overwritten"]), (1, 0, 0))
                self.assertIn("Row 2: the matching lead is about another person (Contact Name: Typed By Rep → "
                              "Another Person, Email: known@example.com → another@example.com)",
                              result["failed_rows"][0]["error"])
                self.assertEqual((self.existing.contact_name, self.existing.email_from, self.existing.city),
                                 ("Typed By Rep", "known@example.com", "Karaj"), "the lead is left as it was")
        same_person = self.import_rows([["Name", "Mobile", "Email", "City"],
                                        ["typed  by REP", "09121002000", "Known@Example.com", "Tabriz"]])
        self.assertEqual(same_person["merged"], 1, "the same name and address, written otherwise")
        self.assertEqual(self.existing.city, "Tabriz")
        confirmed = self.import_rows(rows, replace_contacts=True)
        self.assertEqual(confirmed["merged"], 1)
        self.assertEqual((self.existing.contact_name, self.existing.email_from),
                         ("Another Person", "another@example.com"))

    def test_dry_run_shows_what_each_policy_would_change(self):
        rows = [["Name", "Mobile", "City", "Company"], ["Another Person", "09121002000", "", "Acme"],
                ["Someone New", "09124445555", "Qom", ""]]
        result = self.import_rows(rows, policy="skip", dry_run=True)
        self.assertEqual((result["skipped"], result["created"]), (1, 1))
        changes = result["changes"]
        self.assertEqual(changes["skip"], [])
        self.assertEqual([(lead["lead_id"], lead["lead"], lead["replaces_contact"]) for lead in changes["merge"]],
                         [(self.existing.id, "Existing lead", True)])
        self.assertEqual({(field["field"], field["old"], field["new"], field["replaces_contact"])
                          for field in changes["merge"][0]["fields"]},
                         {("Contact Name", "Typed By Rep", "Another Person", True),
                          ("Company Name", "—", "Acme", False), ("Mobile", "+98 912 100 2000", "09121002000", False)})
        self.assertEqual({(field["field"], field["old"], field["new"]) for field in changes["overwrite"][0]["fields"]},
                         {("Contact Name", "Typed By Rep", "Another Person"), ("Company Name", "—", "Acme"),
                          ("Mobile", "+98 912 100 2000", "09121002000"), ("City", "Karaj", "—")},
                         "the empty cell empties the city")
        self.assertEqual((self.existing.contact_name, self.existing.city), ("Typed By Rep", "Karaj"))

    def test_number_cells_of_libreoffice_keep_their_leading_zeros(self):
        rows = [["Name", "Mobile", "National ID", "Phone", "Country"],
                ["Tehran Person", "09121234567", "0499370899", "02188776655", ""],
                ["Nino", "555123456", "01024054321", "0322123456", "GE"]]
        for extension in ("xlsx", "xls"):
            with self.subTest(extension=extension), self.env.cr.savepoint() as savepoint:
                content = libreoffice_file(self, rows, extension)
                if extension == "xlsx":
                    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
                    self.assertEqual((sheet["B2"].value, sheet["C2"].value), (9121234567, 499370899),
                                     "LibreOffice stores them as numbers")
                filename = f"leads.{extension}"
                result = self.import_rows(content, filename=filename, keys=("national_id",))
                self.assertEqual((result["created"], result["failed"]), (2, 0), result["failed_rows"])
                leads = self.Lead.browse(result["lead_ids"]["created"])
                self.assertEqual([(lead.national_id, lead.mobile, lead.phone) for lead in leads], [
                    ("0499370899", "09121234567", "02188776655"), ("01024054321", "555123456", "0322123456")])
                again = self.import_rows(content, filename=filename, policy="skip", keys=("national_id", "mobile"))
                self.assertEqual((again["skipped"], again["created"]), (2, 0), "matched on the restored values")
                savepoint.rollback()

    def test_number_cells_of_openpyxl_keep_their_leading_zeros(self):
        result = self.import_rows([["Name", "Mobile", "National ID", "Phone"],
                                   ["Numbers", 9121234567, 499370899, 2188776655.0],
                                   ["Invalid Id", 9121234568, 13542418, None]], keys=("national_id",))
        self.assertEqual((result["created"], result["failed"]), (1, 1), result["failed_rows"])
        lead = self.Lead.browse(result["lead_ids"]["created"])
        self.assertEqual((lead.national_id, lead.mobile, lead.phone), ("0499370899", "09121234567", "02188776655"))
        self.assertIn("13542418 is not a valid national ID", result["failed_rows"][0]["error"],
                      "no zeros make it valid: refused as written")

    @users("lm_salesman")
    def test_salesperson_imports_but_does_not_overwrite_others_leads(self):
        other = self._create_lead("Other's", user=self.user_salesman_other, team=self.team_iran,
                                  mobile="09121212121")
        result = self.import_rows([["Name", "Mobile"], ["Mine Now", "09121212121"], ["Own Import", "09123434343"]],
                                  policy="overwrite")
        self.assertEqual((result["created"], result["failed"]), (2, 0), "a lead he may not read: a new person")
        self.assertEqual(other.sudo().contact_name, False)
        self.env["crm.lead"].sudo().search([("contact_name", "=", "Mine Now")]).unlink()  # the manager's match below
        own = self.import_rows([["Name", "Mobile"], ["Mine Again", "09121002000"]], policy="merge",
                               replace_contacts=True)
        self.assertEqual(own["merged"], 1, "the salesperson's own lead")
        self.assertEqual(self.existing.contact_name, "Mine Again")
        managed = self.env["crm.lead"].with_user(self.user_manager)._import_leads(
            xlsx_file([["Name", "Mobile"], ["Manager Fix", "09121212121"]]), "fix.xlsx", "overwrite", ["mobile"])
        self.assertEqual(managed["overwritten"], 1, "a sales manager updates anyone's lead")
        self.assertEqual(other.sudo().contact_name, "Manager Fix")



@tagged("post_install", "-at_install", "lead_management_import")
class TestImportWizard(LeadManagementCase):
    """The import screen: columns proposed, test, import, counts, failed rows, saved mapping."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.country_ir
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.content = xlsx_file([
            ["Full Name", "Cell", "Town", "Budget", "Something Else"],
            ["Wizard One", "09121110000", "Qom", "1000", "x"],
            ["Wizard Bad", "09121110001", "Qom", "lots", "y"],
        ])

    def new_wizard(self, **values):
        return self.env["lead.import.wizard"].create({
            "file": base64.b64encode(self.content), "filename": "exhibition.xlsx", **values})

    def test_columns_kept_after_test_and_skip_by_default(self):
        with Form(self.env["lead.import.wizard"].with_context(default_filename="exhibition.xlsx")) as form:
            form.file = base64.b64encode(self.content)
            self.assertEqual(form.policy, "skip")
        wizard = form.record
        wizard.action_test()
        self.assertEqual([(line.header, line.sample) for line in wizard.line_ids], [
            ("Full Name", "Wizard One"), ("Cell", "09121110000"), ("Town", "Qom"), ("Budget", "1000"),
            ("Something Else", "x")])

    def test_merge_asks_before_replacing_names(self):
        existing = self._create_lead("Existing", contact_name="Typed By Rep", mobile="09121110000", city="Karaj")
        wizard = self.new_wizard(policy="merge")
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.replace_count, wizard.merged_count), ("tested", 1, 0))
        self.assertEqual((existing.contact_name, existing.city), ("Typed By Rep", "Karaj"), "nothing imported yet")
        self.assertIn("Typed By Rep", wizard.preview)
        self.assertIn("Wizard One", wizard.preview)
        self.assertIn("table-warning", wizard.preview, "the replaced name is marked")
        wizard.replace_contacts = True
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.merged_count), ("done", 1))
        self.assertEqual((existing.contact_name, existing.city), ("Wizard One", "Qom"))

    @users("lm_salesman")
    def test_test_then_import(self):
        wizard = self.new_wizard()
        self.assertEqual([(line.header, line.sample, line.field_name) for line in wizard.line_ids], [
            ("Full Name", "Wizard One", "contact_name"), ("Cell", "09121110000", "mobile"),
            ("Town", "Qom", "city"), ("Budget", "1000", "expected_revenue"), ("Something Else", "x", False)])
        wizard.action_test()
        self.assertEqual((wizard.state, wizard.created_count, wizard.failed_count), ("tested", 1, 1))
        self.assertFalse(self.env["crm.lead"].search([("contact_name", "=", "Wizard One")]))
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.created_count, wizard.failed_count), ("done", 1, 1))
        action = wizard.with_context(import_status="created").action_open_leads()
        lead = self.env["crm.lead"].search(action["domain"])
        self.assertEqual((lead.contact_name, lead.expected_revenue), ("Wizard One", 1000.0))
        failed = list(read_xlsx(base64.b64decode(wizard.error_file)))
        self.assertEqual(failed[0], ["Full Name", "Cell", "Town", "Budget", "Something Else", "Error"])
        self.assertEqual(failed[1][:5], ["Wizard Bad", "09121110001", "Qom", "lots", "y"])
        self.assertIn("Row 3, column Budget: lots is not a number", failed[1][5])
        self.assertTrue(wizard.error_filename.startswith("exhibition"))

    def test_saved_mapping_is_proposed_again(self):
        wizard = self.new_wizard()
        wizard.line_ids.filtered(lambda line: line.header == "Something Else").field_name = "description"
        wizard.action_import()
        again = self.new_wizard()
        self.assertEqual(again.line_ids.filtered(lambda line: line.header == "Something Else").field_name,
                         "description")

    def test_broken_file_and_template(self):
        wizard = self.env["lead.import.wizard"].create({"file": base64.b64encode(b"\x00\x01junk"),
                                                        "filename": "junk.xlsx"})
        self.assertIn("junk.xlsx", wizard.file_error)
        self.assertFalse(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_import()
        action = self.new_wizard().with_context(lang="en_US").action_download_template()
        self.assertIn("template_file", action["url"])
        wizard = self.env["lead.import.wizard"].search([], order="id desc", limit=1)
        header = next(read_xlsx(base64.b64decode(wizard.template_file)))
        self.assertIn("Mobile", header)
        self.assertEqual(self.env["crm.lead"]._import_guess_mapping(header)[header.index("Mobile")], "mobile",
                         "the template's headers are recognized")


@tagged("post_install", "-at_install", "lead_management_import")
class TestImportInBackground(LeadManagementCase):
    """Files over the threshold: queued, imported by the cron in batches
    that commit with their progress, resumed after an interrupted batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.country_ir
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.env["ir.config_parameter"].set_param("lead_management.import_background_rows", "3")
        cls.existing = cls._create_lead("Existing", user=cls.user_salesman, team=cls.team_iran,
                                        mobile="09121002000", city="Karaj")
        cls.rows = [["Name", "Mobile", "City", "Budget"],
                    ["Row Two", "09121110002", "Qom", ""],
                    ["Row Three", "09121002000", "", "500"],     # the existing lead
                    ["Row Four", "09121110004", "Rasht", "lots"],  # fails
                    ["Row Five", "09121110005", "Sari", ""],
                    ["Row Two Again", "+989121110002", "Yazd", ""],  # row 2, in the next batch
                    ["Row Seven", "09121110007", "Ilam", ""]]

    def start(self):
        result = self.env["crm.lead"]._import_leads(xlsx_file(self.rows), "big.xlsx", "merge", ["mobile"])
        self.assertEqual((result["waiting"], result["created"]), (6, 0))
        return self.env["lead.import.job"].browse(result["job_id"])

    def test_batches_give_the_counts_of_a_direct_import(self):
        job = self.start()
        self.assertEqual((job.state, job.waiting_count, job.progress), ("waiting", 6, 0.0))
        job._process_batch(batch_size=3)
        self.assertEqual((job.state, job.rows_done, job.progress), ("running", 3, 50.0))
        job._process_batch(batch_size=3)
        self.assertEqual((job.state, job.waiting_count), ("done", 0))
        self.assertEqual((job.created_count, job.merged_count, job.failed_count), (3, 2, 1))
        self.assertEqual(self.env["crm.lead"].search([("mobile", "like", "1110002")]).city, "Yazd",
                         "row 6 merged into the lead of row 2, created by the first batch")
        self.assertEqual(self.existing.expected_revenue, 500.0)
        failed = list(read_xlsx(base64.b64decode(job.error_file)))
        self.assertIn("Row 4, column Budget:", failed[1][-1])
        notification = self.env["mail.message"].search([("model", "=", job._name), ("res_id", "=", job.id),
                                                         ("message_type", "=", "user_notification")])
        self.assertIn("3 created", notification.body)
        self.assertEqual(notification.partner_ids, self.env.user.partner_id)
        self.env["ir.config_parameter"].set_param("lead_management.import_background_rows", "0")
        self.env.cr.execute("SAVEPOINT direct")
        direct = self.env["crm.lead"]._import_leads(xlsx_file(self.rows), "big.xlsx", "merge", ["mobile"],
                                                      dry_run=True)
        self.assertEqual((direct["created"], direct["merged"], direct["failed"]), (0, 5, 1),
                         "the rows now all match the leads the job made")

    def test_interrupted_batch_is_run_again_once(self):
        job = self.start()
        job._process_batch(batch_size=2)
        interrupted = self.env.cr.savepoint()
        job._process_batch(batch_size=2)  # the worker stops before this batch commits
        interrupted.close(rollback=True)
        self.env.invalidate_all()
        self.assertEqual(job.rows_done, 2)
        while job.state != "done":
            self.env["lead.import.job"]._cron_process_jobs(batch_size=2)
        self.assertEqual(self.env["crm.lead"].search_count([("contact_name", "=", "Row Five")]), 1)
        self.assertEqual((job.created_count, job.merged_count, job.failed_count), (3, 2, 1))

    def test_a_failing_job_does_not_block_the_next(self):
        broken, job = self.start(), self.start()
        broken.sudo().rows_file = base64.b64encode(b"\xff\xfe not text")
        self.env["lead.import.job"]._cron_process_jobs(batch_size=10)
        self.assertEqual(broken.state, "failed")
        self.assertTrue(broken.error)
        self.env["lead.import.job"]._cron_process_jobs(batch_size=10)
        self.assertEqual((job.state, job.created_count), ("done", 3))

    @users("lm_salesman")
    def test_salesperson_sees_own_jobs(self):
        job = self.start()
        self.assertEqual(job.user_id, self.user_salesman)
        other = self.env["lead.import.job"].sudo().create({
            "name": "other.csv", "user_id": self.user_salesman_other.id, "policy": "skip",
            "match_keys": "mobile", "mapping": {"0": "mobile"}, "header": ["Mobile"], "rows_total": 0})
        self.assertEqual(self.env["lead.import.job"].search([]), job)
        self.assertFalse(other.with_user(self.user_salesman).has_access("read"))


@tagged("post_install", "-at_install", "lead_management_import")
class TestImportRouting(TerritoryCase):
    """New leads of an import are routed together after it; a historical
    import starts no response-time target."""

    def test_routed_after_the_import_with_or_without_sla(self):
        self.env.company.country_id = self.country_ir
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        rows = [["Name", "Mobile", "City", "Country"], ["Routed Now", "09121230001", "Isfahan", "Iran"]]
        result = self.env["crm.lead"]._import_leads(xlsx_file(rows), "now.xlsx", "merge", ["mobile"])
        lead = self.env["crm.lead"].browse(result["lead_ids"]["created"])
        self.assertIn(lead.user_id, self.rep_a | self.rep_b | self.rep_c)
        self.assertEqual(lead.source_id, self.env.ref("lead_management.utm_source_import"))
        self.assertEqual(lead.sla_status, "pending")
        rows = [["Name", "Mobile", "City", "Country"], ["From 2019", "09121230002", "Isfahan", "IR"]]
        result = self.env["crm.lead"]._import_leads(xlsx_file(rows), "old.xlsx", "merge", ["mobile"], historical=True)
        old = self.env["crm.lead"].browse(result["lead_ids"]["created"])
        self.assertIn(old.user_id, self.rep_a | self.rep_b | self.rep_c)
        self.assertEqual(old.sla_status, "none", "historical: no response-time target")
        self.assertFalse(old.activity_ids, "nor first-contact activity")

    @users("lm_salesman")
    def test_a_salespersons_import_is_routed_or_nobodys(self):
        rows = [["Name", "Mobile", "City", "Country"], ["Waiting", "09121230003", "Isfahan", "IR"]]
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "False")
        result = self.env["crm.lead"]._import_leads(xlsx_file(rows), "off.xlsx", "skip", ["mobile"])
        lead = self.env["crm.lead"].browse(result["lead_ids"]["created"])
        self.assertEqual((lead.type, lead.user_id), ("lead", self.env["res.users"]), "not the importer's")
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "True")
        rows[1][:2] = ["Routed", "09121230004"]
        result = self.env["crm.lead"]._import_leads(xlsx_file(rows), "on.xlsx", "skip", ["mobile"])
        self.assertEqual((result["created"], result["lead_ids"]["created"]), (1, []), "he may not read it now")
        lead = self.env["crm.lead"].sudo().search([("mobile", "=", "09121230004")])
        self.assertEqual(lead.type, "lead")
        self.assertIn(lead.user_id, self.rep_a | self.rep_b | self.rep_c, "the territory's, not the importer's")

@tagged("post_install", "-at_install", "lead_management_import")
class TestImportNumbersOfAnotherCountry(LeadManagementCase):
    """A company in the United States importing a file of Iranian numbers
    written as dialled in Iran."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.country_us
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.content = xlsx_file([["Full Name", "Cell"], ["Tehran Row", "0912 654 3215"],
                                 ["Shiraz Row", "۰۹۱۷ ۱۱۱ ۲۲۳۳"]])

    def test_country_of_numbers_without_a_country_code(self):
        wizard = self.env["lead.import.wizard"].create({"file": base64.b64encode(self.content),
                                                        "filename": "iran.xlsx"})
        self.assertEqual(wizard.phone_country_id, self.country_us, "the company's country by default")
        wizard.action_test()
        self.assertEqual((wizard.created_count, wizard.failed_count), (0, 2), "not numbers of the United States")
        wizard.phone_country_id = self.country_ir
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.failed_count), (2, 0))
        leads = self.env["crm.lead"].search([("contact_name", "in", ("Tehran Row", "Shiraz Row"))], order="id")
        self.assertEqual(leads.mapped("phone_sanitized"), ["+989126543215", "+989171112233"])
        self.assertEqual(leads.country_id, self.country_ir)

    def test_in_the_background(self):
        self.env["ir.config_parameter"].set_param("lead_management.import_background_rows", "1")
        result = self.env["crm.lead"]._import_leads(self.content, "iran.xlsx", "skip", ["mobile"],
                                                    phone_country=self.country_ir)
        job = self.env["lead.import.job"].browse(result["job_id"])
        self.assertEqual(job.phone_country_id, self.country_ir)
        job._process_batch()
        self.assertEqual((job.created_count, job.failed_count), (2, 0))
