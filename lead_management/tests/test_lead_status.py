from odoo.tests import tagged

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_fields")
class TestLeadStatus(LeadManagementCase):
    """Lead status and the lifecycle stage it drives."""

    def test_defaults(self):
        lead = self._create_lead("Defaults")
        self.assertEqual(lead.lead_status, "new")
        self.assertEqual(lead.lifecycle_stage, "lead")
        self.assertEqual(lead.sla_status, "none")
        self.assertEqual(lead.decision_timeframe, "unknown")

    def test_disqualifying_statuses(self):
        lead = self._create_lead("Disqualify me")
        for status in ("junk", "not_interested"):
            lead.lead_status = status
            self.assertEqual(lead.lifecycle_stage, "disqualified", status)
        lead.lead_status = "contacted"
        self.assertEqual(lead.lifecycle_stage, "lead")

    def test_batch_computes_each_lead(self):
        """One computation over leads of every status gives each its own
        stage and forecast category (as at install, or in a mass rescore)."""
        leads = self.env["crm.lead"].create([
            {"name": "Batch new", "type": "lead"},
            {"name": "Batch junk", "type": "lead"},
            {"name": "Batch commit", "type": "opportunity"},
            {"name": "Batch lost", "type": "lead"},
        ])
        leads[1].lead_status = "junk"
        leads[2].probability = 95
        leads[3].write({"probability": 0, "active": False})
        self.env.flush_all()
        self.env.add_to_compute(leads._fields["lifecycle_stage"], leads)
        self.env.add_to_compute(leads._fields["forecast_category"], leads)
        self.assertEqual(leads.mapped("lifecycle_stage"), ["lead", "disqualified", "opportunity", "lead"])
        self.assertEqual(leads.mapped("forecast_category"), ["pipeline", "pipeline", "commit", "omitted"])

    def test_status_independent_of_stage(self):
        lead = self._create_lead("Independent")
        stage = lead.stage_id
        lead.lead_status = "qualified"
        self.assertEqual(lead.stage_id, stage)
        self.assertEqual(lead.type, "lead")

    def test_qualification_is_never_lowered(self):
        lead = self._create_lead("Was SQL")
        lead.lifecycle_stage = "sql"
        lead.lead_status = "contacted"
        self.assertEqual(lead.lifecycle_stage, "sql")
        lead.lifecycle_stage = "mql"
        lead.lead_status = "qualified"
        self.assertEqual(lead.lifecycle_stage, "mql")

    def test_convert_to_opportunity(self):
        lead = self._create_lead("To convert", user=self.user_salesman, team=self.team_iran)
        partner = self.env["res.partner"].create({"name": "Converted customer"})
        lead.convert_opportunity(partner)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.lead_status, "converted")
        self.assertEqual(lead.lifecycle_stage, "opportunity")

    def test_won_makes_customer(self):
        lead = self._create_lead("To win", type="opportunity", user=self.user_salesman)
        lead.action_set_won()
        self.assertEqual(lead.lifecycle_stage, "customer")

    def test_status_is_tracked(self):
        lead = self.env["crm.lead"].with_context(tracking_disable=False).create({"name": "Tracked"})
        self.env.cr.precommit.run()
        lead.lead_status = "attempted"
        self.env.flush_all()
        self.env.cr.precommit.run()
        lead.invalidate_recordset(["message_ids"])
        tracked = lead.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "lead_status")
        self.assertEqual(tracked.old_value_char, "New")
        self.assertEqual(tracked.new_value_char, "Attempted to Contact")

    def test_kanban_shows_every_status(self):
        groups = self.env["crm.lead"].read_group(
            [("id", "=", self.lead_own.id)], ["lead_status"], ["lead_status"])
        self.assertEqual(
            [group["lead_status"] for group in groups],
            ["new", "attempted", "contacted", "qualified", "eager", "not_interested", "junk", "converted"])
