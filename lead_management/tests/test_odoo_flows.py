from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import tagged, users
from odoo.tests.common import TransactionCase, warmup


@tagged("post_install", "-at_install", "lead_management_performance", "is_query_count")
class TestOdooFlowsQueryCount(TransactionCase):
    """Odoo's own flows that write leads one at a time -- native team
    assignment, mass conversion, merge -- with the addon's defaults on
    (automatic routing, scoring, response time): what create() and write()
    add is done once per flow (see crm.lead._defer_hook), not once per lead.

    Each flow runs on 10 and on 200 leads. The counts pinned below, minus
    what Odoo's crm alone runs for the same flow (``bench/bench_odoo_flows.py``
    prints both: 105 and 1,627 for the assignment, 109 and 1,725 for the mass
    conversion, 59 and 439 for the merge), are the same for 10 and for 200
    leads: +15, +13 (+14: one more of the ORM's 100-row UPDATEs) and +21,
    the addon's demo scoring models and territories included. The counts
    are those of ``make test``'s database, where Website is installed too
    (``lead_management_website``): it adds one query to Odoo's conversion;
    and Email Marketing (``lead_management_nurture``) four to each flow: the
    cadences' exit check of the leads that changed (one query), and three of
    Odoo's own Email Marketing bridges (``mass_mailing_crm``,
    ``website_mass_mailing``, ``mass_mailing_sms``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # notified in Odoo: whether Odoo's test runner or pytest-odoo sends the
        # assignment emails at once differs, and is not what is measured here
        cls.user_manager = mail_new_test_user(
            cls.env, login="lm_flow_manager", name="Flow Manager", notification_type="inbox",
            groups="base.group_user,sales_team.group_sale_manager,crm.group_use_lead")
        cls.user_rep = mail_new_test_user(
            cls.env, login="lm_flow_rep", name="Flow Rep", notification_type="inbox",
            groups="base.group_user,sales_team.group_sale_salesman,crm.group_use_lead")
        cls.team = cls.env["crm.team"].create({
            "name": "LM Flow Team", "use_leads": True, "use_opportunities": True, "assignment_domain": False,
        })
        # 100 leads a day each: every lead of the test is assigned
        cls.env["crm.team.member"].create([
            {"crm_team_id": cls.team.id, "user_id": user.id, "assignment_max": 3000}
            for user in (cls.user_manager, cls.user_rep)])

    def _create_leads(self, count, **values):
        leads = self.env["crm.lead"].create([{
            "name": f"Flow lead {index}",
            "type": "lead",
            "email_from": f"flow.customer.{index}@example.com",
            "phone": f"+3247000{index:04d}",
            **values,
        } for index in range(count)])
        # what a commit does after the leads are created (their own routing, scores)
        self.env.flush_all()
        self.env.cr.flush()
        return leads

    def _assign(self, count, expected):
        leads = self._create_leads(count, user_id=False, team_id=False)
        with self.assertQueryCount(lm_flow_manager=expected):
            self.team.with_env(self.env)._action_assign_leads(force_quota=True)
        self.assertEqual(leads.team_id, self.team)
        self.assertEqual(leads.user_id, self.user_manager | self.user_rep)
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})

    def _mass_convert(self, count, expected):
        leads = self._create_leads(count, user_id=False, team_id=self.team.id)
        with self.assertQueryCount(lm_flow_manager=expected):
            self.env["crm.lead2opportunity.partner.mass"].with_context(
                active_model="crm.lead", active_ids=leads.ids,
            ).create({
                "deduplicate": False,
                "user_ids": (self.user_manager | self.user_rep).ids,
                "force_assignment": True,
                "name": "convert",
                "action": "nothing",
            }).action_mass_convert()
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        self.assertEqual(set(leads.mapped("lead_status")), {"converted"})

    def _merge(self, count, expected):
        leads = self._create_leads(count, user_id=self.user_rep.id, team_id=self.team.id)
        with self.assertQueryCount(lm_flow_manager=expected):
            merged = leads.with_env(self.env)._merge_opportunity(max_length=0)
        self.assertEqual(len(merged.exists()), 1)

    @users("lm_flow_manager")
    @warmup
    def test_native_assignment_10(self):
        self._assign(10, 125)

    @users("lm_flow_manager")
    @warmup
    def test_native_assignment_200(self):
        self._assign(200, 1647)

    @users("lm_flow_manager")
    @warmup
    def test_mass_convert_10(self):
        self._mass_convert(10, 128)

    @users("lm_flow_manager")
    @warmup
    def test_mass_convert_200(self):
        self._mass_convert(200, 1745)

    @users("lm_flow_manager")
    @warmup
    def test_merge_10(self):
        self._merge(10, 87)

    @users("lm_flow_manager")
    @warmup
    def test_merge_200(self):
        self._merge(200, 467)
