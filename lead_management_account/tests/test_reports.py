from datetime import date, datetime

from odoo import Command
from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import SQL


@tagged("post_install", "-at_install", "lead_management_account", "lead_management_reports")
class TestReports(LeadManagementCase):
    """Sales cycle and invoiced revenue reports: exact day counts and amounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.user_accountant = mail_new_test_user(
            cls.env, login="lm_accountant", name="Accountant",
            groups="base.group_user,account.group_account_invoice")
        cls.source_web = cls.env["utm.source"].create({"name": "LM Report Website"})
        cls.source_fair = cls.env["utm.source"].create({"name": "LM Report Exhibition"})
        cls.campaign = cls.env["utm.campaign"].create({"name": "LM Report Spring"})
        cls.customer = cls.env["res.partner"].create({"name": "LM Report Customer", "is_company": True})
        cls.tax = cls.env["account.tax"].create({
            "name": "LM Report 10%", "amount": 10, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": cls.company.id,
        })
        stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

        def opportunity(name, source, **values):
            return cls._create_lead(
                name, user=cls.user_salesman, team=cls.team_iran, source_id=source.id,
                campaign_id=cls.campaign.id, partner_id=cls.customer.id, **values)

        # won, invoiced (1000 + 10%), paid; a 200 credit note
        cls.lead_paid = opportunity("Paid deal", cls.source_web)
        cls.lead_paid.write({"type": "opportunity"})
        cls.lead_paid.write({"stage_id": stage_won.id})
        # invoiced (500), not paid
        cls.lead_invoiced = opportunity("Invoiced deal", cls.source_fair, type="opportunity")
        # archived lead, never converted
        cls.lead_archived = cls._create_lead("Lost lead", user=cls.user_salesman, source_id=cls.source_web.id)
        cls.lead_archived.action_archive()
        # one invoice paid, another fully reversed by a credit note: the lead counts as paid
        cls.lead_reversed = opportunity("Paid deal with a cancelled invoice", cls.source_web, type="opportunity")

        cls.env.flush_all()
        cls._set_dates(cls.lead_paid, "2024-01-01 08:00:00", "2024-01-03 20:00:00", "2024-01-11 08:00:00")
        cls._set_dates(cls.lead_invoiced, "2024-02-01 12:00:00", "2024-02-02 12:00:00", None)
        cls._set_dates(cls.lead_archived, "2024-02-10 09:00:00", None, None)
        cls._set_dates(cls.lead_reversed, "2024-03-01 09:30:00", "2024-03-01 21:30:00", None)

        cls.invoice = cls._post_move(cls.lead_paid, "out_invoice", "2024-01-16", 1000)
        cls._register_payment(cls.invoice, "2024-01-31")
        cls.credit_note = cls._post_move(cls.lead_paid, "out_refund", "2024-01-20", 200)
        cls.invoice_unpaid = cls._post_move(cls.lead_invoiced, "out_invoice", "2024-02-05", 500)
        cls.invoice_draft = cls._post_move(cls.lead_invoiced, "out_invoice", "2024-02-03", 50, post=False)
        invoice_kept = cls._post_move(cls.lead_reversed, "out_invoice", "2024-03-04", 300)
        cls._register_payment(invoice_kept, "2024-03-10")
        invoice_cancelled = cls._post_move(cls.lead_reversed, "out_invoice", "2024-03-20", 100)
        invoice_cancelled._reverse_moves(cancel=True)
        cls.env.flush_all()

    @classmethod
    def _set_dates(cls, lead, create_date, date_conversion, date_closed):
        cls.env.cr.execute(SQL(
            "UPDATE crm_lead SET create_date = %s, date_conversion = %s, date_closed = %s WHERE id = %s",
            create_date, date_conversion, date_closed, lead.id))
        lead.invalidate_recordset()

    @classmethod
    def _post_move(cls, lead, move_type, invoice_date, price_unit, post=True):
        move = cls.env["account.move"].create({
            "move_type": move_type,
            "partner_id": cls.customer.id,
            "invoice_date": invoice_date,
            "lead_id": lead.id,
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": price_unit,
                "tax_ids": [Command.set(cls.tax.ids)],
            })],
        })
        if post:
            move.action_post()
        return move

    @classmethod
    def _register_payment(cls, invoice, payment_date):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"payment_date": payment_date})._create_payments()
        assert invoice.payment_state in ("paid", "in_payment"), invoice.payment_state

    def _cycle(self, lead):
        return self.env["lead.sales.cycle.report"].with_context(active_test=False).search([("lead_id", "=", lead.id)])

    def test_sales_cycle_paid_deal(self):
        row = self._cycle(self.lead_paid)
        self.assertEqual(len(row), 1)
        self.assertRecordValues(row, [{
            "name": "Paid deal",
            "create_date": datetime(2024, 1, 1, 8, 0),
            "date_conversion": datetime(2024, 1, 3, 20, 0),
            "date_won": datetime(2024, 1, 11, 8, 0),
            "date_first_invoice": date(2024, 1, 16),
            "date_paid": date(2024, 1, 31),
            "days_to_convert": 2.5,
            "days_to_won": 10.0,
            "days_to_invoice": 15.0,
            "days_to_paid": 30.0,
            "source_id": self.source_web.id,
            "campaign_id": self.campaign.id,
            "user_id": self.user_salesman.id,
            "team_id": self.team_iran.id,
            "company_id": self.company.id,
            "type": "opportunity",
            "active": True,
            "lead_count": 1,
        }])

    def test_sales_cycle_open_and_archived_leads(self):
        self.assertRecordValues(self._cycle(self.lead_invoiced), [{
            "date_won": False,
            "date_first_invoice": date(2024, 2, 5),  # the earlier draft invoice does not count
            "date_paid": False,
            "days_to_convert": 1.0,
            "days_to_won": False,
            "days_to_invoice": 4.0,
            "days_to_paid": False,
            "source_id": self.source_fair.id,
        }])
        self.assertRecordValues(self._cycle(self.lead_archived), [{
            "active": False,
            "type": "lead",
            "date_conversion": False,
            "days_to_convert": False,
            "date_first_invoice": False,
        }])
        # like any archivable model, archived rows need active_test=False (set by the menu action)
        Report = self.env["lead.sales.cycle.report"]
        self.assertFalse(Report.search([("lead_id", "=", self.lead_archived.id)]))
        # a fully reversed invoice neither counts nor blocks the payment of the others
        self.assertRecordValues(self._cycle(self.lead_reversed), [{
            "date_first_invoice": date(2024, 3, 4),
            "date_paid": date(2024, 3, 10),
            "days_to_convert": 0.5,
            "days_to_invoice": 3.0,
            "days_to_paid": 9.0,
        }])

    def test_sales_cycle_averages_by_source(self):
        leads = self.lead_paid | self.lead_invoiced | self.lead_archived | self.lead_reversed
        groups = self.env["lead.sales.cycle.report"].with_context(active_test=False).read_group(
            [("lead_id", "in", leads.ids)],
            ["days_to_convert", "days_to_invoice", "days_to_paid", "lead_count"],
            ["source_id"])
        by_source = {group["source_id"][0]: group for group in groups}
        web = by_source[self.source_web.id]
        self.assertEqual(web["lead_count"], 3)
        self.assertAlmostEqual(web["days_to_convert"], 1.5)  # (2.5 + 0.5) / 2: NULLs are left out
        self.assertAlmostEqual(web["days_to_invoice"], 9.0)  # (15 + 3) / 2
        self.assertAlmostEqual(web["days_to_paid"], 19.5)  # (30 + 9) / 2
        self.assertEqual(by_source[self.source_fair.id]["lead_count"], 1)

    def test_invoice_report_rows(self):
        Report = self.env["lead.invoice.report"]
        rows = Report.search([("lead_id", "in", (self.lead_paid | self.lead_invoiced).ids)])
        self.assertEqual(rows.move_id, self.invoice | self.credit_note | self.invoice_unpaid)
        invoice_row = rows.filtered(lambda row: row.move_id == self.invoice)
        self.assertRecordValues(invoice_row, [{
            "lead_id": self.lead_paid.id, "partner_id": self.customer.id,
            "invoice_date": date(2024, 1, 16), "move_type": "out_invoice",
            "source_id": self.source_web.id, "campaign_id": self.campaign.id,
            "user_id": self.user_salesman.id, "team_id": self.team_iran.id,
            "company_id": self.company.id, "currency_id": self.company.currency_id.id,
            "amount_untaxed": 1000.0, "amount_total": 1100.0, "amount_paid": 1100.0, "amount_residual": 0.0,
        }])
        self.assertRecordValues((rows - invoice_row).sorted(lambda row: row.move_id.id), [
            {
                "move_id": self.credit_note.id, "move_type": "out_refund", "source_id": self.source_web.id,
                "amount_untaxed": -200.0, "amount_total": -220.0, "amount_paid": 0.0, "amount_residual": -220.0,
            },
            {
                "move_id": self.invoice_unpaid.id, "move_type": "out_invoice", "source_id": self.source_fair.id,
                "amount_untaxed": 500.0, "amount_total": 550.0, "amount_paid": 0.0, "amount_residual": 550.0,
            },
        ])

    def test_invoice_report_revenue_by_source(self):
        groups = self.env["lead.invoice.report"].read_group(
            [("lead_id", "in", (self.lead_paid | self.lead_invoiced).ids)],
            ["amount_untaxed", "amount_total", "amount_paid", "amount_residual"],
            ["source_id"])
        by_source = {group["source_id"][0]: group for group in groups}
        web = by_source[self.source_web.id]
        self.assertAlmostEqual(web["amount_untaxed"], 800.0)
        self.assertAlmostEqual(web["amount_total"], 880.0)
        self.assertAlmostEqual(web["amount_paid"], 1100.0)
        self.assertAlmostEqual(web["amount_residual"], -220.0)
        self.assertAlmostEqual(by_source[self.source_fair.id]["amount_untaxed"], 500.0)

    @users("lm_salesman")
    def test_salesman_sees_own_and_unassigned_rows(self):
        leads = self.lead_own | self.lead_other | self.lead_unassigned
        rows = self.env["lead.sales.cycle.report"].search([("lead_id", "in", leads.ids)])
        self.assertEqual(set(rows.lead_id.ids), set((self.lead_own | self.lead_unassigned).ids))
        with self.assertRaises(AccessError):
            self.env["lead.invoice.report"].search([])

    @users("lm_salesman_other")
    def test_other_salesman_does_not_see_foreign_rows(self):
        rows = self.env["lead.sales.cycle.report"].with_context(active_test=False).search(
            [("lead_id", "in", (self.lead_paid | self.lead_archived | self.lead_other).ids)])
        self.assertEqual(rows.lead_id, self.lead_other.with_env(self.env))

    @users("lm_salesman_all", "lm_manager")
    def test_all_leads_roles_see_every_row(self):
        leads = self.lead_own | self.lead_other | self.lead_unassigned
        self.assertEqual(len(self.env["lead.sales.cycle.report"].search([("lead_id", "in", leads.ids)])), 3)

    @users("lm_accountant", "lm_manager")
    def test_accountant_and_manager_read_invoice_report(self):
        rows = self.env["lead.invoice.report"].search([("lead_id", "=", self.lead_paid.id)])
        self.assertEqual(len(rows), 2)
        self.assertAlmostEqual(sum(rows.mapped("amount_untaxed")), 800.0)
