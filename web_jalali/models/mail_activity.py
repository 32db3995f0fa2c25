from odoo import models

from .jalali_render import reader_context


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def action_notify(self):
        """Notify each assignee with the dates in their own calendar."""
        for user in self.user_id:
            activities = self.filtered(lambda activity, user=user: activity.user_id == user)
            super(MailActivity, activities.with_context(**reader_context(user.partner_id, user.lang))).action_notify()
        return super(MailActivity, self.filtered(lambda activity: not activity.user_id)).action_notify()
