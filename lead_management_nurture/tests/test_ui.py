from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestNurtureUi(HttpCase):
    """A sales manager creates a cadence with an e-mail step in the browser."""

    def test_create_cadence_tour(self):
        self.start_tour("/odoo/action-lead_management_nurture.action_lead_nurture_cadence",
                        "lead_management_nurture_create_cadence", login="admin")
        cadence = self.env["lead.nurture.cadence"].search([("name", "=", "Tour cadence")])
        self.assertEqual(cadence.step_ids.mapped("name"), ["Tour welcome"])
        self.assertEqual(cadence.step_ids.kind, "email")
        self.assertEqual(cadence.step_ids.delay, 2)
