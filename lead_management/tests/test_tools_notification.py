from unittest import TestCase

from ..tools.notification import form_dialog_action, notification_action, soft_reload_action


class TestNotificationTools(TestCase):
    """Odoo's notification client action, without the ORM."""

    def test_defaults(self):
        self.assertEqual(notification_action("3 leads enrolled."), {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"type": "success", "message": "3 leads enrolled.", "sticky": False},
        })

    def test_every_option(self):
        close = {"type": "ir.actions.act_window_close"}
        self.assertEqual(
            notification_action("1 lead not converted.", type="warning", title="Convert", sticky=True,
                                next_action=close),
            {"type": "ir.actions.client", "tag": "display_notification", "params": {
                "type": "warning", "message": "1 lead not converted.", "sticky": True, "title": "Convert",
                "next": close}})

    def test_soft_reload(self):
        self.assertEqual(notification_action("Done.", next_action=soft_reload_action())["params"]["next"],
                         {"type": "ir.actions.client", "tag": "soft_reload"})

    def test_form_dialog(self):
        self.assertEqual(form_dialog_action("lead.import.wizard", 7, "Import Leads"), {
            "type": "ir.actions.act_window", "res_model": "lead.import.wizard", "res_id": 7, "view_mode": "form",
            "views": [(False, "form")], "target": "new", "name": "Import Leads",
        })
