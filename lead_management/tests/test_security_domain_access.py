from odoo.exceptions import ValidationError
from odoo.tests import tagged, users

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management")
class TestSecurityDomainAccess(LeadManagementCase):
    """Scoring domains run as superuser: their related paths and ``any``
    sub-domains name only fields their author may read."""

    @users("lm_manager")
    def test_scoring_sub_domains_name_only_readable_fields(self):
        model = self.env["lead.scoring.model"].create({"name": "Probe"})
        for domain in ("[('partner_id', 'any', [('credit_limit', '>', 0)])]",
                       "[('partner_id', 'not any', [('child_ids', 'any', [('credit_limit', '>', 0)])])]",
                       "[('partner_id.credit_limit', '>', 0)]"):
            with self.subTest(domain=domain), self.assertRaisesRegex(ValidationError, "you cannot read it"):
                self.env["lead.scoring.rule"].create(
                    {"model_id": model.id, "name": "Probe", "kind": "fit", "domain": domain})
        rule = self.env["lead.scoring.rule"].create({
            "model_id": model.id, "name": "Iranian companies", "kind": "fit",
            "domain": "[('partner_id', 'any', [('country_id.code', '=', 'IR')])]"})
        self.assertFalse(rule.error)
