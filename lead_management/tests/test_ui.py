from datetime import datetime, timedelta

from lxml import etree

from odoo import Command
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_ui")
class TestLeadScreens(LeadManagementCase):
    """What a salesperson sees first: the leads by status, the hottest and
    most urgent on top, and what to do when a screen is empty."""

    def test_leads_menu_opens_the_status_kanban(self):
        kanban = self.env.ref("lead_management.view_crm_lead_kanban_lead_status")
        for xmlid in ("crm.crm_lead_all_leads", "lead_management.action_crm_lead_my_urgent"):
            with self.subTest(action=xmlid):
                action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
                self.assertEqual(list(action["views"][0]), [kanban.id, "kanban"])
        arch = etree.fromstring(self.env["crm.lead"].get_view(kanban.id, "kanban")["arch"])
        self.assertEqual(arch.get("default_group_by"), "lead_status")
        self.assertEqual(arch.get("default_order"), "temperature_rank desc, score desc, sla_deadline asc")
        self.assertEqual(arch.xpath("//field[@name='sla_deadline']/@widget"), ["lead_sla_countdown"])

    def test_status_kanban_order_hottest_then_score_then_deadline(self):
        # the Georgian team's model calls a lead hot from 30 points on: hot at 35 beats warm at 60
        self.env["lead.scoring.model"].create({
            "name": "Quick heat", "sequence": 1, "team_ids": [Command.set(self.team_georgia.ids)],
            "warm_threshold": 10, "hot_threshold": 30})
        now = datetime(2026, 3, 2, 9, 0)
        leads = {}
        # the score is the second word of the name; minutes to the first-response deadline
        for name, team, minutes in (("warm 60", self.team_iran, 1), ("hot 35", self.team_georgia, 50),
                                    ("hot 90 later", self.team_iran, 30), ("hot 90 sooner", self.team_iran, 10),
                                    ("cold 5", self.team_iran, 0)):
            leads[name] = self._create_lead(name, team=team, sla_deadline=now + timedelta(minutes=minutes))
        self.flush_deferred()
        for name, lead in leads.items():
            lead.score = int(name.split()[1])
        self.env.flush_all()
        self.assertEqual(leads["hot 35"].temperature, "hot")
        self.assertEqual(leads["warm 60"].temperature, "warm")
        kanban = self.env.ref("lead_management.view_crm_lead_kanban_lead_status")
        order = etree.fromstring(self.env["crm.lead"].get_view(kanban.id, "kanban")["arch"]).get("default_order")
        ordered = self.env["crm.lead"].search([("id", "in", [lead.id for lead in leads.values()])], order=order)
        self.assertEqual(ordered.mapped("name"), ["hot 90 sooner", "hot 90 later", "hot 35", "warm 60", "cold 5"])

    def test_status_columns_fold_when_empty_or_done(self):
        leads = self.lead_own | self.lead_other
        self.lead_other.lead_status = "junk"
        groups = self.env["crm.lead"].web_read_group(
            [("id", "in", leads.ids)], ["lead_status"], ["lead_status"], lazy=True)["groups"]
        folded = {group["lead_status"]: group["__fold"] for group in groups}
        self.assertEqual(folded, {"new": False, "attempted": True, "contacted": True, "qualified": True,
                                  "eager": True, "not_interested": True, "junk": True, "converted": True})
        hot_only = self.env["crm.lead"].web_read_group(
            [("id", "in", leads.ids), ("temperature", "=", "hot")], ["lead_status"], ["lead_status"])["groups"]
        self.assertTrue(all(group["__fold"] for group in hot_only), "no hot lead: every column is folded")

    def test_every_screen_of_ours_says_what_to_do_when_empty(self):
        """Each window action of the addons opening a list, kanban or report
        has a help text, shown by the view when it has no record."""
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "lead_management%"), ("state", "=", "installed")])
        data = self.env["ir.model.data"].search([("model", "=", "ir.actions.act_window"),
                                                 ("module", "in", modules.mapped("name"))])
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id")).filtered(
            lambda action: action.target != "new")
        self.assertGreaterEqual(len(actions), 10)
        for action in actions:
            with self.subTest(action=action.xml_id):
                help_text = etree.fromstring(f"<div>{action.help or ''}</div>").xpath("string()").strip()
                self.assertTrue(help_text, f"{action.xml_id} has no help text")


