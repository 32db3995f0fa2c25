import base64
import csv
import io
from datetime import date

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged, users

from ..tools.spreadsheet import parse_number
from .common import LeadManagementCase

#: Google Ads' "Campaign report" download: two title rows, the header, the
#: rows by day, then its total rows
GOOGLE_ADS_ROWS = [
    ["Campaign report"],
    ["December 1, 2026 - December 2, 2026"],
    ["Campaign", "Day", "Currency code", "Cost"],
    ["LM Brand Search", "2026-12-01", "USD", "1,234.50"],
    ["LM Brand Search", "2026-12-02", "USD", "۱۲٬۵۰۰٫۷۵"],
    ["LM Tehran Generic", "2026-12-01", "usd", "۱۲،۵۰۰"],
    ["Total: Account", "--", "USD", "13,747.75"],
    ["Total: Search", "--", "USD", "13,747.75"],
]


def csv_file(rows):
    output = io.StringIO()
    csv.writer(output).writerows(rows)
    return output.getvalue().encode()


def xlsx_file(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def meta_rows(currency="EUR"):
    """Meta Ads Manager's export: a summary row (no campaign) under the
    header, the currency in the spend column's header, Persian digits, and
    a campaign named in Persian."""
    return [
        ["Reporting starts", "Reporting ends", "Campaign name", "Results", f"Amount spent ({currency})"],
        ["2026-12-01", "2026-12-02", "", "40", "١٬٠٠٠٫٥"],
        ["2026-12-01", "2026-12-01", "LM Brand Search", "12", 250.25],
        ["۲۰۲۶-۱۲-۰۲", "2026-12-02", "کمپین عمومی تهران", "28", "۷۵۰٫۲۵"],
    ]


@tagged("post_install", "-at_install", "lead_management_analytics")
class TestMarketingCost(LeadManagementCase):
    """lead.marketing.cost: the constraint, access per role, the import of
    Google Ads and Meta Ads exports, Odoo's own import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo data's costs are not this file's: its imports are compared with all costs
        cls.env["lead.marketing.cost"].search([]).unlink()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.google_ads = cls.env.ref("lead_management.utm_source_google_ads")
        cls.meta_ads = cls.env.ref("lead_management.utm_source_meta_ads")
        Campaign = cls.env["utm.campaign"]
        cls.campaign_brand = Campaign.create({"title": "LM Brand Search"})
        cls.campaign_generic = Campaign.create({"title": "LM Tehran Generic"})
        cls.campaign_generic.with_context(lang="fa_IR").title = "کمپین عمومی تهران"
        # created here: a company created by a user is added to the user's companies
        cls.company_other = cls.env["res.company"].create({"name": "LM Other Company"})

    def _wizard(self, content, filename):
        return self.env["lead.marketing.cost.import"].create({
            "file": base64.b64encode(content), "filename": filename})

    def _costs(self, source):
        return self.env["lead.marketing.cost"].search([("source_id", "=", source.id)], order="date, amount")

    def test_google_ads_report(self):
        wizard = self._wizard(csv_file(GOOGLE_ADS_ROWS), "Campaign report.csv")
        self.assertFalse(wizard.file_error)
        self.assertEqual(wizard.layout, "google_ads")
        self.assertEqual(wizard.source_id, self.google_ads)
        self.assertEqual((wizard.row_count, wizard.error_count), (3, 0), "the total rows are no costs")
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.imported_count, wizard.replaced_count), ("done", 3, 0))
        costs = self._costs(self.google_ads)
        self.assertEqual(
            [(cost.date, cost.campaign_id, cost.amount, cost.currency_id) for cost in costs],
            [(date(2026, 12, 1), self.campaign_brand, 1234.5, self.usd),
             (date(2026, 12, 1), self.campaign_generic, 12500, self.usd),
             (date(2026, 12, 2), self.campaign_brand, 12500.75, self.usd)])
        self.assertEqual(set(costs.mapped("origin")), {"import"})
        self.assertEqual(costs.medium_id, self.google_ads.medium_id)

    def test_google_ads_excel_csv(self):
        """Google Ads' "Excel .csv" download: UTF-16, tab separated, a comma
        in the title row."""
        output = io.StringIO()
        csv.writer(output, delimiter="\t").writerows(GOOGLE_ADS_ROWS)
        wizard = self._wizard(output.getvalue().encode("utf-16"), "Campaign report.csv")
        self.assertEqual((wizard.layout, wizard.row_count, wizard.error_count), ("google_ads", 3, 0))
        wizard.action_import()
        self.assertEqual(sorted(self._costs(self.google_ads).mapped("amount")), [1234.5, 12500, 12500.75])

    def test_meta_ads_export(self):
        """XLSX, a title row above the header, the currency in the header,
        the summary row left out, a campaign named in Persian."""
        content = xlsx_file([["Campaigns - LM Ad Account"], *meta_rows()])
        wizard = self._wizard(content, "LM-Campaigns-Dec-1-2026-Dec-2-2026.xlsx")
        self.assertEqual((wizard.layout, wizard.source_id), ("meta", self.meta_ads))
        self.assertFalse(wizard.unmatched_campaigns)
        wizard.action_import()
        self.assertEqual(
            [(cost.date, cost.campaign_id, cost.amount, cost.currency_id) for cost in self._costs(self.meta_ads)],
            [(date(2026, 12, 1), self.campaign_brand, 250.25, self.eur),
             (date(2026, 12, 2), self.campaign_generic, 750.25, self.eur)])

    def test_meta_ads_day_column(self):
        rows = [["Day", "Campaign name", "Amount spent (USD)"], ["2026-12-03", "lm brand search", "99.5"]]
        wizard = self._wizard(csv_file(rows), "meta.csv")
        wizard.action_import()
        cost = self._costs(self.meta_ads)
        self.assertEqual((cost.date, cost.campaign_id, cost.amount, cost.currency_id),
                         (date(2026, 12, 3), self.campaign_brand, 99.5, self.usd))

    def test_meta_ads_without_currency(self):
        rows = [["Day", "Campaign name", "Amount spent"], ["2026-12-03", "LM Brand Search", "99.5"]]
        wizard = self._wizard(csv_file(rows), "meta.csv")
        self.assertIn("Amount spent: the currency is missing from the header", wizard.file_error)

    def test_reimport_replaces(self):
        """The same file twice: its costs once; a corrected export of the
        same days replaces them; manual costs stay."""
        manual = self.env["lead.marketing.cost"].create({
            "date": "2026-12-01", "source_id": self.google_ads.id, "campaign_id": self.campaign_brand.id,
            "amount": 5})
        self._wizard(csv_file(GOOGLE_ADS_ROWS), "Campaign report.csv").action_import()
        again = self._wizard(csv_file(GOOGLE_ADS_ROWS), "Campaign report.csv")
        again.action_import()
        self.assertEqual((again.imported_count, again.replaced_count), (3, 3))
        self.assertEqual(len(self._costs(self.google_ads)), 4)
        corrected = [[*row[:3], "2000"] if row[0] == "LM Brand Search" and row[1] == "2026-12-01" else row
                     for row in GOOGLE_ADS_ROWS]
        self._wizard(xlsx_file(corrected), "Campaign report (1).xlsx").action_import()
        costs = self._costs(self.google_ads)
        self.assertEqual(sorted(costs.mapped("amount")), [5, 2000, 12500, 12500.75])
        self.assertIn(manual, costs)

    def test_unmatched_campaigns(self):
        """Unknown names are listed, never created nor dropped silently: the
        import is refused until they are created here."""
        rows = [*GOOGLE_ADS_ROWS[:4], ["LM Winter Sale", "2026-12-01", "USD", "10"],
                ["LM Winter Sale", "2026-12-02", "USD", "11"], ["LM Retargeting", "2026-12-02", "USD", "12"]]
        wizard = self._wizard(csv_file(rows), "report.csv")
        self.assertEqual(wizard.unmatched_campaigns.splitlines(), ["LM Winter Sale", "LM Retargeting"])
        Campaign = self.env["utm.campaign"].with_context(active_test=False)
        self.assertFalse(Campaign.search([("title", "in", ["LM Winter Sale", "LM Retargeting"])]))
        with self.assertRaisesRegex(UserError, "LM Winter Sale, LM Retargeting"):
            wizard.action_import()
        self.assertFalse(self._costs(self.google_ads))
        wizard.action_create_campaigns()
        self.assertFalse(wizard.unmatched_campaigns)
        self.assertEqual(wizard.row_count, 4)
        wizard.action_import()
        winter = Campaign.search([("title", "=", "LM Winter Sale")])
        self.assertEqual(len(winter), 1)
        self.assertEqual(self._costs(self.google_ads).filtered(lambda c: c.campaign_id == winter).mapped("amount"),
                         [10, 11])

    def test_bad_rows(self):
        """An unreadable amount or date, an unknown currency: the row is
        refused with the column and what is expected; the others import."""
        rows = [GOOGLE_ADS_ROWS[2], ["LM Brand Search", "2026-12-01", "USD", "twelve"],
                ["LM Brand Search", "yesterday", "USD", "12"], ["LM Brand Search", "2026-12-03", "XYZ", "12"],
                ["LM Brand Search", "2026-12-04", "USD", "-12"], ["LM Brand Search", "2026-12-05", "USD", "12"]]
        wizard = self._wizard(csv_file(rows), "report.csv")
        self.assertEqual((wizard.row_count, wizard.error_count), (1, 4))
        errors = wizard.errors.splitlines()
        self.assertEqual(errors[0], "Row 2: Cost: twelve is not readable; expected an amount of zero or more, as "
                                    "1250.50.")
        self.assertEqual(errors[1], "Row 3: Day: yesterday is not readable; expected a date, as 2026-12-01.")
        self.assertIn("Row 5: Cost: -12 is negative", errors[2])
        self.assertIn("Row 4: Currency code: XYZ is not an active currency", errors[3])
        wizard.action_import()
        self.assertEqual(self._costs(self.google_ads).mapped("date"), [date(2026, 12, 5)])

    def test_other_file(self):
        leads = csv_file([["Name", "Email"], ["Sara", "sara@example.com"]])
        wizard = self._wizard(leads, "leads.csv")
        self.assertIn("is neither a Google Ads campaign report nor a Meta Ads Manager export", wizard.file_error)
        self.assertFalse(wizard.layout)
        with self.assertRaisesRegex(UserError, "expected the columns Campaign, Day, Cost and Currency code"):
            wizard.action_import()
        wizard = self._wizard(b"PK\x03\x04 not a workbook", "costs.xlsx")
        self.assertTrue(wizard.file_error)

    def test_amount_not_negative(self):
        with self.assertRaisesRegex(ValidationError, "Amount: .* is negative; expected zero or more"):
            self.env["lead.marketing.cost"].create({"date": "2026-12-01", "amount": -1})
        self.env["lead.marketing.cost"].create({"date": "2026-12-01", "amount": 0})

    def test_parse_number_separators(self):
        for text, number in [("۱۲٬۵۰۰", 12500), ("۱۲،۵۰۰", 12500), ("۱۲٫۵", 12.5), ("1.234,5", 1234.5),
                             ("1,234.5", 1234.5), ("١٬٠٠٠٫٥", 1000.5)]:
            with self.subTest(text=text):
                self.assertEqual(parse_number(text), number)

    @users("lm_salesman", "lm_salesman_all")
    def test_salesperson_never_sees_costs(self):
        cost = self.env["lead.marketing.cost"].sudo().create({"date": "2026-12-01", "amount": 10})
        Cost = self.env["lead.marketing.cost"]
        with self.assertRaises(AccessError):
            Cost.search([])
        with self.assertRaises(AccessError):
            cost.with_env(self.env).read(["amount"])
        with self.assertRaises(AccessError):
            Cost.create({"date": "2026-12-01", "amount": 1})
        with self.assertRaises(AccessError):
            self.env["lead.marketing.cost.import"].create({})

    @users("lm_manager")
    def test_manager_edits_and_imports(self):
        Cost = self.env["lead.marketing.cost"]
        cost = Cost.create({"date": "2026-12-01", "amount": 10, "source_id": self.google_ads.id})
        cost.amount = 12
        self.assertEqual(Cost.search([("id", "=", cost.id)]).amount, 12)
        rows = [*GOOGLE_ADS_ROWS[:4], ["LM Manager Campaign", "2026-12-01", "USD", "10"]]
        wizard = self._wizard(csv_file(rows), "report.csv")
        wizard.action_create_campaigns()
        wizard.action_import()
        self.assertEqual(wizard.imported_count, 2)
        cost.unlink()

    @users("lm_manager")
    def test_company_rule(self):
        Cost = self.env["lead.marketing.cost"]
        costs = Cost.sudo().create([{"date": "2026-12-01", "amount": 10, "company_id": company.id}
                                    for company in (self.company, self.company_other)])
        self.assertEqual(Cost.search([("id", "in", costs.ids)]), costs[0])

    def test_odoo_import(self):
        """Odoo's own import of the list, with the columns it exports."""
        content = csv_file([
            ["date", "source_id", "campaign_id", "amount", "currency_id"],
            ["2026-12-01", "Google Ads", "LM Brand Search", "120.5", "USD"],
            ["2026-12-02", "Google Ads", "LM Brand Search", "80", "USD"],
        ])
        importer = self.env["base_import.import"].create({
            "res_model": "lead.marketing.cost", "file": content, "file_name": "costs.csv",
            "file_type": "text/csv"})
        result = importer.execute_import(
            ["date", "source_id", "campaign_id", "amount", "currency_id"],
            ["date", "source_id", "campaign_id", "amount", "currency_id"],
            {"quoting": '"', "separator": ",", "has_headers": True, "date_format": "%Y-%m-%d"})
        self.assertFalse(result["messages"], result["messages"])
        costs = self.env["lead.marketing.cost"].browse(result["ids"])
        self.assertEqual(costs.mapped("amount"), [120.5, 80])
        self.assertEqual(costs.source_id, self.google_ads)
        self.assertEqual(costs.campaign_id, self.campaign_brand)
        self.assertEqual(set(costs.mapped("origin")), {"manual"})
