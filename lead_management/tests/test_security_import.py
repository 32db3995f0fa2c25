import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged, users

from ..tools.spreadsheet import read_xlsx
from .common import LeadManagementCase
from .test_import import xlsx_file

HEADER = ["Name", "Mobile", "National ID"]
COLLEAGUE_ROW = ["Colleague's Person", "09125550001", "1122334451"]
NEW_ROW = ["Nobody Known", "09125550002", "0499370899"]


class ImportSecurityCase(LeadManagementCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.country_ir
        cls.colleague_lead = cls._create_lead(
            "Colleague's lead", user=cls.user_salesman_other, team=cls.team_iran, contact_name="Kept",
            mobile=COLLEAGUE_ROW[1], national_id=COLLEAGUE_ROW[2])

    def import_rows(self, rows, policy, **kwargs):
        result = self.env["crm.lead"]._import_leads(xlsx_file([HEADER, *rows]), "leads.xlsx", policy,
                                                    ["national_id", "mobile"], **kwargs)
        self.flush_deferred()
        return result

    def new_wizard(self, rows=(COLLEAGUE_ROW,), user=None, **values):
        return self.env["lead.import.wizard"].with_user(user or self.env.user).create({
            "file": base64.b64encode(xlsx_file([HEADER, *rows])), "filename": "secret.xlsx", **values})


@tagged("post_install", "-at_install", "lead_management_security", "lead_management_import")
class TestImportIsNoOracle(ImportSecurityCase):
    """A row matching a lead the importer may not read is a new person for
    him: nothing in the result tells the colleague's lead exists."""

    def assertSameAsNewPerson(self, policy, **kwargs):
        results = []
        for row in (COLLEAGUE_ROW, NEW_ROW):
            savepoint = self.env.cr.savepoint()
            results.append(self.import_rows([row], policy, **kwargs))
            savepoint.close(rollback=True)
        colleague, unknown = results
        for result in (colleague, unknown):
            result.pop("header")
            result.pop("changes", None)
            result["lead_ids"] = {status: len(ids) for status, ids in result["lead_ids"].items()}
            result["created_ids"] = len(result["created_ids"])
        self.assertEqual(colleague, unknown, "the colleague's lead is invisible in the result")
        return colleague

    @users("lm_salesman")
    def test_each_policy_treats_the_colleague_lead_as_new(self):
        for policy in ("skip", "overwrite", "merge"):
            with self.subTest(policy=policy):
                result = self.assertSameAsNewPerson(policy, replace_contacts=True)
                self.assertEqual((result["created"], result["failed"], result["failed_rows"]), (1, 0, []))
        self.assertEqual(self.colleague_lead.sudo().contact_name, "Kept", "never updated by the importer")

    @users("lm_salesman")
    def test_dry_run_shows_no_colleague_lead(self):
        result = self.import_rows([COLLEAGUE_ROW], "merge", dry_run=True)
        self.assertEqual((result["created"], result["merged"]), (1, 0))
        self.assertEqual(result["changes"], {"skip": [], "overwrite": [], "merge": []})

    @users("lm_salesman")
    def test_new_lead_takes_the_same_identifiers(self):
        result = self.import_rows([COLLEAGUE_ROW], "skip")
        lead = self.env["crm.lead"].browse(result["lead_ids"]["created"])
        self.assertEqual((lead.national_id, lead.mobile), ("1122334451", "09125550001"),
                         "no unique constraint refuses a second lead of the same national id")
        self.assertNotEqual(lead, self.colleague_lead)

    @users("lm_salesman")
    def test_own_and_unassigned_leads_still_match(self):
        own = self._create_lead("Own", user=self.user_salesman, mobile="09125550003")
        self.lead_unassigned.sudo().mobile = "09125550004"
        result = self.import_rows([["A", "09125550003", ""], ["B", "09125550004", ""]], "skip")
        self.assertEqual(result["skipped"], 2)
        self.assertEqual(sorted(result["lead_ids"]["skipped"]), sorted((own | self.lead_unassigned).ids))

    @users("lm_salesman")
    def test_readable_lead_is_preferred_to_a_stronger_unreadable_match(self):
        own = self._create_lead("Own", user=self.user_salesman, mobile="09125550005")
        result = self.import_rows([["Both", "09125550005", COLLEAGUE_ROW[2]]], "skip")
        self.assertEqual(result["lead_ids"]["skipped"], own.ids, "matched among the leads he reads")

    @users("lm_salesman_all")
    def test_salesperson_of_all_leads_still_may_not_update_them(self):
        result = self.import_rows([COLLEAGUE_ROW], "overwrite", replace_contacts=True)
        self.assertEqual(result["failed"], 1, "he reads the lead: the refusal tells him nothing new")
        self.assertIn("only sales managers", result["failed_rows"][0]["error"])

    @users("lm_manager")
    def test_manager_updates_the_colleague_lead(self):
        result = self.import_rows([COLLEAGUE_ROW], "overwrite", replace_contacts=True)
        self.assertEqual(result["lead_ids"]["overwritten"], self.colleague_lead.ids)

    @users("lm_salesman")
    def test_result_lists_only_readable_leads(self):
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "True")
        territory = self.env["lead.territory"].sudo().create({
            "name": "Colleague's territory", "sequence": 1, "team_id": self.team_iran.id,
            "user_ids": [(6, 0, self.user_salesman_other.ids)], "country_ids": [(6, 0, self.country_ir.ids)]})
        result = self.import_rows([NEW_ROW], "skip")
        self.assertEqual(result["created"], 1)
        created = self.env["crm.lead"].sudo().search([("mobile", "=", NEW_ROW[1])])
        self.assertEqual(created.territory_id, territory, "routed to the colleague")
        self.assertEqual(result["lead_ids"]["created"], [], "he may no longer read it")

    @users("lm_salesman")
    def test_background_job_treats_the_colleague_lead_as_new(self):
        self.env["ir.config_parameter"].sudo().set_param("lead_management.import_background_rows", "1")
        result = self.import_rows([COLLEAGUE_ROW, NEW_ROW], "overwrite", replace_contacts=True)
        job = self.env["lead.import.job"].browse(result["job_id"])
        job._process_batch()
        self.assertEqual((job.state, job.created_count, job.failed_count, job.overwritten_count), ("done", 2, 0, 0))
        self.assertFalse(job.error_file)

    @users("lm_salesman")
    def test_background_job_finds_the_lead_it_created_for_a_colleague(self):
        """A person's rows in two batches: the lead the first one created,
        routed to a colleague, is still the same person for the second (no
        duplicate); it is the colleague's, so the row follows the policy."""
        self.env["ir.config_parameter"].sudo().set_param("lead_management.import_background_rows", "1")
        self.env["ir.config_parameter"].sudo().set_param("lead_management.auto_assign", "True")
        self.env["lead.territory"].sudo().create({
            "name": "Colleague's territory", "sequence": 1, "team_id": self.team_iran.id,
            "user_ids": [(6, 0, self.user_salesman_other.ids)], "country_ids": [(6, 0, self.country_ir.ids)]})
        result = self.import_rows([NEW_ROW, NEW_ROW], "skip")
        job = self.env["lead.import.job"].browse(result["job_id"])
        job._process_batch(batch_size=1)
        job._process_batch(batch_size=1)
        self.flush_deferred()
        created = self.env["crm.lead"].sudo().search([("mobile", "=", NEW_ROW[1])])
        self.assertEqual(created.user_id, self.user_salesman_other, "one lead, routed to the colleague")
        self.assertEqual((job.state, job.created_count, job.skipped_count), ("done", 1, 1))


