from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "lead_management_rtl", "lead_management_ui")
class TestPersianSalespersonWalkthrough(HttpCase):
    """A visitor of a shop's own site sends its contact form; the lead comes
    to the Persian salesperson of the Iran territory with a response
    target; she finds it hot on top of her kanban with a countdown, logs the
    call (the First Contact is done) and converts it: in Persian, right to
    left, with the numbers left to right."""

    SHOP = "https://shop.tile.example"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        # Persian loaded as Settings > Languages does: every installed module's terms
        modules = cls.env["ir.module.module"].search([("state", "=", "installed")])
        cls.env["ir.module.module"]._load_module_terms(modules.mapped("name"), ["fa_IR"], overwrite=True)
        iran = cls.env.ref("base.ir")
        cls.env.company.country_id = iran
        params = cls.env["ir.config_parameter"]
        params.set_param("lead_management.auto_assign", "True")
        params.set_param("lead_management.sla_enabled", "True")
        cls.salesperson = mail_new_test_user(
            cls.env, login="lm_walk_fa", name="Maryam Persian", lang="fa_IR",
            groups="base.group_user,sales_team.group_sale_salesman,crm.group_use_lead")
        leader = mail_new_test_user(cls.env, login="lm_walk_leader", name="Walk Leader",
                                    groups="base.group_user,sales_team.group_sale_manager")
        team = cls.env["crm.team"].create({"name": "Walk Tehran", "use_leads": True, "user_id": leader.id,
                                           "member_ids": [Command.link(cls.salesperson.id)]})
        cls.env["lead.territory"].search([]).active = False
        cls.env["lead.territory"].create({
            "name": "Walk Tehran", "team_id": team.id, "user_ids": [Command.set(cls.salesperson.ids)],
            "country_ids": [Command.set(iran.ids)]})
        cls.env["lead.scoring.model"].create({
            "name": "Walk tiles", "sequence": 1, "warm_threshold": 30, "hot_threshold": 60,
            "rule_ids": [Command.create({"name": "Tile buyer", "kind": "fit", "points": 90,
                                         "domain": "[('email_from', '=ilike', '%@tile.example')]"})]})
        cls.form = cls.env["lead.capture.form"].create({"name": "Shop contact", "allowed_origins": cls.SHOP,
                                                        "min_fill_seconds": 0})

    def test_web_form_to_conversion(self):
        response = self.url_open(
            f"/lead_management/form/{self.form.token}", headers={"Origin": self.SHOP},
            data={"contact_name": "مریم رضایی", "partner_name": "کاشی تبریز", "email_from": "maryam@tile.example",
                  "mobile": "۰۹۱۲ ۶۵۴ ۳۲۱۰", "lm_elapsed": "30"}, allow_redirects=False)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), self.SHOP)
        lead = self.env["crm.lead"].search([("email_from", "=", "maryam@tile.example")])
        self.assertEqual((lead.type, lead.user_id, lead.temperature), ("lead", self.salesperson, "hot"))
        self.assertEqual((lead.sla_status, bool(lead.sla_deadline)), ("pending", True), "a response target")
        first_contact = lead.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref("lead_management.mail_activity_type_first_contact"))
        self.assertEqual(first_contact.user_id, self.salesperson)
        self.assertEqual(lead.phone_sanitized, "+989126543210")

        self.start_tour("/odoo/action-crm.crm_lead_all_leads", "lead_management_persian_walkthrough",
                        login="lm_walk_fa")

        lead.invalidate_recordset()
        self.assertEqual(lead.sla_status, "met")
        self.assertFalse(first_contact.exists(), "the First Contact is done")
        self.assertEqual((lead.type, lead.lead_status), ("opportunity", "converted"))
        self.assertTrue(lead.partner_id, "the contact is created")
