from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase


class LeadManagementCase(TransactionCase):
    """Users per sales role, two teams and a few leads in Iran and Georgia."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.ir")
        cls.country_ir = cls.env.ref("base.ir")
        cls.country_ge = cls.env.ref("base.ge")
        cls.country_us = cls.env.ref("base.us")
        cls.user_salesman = mail_new_test_user(
            cls.env, login="lm_salesman", name="Salesman Own Leads",
            groups="base.group_user,sales_team.group_sale_salesman,crm.group_use_lead")
        cls.user_salesman_other = mail_new_test_user(
            cls.env, login="lm_salesman_other", name="Other Salesman",
            groups="base.group_user,sales_team.group_sale_salesman,crm.group_use_lead")
        cls.user_salesman_all = mail_new_test_user(
            cls.env, login="lm_salesman_all", name="Salesman All Leads",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,crm.group_use_lead")
        cls.user_manager = mail_new_test_user(
            cls.env, login="lm_manager", name="Sales Manager",
            groups="base.group_user,sales_team.group_sale_manager,crm.group_use_lead")
        cls.user_employee = mail_new_test_user(
            cls.env, login="lm_employee", name="Employee Without Sales Rights",
            groups="base.group_user")
        cls.team_iran = cls.env["crm.team"].create({
            "name": "LM Iran Team", "use_leads": True, "use_opportunities": True,
            "user_id": cls.user_manager.id,
            "member_ids": [(6, 0, (cls.user_salesman | cls.user_salesman_other).ids)],
        })
        cls.team_georgia = cls.env["crm.team"].create({
            "name": "LM Georgia Team", "use_leads": True, "use_opportunities": True,
            "member_ids": [(6, 0, cls.user_salesman_all.ids)],
        })
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.lead_own = cls._create_lead("Own lead", user=cls.user_salesman, team=cls.team_iran)
        cls.lead_other = cls._create_lead("Other salesman lead", user=cls.user_salesman_other, team=cls.team_iran)
        cls.lead_unassigned = cls._create_lead("Unassigned lead", team=cls.team_iran)

    def flush_deferred(self):
        """Run what create() and write() defer to the end of the transaction
        (routing, SLA, notes, follow-ups; see crm.lead._defer_hook), as a
        commit would."""
        self.env.flush_all()
        self.env.cr.flush()

    @classmethod
    def _create_lead(cls, name, user=None, team=None, **values):
        return cls.env["crm.lead"].create({
            "name": name,
            "type": "lead",
            "user_id": user.id if user else False,
            "team_id": team.id if team else False,
            "country_id": cls.country_ir.id,
            **values,
        })

    def assertAccessMatrix(self, cases, users_):
        """Each record of ``cases`` (record, right per user...) is readable by
        the users whose right has "r" and writable by those with "w", not by
        the others. ``users_``: {label: user}, in the order of the rights."""
        for record, *rights in cases:
            self.assertEqual(len(record), 1, record)
            for (label, user), right in zip(users_.items(), rights, strict=True):
                as_user = record.with_user(user)
                with self.subTest(record=str(record), user=label, right=right):
                    if "r" in right:
                        as_user.read(["display_name"])
                    else:
                        with self.assertRaises(AccessError, msg=f"{label} reads {record}"):
                            as_user.read(["display_name"])
                    if "w" in right:
                        as_user.check_access("write")
                    else:
                        with self.assertRaises(AccessError, msg=f"{label} writes {record}"):
                            as_user.check_access("write")


class ConversionCase(LeadManagementCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.scoring.model"].search([]).write({"active": False})
        cls.env["ir.config_parameter"].set_param("lead_management.auto_assign", "False")
        cls.Partner = cls.env["res.partner"]
        cls.industry = cls.env["res.partner.industry"].create({"name": "LM Construction"})
        cls.specialty = cls.env["lead.specialty"].create({"name": "LM Solar panels"})
        cls.stage_won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

    def _wizard(self, leads, **values):
        wizard = self.env["lead.convert.wizard"].with_context(
            active_model="crm.lead", active_ids=leads.ids).create({})
        if values:
            wizard.write(values)
        return wizard


class TerritoryCase(LeadManagementCase):
    """Three salespeople in Isfahan, one in Tehran, a Georgian catch-all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.territory"].search([]).write({"active": False})
        cls.env["lead.scoring.model"].search([]).write({"active": False})
        cls.isfahan = cls.env.ref("lead_management.state_ir_isfahan")
        cls.tehran = cls.env.ref("lead_management.state_ir_tehran")
        cls.rep_a, cls.rep_b, cls.rep_c = [mail_new_test_user(
            cls.env, login=f"lm_rep_{name}", name=f"Rep {name.upper()}",
            groups="base.group_user,sales_team.group_sale_salesman") for name in "abc"]
        cls.territory_isfahan_city = cls.env["lead.territory"].create({
            "name": "Isfahan city", "sequence": 10, "team_id": cls.team_iran.id,
            "user_ids": [(6, 0, (cls.rep_a | cls.rep_b | cls.rep_c).ids)],
            "country_ids": [(6, 0, cls.country_ir.ids)], "cities": "Isfahan\nاصفهان",
        })
        cls.territory_iran = cls.env["lead.territory"].create({
            "name": "Rest of Iran", "sequence": 10, "team_id": cls.team_iran.id,
            "user_ids": [(6, 0, cls.user_salesman.ids)], "country_ids": [(6, 0, cls.country_ir.ids)],
        })
        cls.territory_georgia = cls.env["lead.territory"].create({
            "name": "Georgia", "sequence": 20, "team_id": cls.team_georgia.id,
            "user_ids": [(6, 0, cls.user_salesman_all.ids)], "country_ids": [(6, 0, cls.country_ge.ids)],
        })