@tagged("post_install", "-at_install", "lead_management_security", "lead_management_import")
class TestImportFilesArePrivate(ImportSecurityCase):
    """The uploaded spreadsheet, its columns, the failed rows and the saved
    mapping are the importer's (and the sales managers')."""

    def test_wizard_of_a_colleague_is_not_readable(self):
        wizard = self.env["lead.import.wizard"].with_user(self.user_salesman).create({
            "file": base64.b64encode(xlsx_file([HEADER, COLLEAGUE_ROW])), "filename": "secret.xlsx"})
        wizard.action_test()
        self.assertTrue(wizard.line_ids)
        for user in (self.user_salesman_other, self.user_salesman_all):
            with self.subTest(user=user.login):
                Wizard = self.env["lead.import.wizard"].with_user(user)
                with self.assertRaises(AccessError):
                    Wizard.browse(wizard.id).read(["file"])
                with self.assertRaises(AccessError):
                    wizard.line_ids.with_user(user).read(["sample"])
                self.assertFalse(Wizard.search([("id", "=", wizard.id)]))
                self.assertFalse(self.env["lead.import.wizard.line"].with_user(user).search(
                    [("wizard_id", "=", wizard.id)]))
        self.assertTrue(wizard.with_user(self.user_manager).read(["file"])[0]["file"])

    def test_file_is_not_left_in_base_import(self):
        Import = self.env["base_import.import"]
        before = Import.search([])
        content = "\n".join(",".join(row) for row in (HEADER, NEW_ROW)).encode()
        wizard = self.env["lead.import.wizard"].with_user(self.user_salesman).create({
            "file": base64.b64encode(content), "filename": "secret.csv"})
        self.assertTrue(wizard.line_ids, "read by base_import")
        wizard.action_import()
        self.assertEqual(wizard.created_count, 1)
        self.assertEqual(Import.search([]), before, "no base_import.import any user could read holds the file")

    def test_saved_mapping_is_the_importers(self):
        wizard = self.env["lead.import.wizard"].with_user(self.user_salesman).create({
            "file": base64.b64encode(xlsx_file([HEADER, NEW_ROW])), "filename": "secret.xlsx"})
        wizard.action_import()
        mapping = self.env["lead.import.mapping"].search([("name", "=", "secret.xlsx")])
        self.assertTrue(mapping)
        with self.assertRaises(AccessError):
            mapping.with_user(self.user_salesman_other).read(["name", "header_key"])
        self.assertFalse(self.env["lead.import.mapping"].with_user(self.user_salesman_other).search([]))
        mapping.with_user(self.user_manager).read(["name"])

    def test_import_screens_expire_after_an_hour(self):
        Wizard = self.env["lead.import.wizard"]
        self.assertEqual((Wizard._transient_max_hours, self.env["lead.import.wizard.line"]._transient_max_hours),
                         (1.0, 1.0), "whatever the server's transient_age_limit")
        old, recent = self.new_wizard(), self.new_wizard()
        self.env.flush_all()
        # the vacuum compares with the database's clock: the screens are made older than it
        self.env.cr.execute("UPDATE lead_import_wizard SET write_date = (now() AT TIME ZONE 'UTC') - %s::interval"
                            " WHERE id = %s", ("61 minutes", old.id))
        self.env.cr.execute("UPDATE lead_import_wizard SET write_date = (now() AT TIME ZONE 'UTC') - %s::interval"
                            " WHERE id = %s", ("50 minutes", recent.id))
        self.env["lead.import.job"]._cron_process_jobs()
        self.assertFalse(old.exists(), "deleted by the import cron, not only by the daily autovacuum")
        self.assertTrue(recent.exists())

    def test_job_keeps_no_rows_once_done(self):
        self.env["ir.config_parameter"].set_param("lead_management.import_background_rows", "1")
        with freeze_time("2026-03-02 08:00:00"):
            result = self.env["crm.lead"].with_user(self.user_salesman)._import_leads(
                xlsx_file([HEADER, NEW_ROW, ["Bad", "09125550009", "123"]]), "big.xlsx", "skip", ["mobile"])
            job = self.env["lead.import.job"].browse(result["job_id"])
            self.assertTrue(job.rows_file)
            job.with_user(self.user_salesman)._process_batch()
            self.assertEqual(job.state, "done")
            job.invalidate_recordset()
            self.assertFalse(job.rows_file)
            self.assertFalse(job.failed_rows or job.created_lead_ids)
            self.assertFalse(self.env["ir.attachment"].search_count([
                ("res_model", "=", "lead.import.job"), ("res_id", "=", job.id), ("res_field", "=", "rows_file")]))
            self.assertEqual(len(list(read_xlsx(base64.b64decode(job.error_file)))), 2, "the failed rows are his")
        with freeze_time("2026-03-31 08:00:00"):
            self.env["lead.import.job"]._cron_process_jobs()
            job.invalidate_recordset()
            self.assertTrue(job.error_file, "kept for a while")
        with freeze_time("2026-04-02 08:00:00"):
            self.env["lead.import.job"]._cron_process_jobs()
            job.invalidate_recordset()
            self.assertFalse(job.error_file, "deleted after 30 days")
            self.assertFalse(self.env["ir.attachment"].search_count([
                ("res_model", "=", "lead.import.job"), ("res_id", "=", job.id)]))


@tagged("post_install", "-at_install", "lead_management_security", "lead_management_import")
class TestImportFileOverHttp(HttpCase):
    """/web/content gives the uploaded file to its importer only."""

    def test_colleague_gets_no_file(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        users_ = {login: self.env["res.users"].create({
            "name": login, "login": login, "password": f"{login}-pass-12345", "email": f"{login}@example.com",
            "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])]})
            for login in ("lm_http_owner", "lm_http_colleague")}
        wizard = env["lead.import.wizard"].with_user(users_["lm_http_owner"]).create({
            "file": base64.b64encode(xlsx_file([HEADER, NEW_ROW])), "filename": "secret.xlsx"})
        url = f"/web/content/lead.import.wizard/{wizard.id}/file"
        self.authenticate("lm_http_colleague", "lm_http_colleague-pass-12345")
        response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"Nobody Known", response.content)
        self.authenticate("lm_http_owner", "lm_http_owner-pass-12345")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "the importer downloads his file")