@tagged("post_install", "-at_install", "lead_management_ui")
class TestLeadManagementUi(HttpCase):
    """Browser tour of the main lead screens in Chromium."""

    def test_status_kanban_and_qualification_form(self):
        lead = self.env["crm.lead"].create({
            "name": "Tour Lead Tabriz",
            "type": "lead",
            "user_id": self.env.ref("base.user_admin").id,
            "country_id": self.env.ref("base.ir").id,
            "city": "تبریز",
        })
        # hot: on top of its column, above the demo leads (the kanban shows the hottest first)
        self.env.flush_all()
        self.env.cr.flush()
        lead.score = 95
        self.start_tour("/odoo/action-crm.crm_lead_all_leads", "lead_management_status_kanban", login="admin")
        lead.invalidate_recordset()
        self.assertEqual(lead.lead_status, "contacted")
        self.assertEqual(lead.need_level, "high")
        self.assertEqual(lead.national_id, "0013542419")

    def test_convert_lead_through_the_wizard(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Known Customer", "email": "tour.known@lm-test.example"})
        lead = self.env["crm.lead"].create({
            "name": "Tour Conversion",
            "type": "lead",
            "user_id": self.env.ref("base.user_admin").id,
            "contact_name": "Tour Contact",
            "email_from": "tour.known@lm-test.example",
        })
        self.start_tour(f"/odoo/action-crm.crm_lead_all_leads/{lead.id}", "lead_management_convert_lead",
                        login="admin")
        lead.invalidate_recordset()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, customer)
        self.assertEqual(lead.lead_status, "converted")

    def test_response_time_report(self):
        admin = self.env.ref("base.user_admin")
        assigned = datetime(2026, 3, 2, 9, 0)
        # the report shows these three leads alone (demo leads have first responses too)
        self.env["crm.lead"].with_context(active_test=False).search([
            "|", ("first_response_date", "!=", False), ("sla_status", "in", ("met", "breached")),
        ]).write({"first_response_date": False, "sla_status": "none"})
        for minutes, status in ((2, "met"), (4, "met"), (30, "breached")):
            lead = self.env["crm.lead"].create({"name": f"Tour Response {minutes}", "type": "lead",
                                                "user_id": admin.id})
            lead.write({"score": 90, "date_open": assigned, "sla_deadline": assigned + timedelta(minutes=5),
                        "first_response_date": assigned + timedelta(minutes=minutes), "sla_status": status})
        self.start_tour("/odoo/action-lead_management.action_lead_response_report",
                        "lead_management_response_report", login="admin")

    def test_import_through_the_screen(self):
        self.env.company.country_id = self.env.ref("base.ir")
        self.start_tour("/odoo/action-lead_management.action_lead_import_wizard", "lead_management_import_leads",
                        login="admin")
        leads = self.env["crm.lead"].search([("contact_name", "like", "Tour Import")])
        self.assertEqual(sorted(leads.mapped("city")), ["Qom", "Rasht"])
        self.assertEqual(leads.source_id, self.env.ref("lead_management.utm_source_import"))

    def test_sales_manager_configures_capture_and_settings(self):
        mail_new_test_user(self.env, login="lm_tour_manager", name="Tour Sales Manager",
                           groups="base.group_user,sales_team.group_sale_manager,crm.group_use_lead")
        self.env["ir.config_parameter"].set_param("lead_management.auto_assign", "True")
        self.start_tour("/odoo/action-lead_management.lead_capture_form_action", "lead_management_manager_config",
                        login="lm_tour_manager")
        form = self.env["lead.capture.form"].search([("name", "=", "Tour Manager Form")])
        self.assertEqual(len(form.field_ids), 5)
        self.assertEqual(self.env["ir.config_parameter"].get_param("lead_management.auto_assign"), "False")

    def test_form_follows_the_activities(self):
        admin = self.env.ref("base.user_admin")
        lead = self.env["crm.lead"].create({"name": "Tour Reload", "type": "lead", "user_id": admin.id})
        lead._start_sla()
        lead.activity_schedule("mail.mail_activity_data_call", summary="Call back about the quote", user_id=admin.id)
        self.assertEqual((lead.sla_status, lead.engagement_count, len(lead.activity_ids)), ("pending", 0, 2))
        self.start_tour(f"/odoo/action-crm.crm_lead_all_leads/{lead.id}", "lead_management_activity_reload",
                        login="admin")
        lead.invalidate_recordset()
        self.assertEqual((lead.sla_status, lead.engagement_count), ("met", 2))
        self.assertFalse(lead.activity_ids)


@tagged("post_install", "-at_install", "lead_management_ui")
class TestProvinceLabel(LeadManagementCase):
    """Base's and crm's catalogs call the province «وضعیت» ("status"): ours
    labels it «استان» / «რეგიონი», on leads and contacts."""

    LABELS = {"fa_IR": "استان", "ka_GE": "რეგიონი"}

    def assertProvinceLabels(self):
        for lang, label in self.LABELS.items():
            for model in ("crm.lead", "res.partner"):
                with self.subTest(lang=lang, model=model):
                    Model = self.env[model].with_context(lang=lang)
                    self.assertEqual(Model.fields_get(["state_id"], ["string"])["state_id"]["string"], label)
                    # what the domain editor's field search matches
                    found = self.env["ir.model.fields"].with_context(lang=lang).search(
                        [("model", "=", model), ("field_description", "ilike", label)])
                    self.assertIn("state_id", found.mapped("name"))

    def test_province_label_survives_reloading_the_catalogs(self):
        Module = self.env["ir.module.module"]
        for lang in self.LABELS:
            self.env["res.lang"]._activate_lang(lang)
        # Settings > Languages > Update: every module's catalog in one import
        Module._load_module_terms(["base", "crm", "lead_management"], list(self.LABELS), overwrite=True)
        self.assertProvinceLabels()
        # an upgrade of crm alone loads its catalog again
        Module._load_module_terms(["crm"], list(self.LABELS), overwrite=True)
        self.assertProvinceLabels()
