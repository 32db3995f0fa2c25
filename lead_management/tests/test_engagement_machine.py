from freezegun import freeze_time

from odoo.tests import tagged, users

from .common import LeadManagementCase


@tagged("post_install", "-at_install", "lead_management_scoring")
@freeze_time("2026-03-02 09:00:00")
class TestEngagementMachine(LeadManagementCase):
    """Machine opens and clicks (is_machine) are kept and score no points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["lead.scoring.model"].search([]).write({"active": False})
        cls.model = cls.env["lead.scoring.model"].create({
            "name": "Opens", "sequence": 1, "team_ids": [(6, 0, cls.team_iran.ids)],
            "rule_ids": [(0, 0, {"name": "Email opens", "kind": "engagement", "event_type": "email_open",
                                 "points": 5})],
        })

    @users("lm_salesman")
    def test_machine_events_score_nothing(self):
        lead = self._create_lead("Opened", user=self.env.user, team=self.team_iran)
        Engagement = self.env["lead.engagement"].sudo()  # sudo: events come from the tracking routes
        Engagement.create({"lead_id": lead.id, "event_type": "email_open", "is_machine": True,
                           "machine_reason": "apple_proxy"})
        self.assertEqual(lead.score_engagement, 0)
        self.assertEqual(lead.engagement_count, 1, "kept")
        Engagement.create({"lead_id": lead.id, "event_type": "email_open"})
        self.assertEqual(lead.score_engagement, 5)
        # an event found to be a machine's afterwards takes its points away
        lead.engagement_ids.filtered(lambda event: not event.is_machine).sudo().write(
            {"is_machine": True, "machine_reason": "all_links"})
        self.assertEqual(lead.score_engagement, 0)
        self.assertEqual(self.env["lead.engagement"].search_count([("lead_id", "=", lead.id)]), 2)
        self.assertEqual(self.env["lead.engagement"].search_count(
            [("lead_id", "=", lead.id), ("is_machine", "=", False)]), 0)

    def test_scoring_index_covers_is_machine(self):
        """The scoring query still reads only the covering index."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'lead_engagement_lead_scoring_index'")
        self.assertIn("INCLUDE (event_type, date, points, is_machine)", self.env.cr.fetchone()[0])
