from collections import Counter
from datetime import date

import jdatetime

from odoo import Command
from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.tests import tagged, users


@tagged("post_install", "-at_install", "lead_management_account", "lead_management_reports")
class TestInvoiceReportJalali(LeadManagementCase):
    """The invoiced revenue report groups by the invoice date's Jalali month, quarter and year."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        customer = cls.env["res.partner"].create({"name": "LM Jalali Customer", "is_company": True})
        cls.lead = cls._create_lead("Jalali deal", user=cls.user_salesman, team=cls.team_iran,
                                    partner_id=customer.id, type="opportunity")
        # 30 Esfand 1403 (leap), 1 Farvardin 1404, 1 Dey 1403
        cls.days = ["2025-03-20", "2025-03-21", "2024-12-21", "2024-12-21"]
        moves = cls.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": customer.id, "invoice_date": day, "lead_id": cls.lead.id,
            "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1, "price_unit": 100})],
        } for day in cls.days])
        moves.action_post()

    @users("lm_manager")
    def test_invoice_dates_by_jalali_period(self):
        Report = self.env["lead.invoice.report"]
        domain = [("lead_id", "=", self.lead.id)]
        self.assertEqual(dict(Report._read_group(domain, ["jalali_month"], ["__count"])),
                         {"1403-12": 1, "1404-01": 1, "1403-10": 2})
        self.assertEqual(dict(Report._read_group(domain, ["jalali_quarter"], ["__count"])),
                         {"1403-Q4": 3, "1404-Q1": 1})
        self.assertEqual(dict(Report._read_group(domain, ["jalali_year"], ["__count"])), {1403: 3, 1404: 1})
        self.assertEqual(Counter(Report.search(domain).mapped("jalali_month")), Counter(
            jdatetime.date.fromgregorian(date=date.fromisoformat(day)).strftime("%Y-%m") for day in self.days))
