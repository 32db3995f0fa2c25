import base64

from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.addons.lead_management.tests.test_marketing_cost import GOOGLE_ADS_ROWS, csv_file
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import tagged, users


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestMarketingCostAccess(LeadManagementCase):
    """Email Marketing users record and import marketing costs, from their
    own menu; salespeople see neither the costs nor the menus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        mail_new_test_user(cls.env, login="lm_cost_marketing", name="Cost Marketing User",
                           groups="base.group_user,mass_mailing.group_mass_mailing_user")
        cls.google_ads = cls.env.ref("lead_management.utm_source_google_ads")

    @users("lm_cost_marketing")
    def test_marketing_user_edits_and_imports(self):
        Cost = self.env["lead.marketing.cost"]
        cost = Cost.create({"date": "2026-12-01", "amount": 10, "source_id": self.google_ads.id})
        cost.write({"amount": 15, "note": "Billboard"})
        self.assertEqual(Cost.search([("id", "=", cost.id)]).read(["amount"])[0]["amount"], 15)
        wizard = self.env["lead.marketing.cost.import"].create({
            "file": base64.b64encode(csv_file(GOOGLE_ADS_ROWS)), "filename": "Campaign report.csv"})
        self.assertEqual(wizard.unmatched_campaigns.splitlines(), ["LM Brand Search", "LM Tehran Generic"])
        wizard.action_create_campaigns()
        wizard.action_import()
        self.assertEqual(wizard.imported_count, 3)
        # a second import of the file replaces its costs
        wizard = self.env["lead.marketing.cost.import"].create({
            "file": base64.b64encode(csv_file(GOOGLE_ADS_ROWS)), "filename": "Campaign report.csv"})
        wizard.action_import()
        self.assertEqual((wizard.imported_count, wizard.replaced_count), (3, 3))
        cost.unlink()

    def test_menus(self):
        menus = self.env.ref("lead_management_nurture.menu_lead_marketing_cost_marketing") \
            | self.env.ref("lead_management.menu_lead_marketing_cost")
        Menu = self.env["ir.ui.menu"]
        for login, visible in (("lm_cost_marketing", [True, False]), ("lm_manager", [False, True]),
                               ("lm_salesman", [False, False]), ("lm_salesman_all", [False, False])):
            user = self.env["res.users"].search([("login", "=", login)])
            with self.subTest(user=login):
                ids = Menu.with_user(user)._visible_menu_ids()
                self.assertEqual([menu.id in ids for menu in menus], visible)
