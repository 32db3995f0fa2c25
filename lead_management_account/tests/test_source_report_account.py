from odoo import Command
from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.tests import tagged, users
from odoo.tools import SQL


@tagged("post_install", "-at_install", "lead_management_account", "lead_management_reports")
class TestSourceReportInvoiced(LeadManagementCase):
    """Source performance: invoiced revenue per source, weighted by the attribution share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.customer = cls.env["res.partner"].create({"name": "LM Source Customer", "is_company": True})
        cls.source_web, cls.source_fair = cls.env["utm.source"].create([
            {"name": "LM Source Website"}, {"name": "LM Source Exhibition"}])
        cls.lead = cls._create_lead("Invoiced deal", user=cls.user_salesman, source_id=cls.source_web.id,
                                    partner_id=cls.customer.id, type="opportunity")
        # a later submission from the exhibition: half of the lead under the linear model
        # sudo: the capture log is written by the capture pipeline, which runs as superuser
        cls.env["lead.capture.log"].sudo().create({
            "channel": "api", "status": "matched", "lead_id": cls.lead.id, "source_id": cls.source_fair.id})
        cls.env.flush_all()
        cls.env.cr.execute(SQL("UPDATE crm_lead SET create_date = '2024-01-01 08:00:00' WHERE id = %s", cls.lead.id))
        # 1000 invoiced, 200 credited (taxes left out), a draft of 50 not counted
        for move_type, price_unit, post in (("out_invoice", 1000, True), ("out_refund", 200, True),
                                            ("out_invoice", 50, False)):
            move = cls.env["account.move"].create({
                "move_type": move_type, "partner_id": cls.customer.id, "invoice_date": "2024-02-01",
                "lead_id": cls.lead.id,
                "invoice_line_ids": [Command.create({"name": "Consulting", "quantity": 1, "price_unit": price_unit,
                                                     "tax_ids": [Command.clear()]})],
            })
            if post:
                move.action_post()
        cls.env.invalidate_all()

    def _invoiced(self, model):
        groups = self.env["lead.source.report"].read_group(
            [("lead_id", "=", self.lead.id), ("attribution_model", "=", model)], ["invoiced_revenue"], ["source_id"])
        return {group["source_id"][0]: group["invoiced_revenue"] for group in groups}

    @users("lm_salesman")
    def test_invoiced_revenue_by_source(self):
        self.assertEqual(self._invoiced("first"), {self.source_web.id: 800})
        self.assertEqual(self._invoiced("last"), {self.source_fair.id: 800})
        self.assertEqual(self._invoiced("linear"), {self.source_web.id: 400, self.source_fair.id: 400})
