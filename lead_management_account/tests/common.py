from odoo.addons.lead_management.tests.common import ConversionCase
from odoo.addons.mail.tests.common import mail_new_test_user


class BillingCase(ConversionCase):
    """The sales roles, plus a billing-only accountant and a salesperson who
    also has billing rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_accountant = mail_new_test_user(
            cls.env, login="lm_accountant", name="Accountant", groups="base.group_user,account.group_account_invoice")
        cls.user_salesman_billing = mail_new_test_user(
            cls.env, login="lm_salesman_billing", name="Salesman With Billing",
            groups="base.group_user,sales_team.group_sale_salesman,crm.group_use_lead,account.group_account_invoice")
