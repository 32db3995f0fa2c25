from datetime import datetime

from odoo.addons.lead_management.tests.common import LeadManagementCase
from odoo.addons.mail.tests.common import mail_new_test_user

# a Monday, 11:30 in Tehran and 12:00 in Tbilisi: inside the default send windows of Iran and Georgia
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0)


class NurtureCase(LeadManagementCase):
    """A three-step cadence (welcome e-mail with a variant for
    manufacturers, a second e-mail two days later, a call three days after
    that) and a marketing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo cadences stay out of the way
        cls.env["lead.nurture.cadence"].search([]).active = False
        cls.env["ir.config_parameter"].set_param("lead_management_nurture.max_touches", "2")
        cls.env["ir.config_parameter"].set_param("lead_management_nurture.touch_period_days", "7")
        cls.company.partner_id.tz = "Asia/Tehran"
        cls.company.email = "sales@company.example.com"
        cls.user_marketing = mail_new_test_user(
            cls.env, login="lm_marketing", name="Marketing User",
            groups="base.group_user,mass_mailing.group_mass_mailing_user")
        cls.industry_manufacturing = cls.env.ref("base.res_partner_industry_C")
        cls.template_welcome = cls._create_template("Welcome", "Welcome {{ object.partner_name }}")
        cls.template_welcome_manufacturing = cls._create_template(
            "Welcome manufacturers", "Downtime at {{ object.partner_name }}")
        cls.template_second = cls._create_template("Second", "A case study")
        cls.activity_call = cls.env.ref("mail.mail_activity_data_call")
        cls.cadence = cls.env["lead.nurture.cadence"].create({
            "name": "Cold leads",
            "domain": "[('temperature', '=', 'cold'), ('email_from', '!=', False)]",
            "team_id": cls.team_iran.id,
            "step_ids": [
                (0, 0, {"sequence": 1, "name": "Welcome", "kind": "email", "delay": 0,
                        "mail_template_id": cls.template_welcome.id,
                        "variant_ids": [(0, 0, {"industry_id": cls.industry_manufacturing.id,
                                                "mail_template_id": cls.template_welcome_manufacturing.id})]}),
                (0, 0, {"sequence": 2, "name": "Case study", "kind": "email", "delay": 2,
                        "mail_template_id": cls.template_second.id}),
                (0, 0, {"sequence": 3, "name": "Call", "kind": "activity", "delay": 3,
                        "activity_type_id": cls.activity_call.id, "activity_summary": "Call about the case study"}),
            ],
        })
        cls.step_welcome, cls.step_second, cls.step_call = cls.cadence.step_ids

    @classmethod
    def _create_template(cls, name, subject):
        return cls.env["mail.template"].create({
            "name": name,
            "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "subject": subject,
            "email_from": "sales@company.example.com",
            "lang": "{{ object.lang_code }}",
            "body_html": '<p>Hello <t t-out="object.contact_name or \'\'"/>, see '
                         '<a href="https://www.example.com/case">our case</a>.</p>',
        })

    @classmethod
    def _create_nurtured_lead(cls, name, user=None, **values):
        values.setdefault("email_from", f"{name.lower().replace(' ', '.')}@example.com")
        values.setdefault("partner_name", f"{name} Ltd")
        return cls._create_lead(name, user=user or cls.user_salesman, team=cls.team_iran, **values)

    def _enroll(self, leads, cadence=None):
        return self.env["lead.nurture.enrollment"].create([
            {"cadence_id": (cadence or self.cadence).id, "lead_id": lead.id} for lead in leads])

    def _run_due(self):
        """Do the due steps, as the cadence cron does."""
        self.env["lead.nurture.enrollment"]._lock_due(1000)._process_due()
        self.flush_deferred()

    def _trace(self, lead):
        return self.env["mailing.trace"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id)], order="id desc", limit=1)
