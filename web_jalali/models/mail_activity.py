from odoo import models
from odoo.tools.misc import get_lang

from ..tools import jalali
from .jalali_render import reader_context


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def action_notify(self):
        """Notify each assignee with the dates in their own calendar, the
        e-mail's "Deadline:" subtitle included."""
        for user in self.user_id:
            activities = self.filtered(lambda activity, user=user: activity.user_id == user)
            context = reader_context(user.partner_id, user.lang)
            if context.get("date_calendar") == "jalali":
                context["web_jalali_subtitle_dates"] = activities._jalali_deadline_dates(
                    user.lang, context["date_digits"])
            super(MailActivity, activities.with_context(**context)).action_notify()
        return super(MailActivity, self.filtered(lambda activity: not activity.user_id)).action_notify()

    def _jalali_deadline_dates(self, lang, digits):
        """Pairs (a deadline of these activities as Odoo's notification
        subtitle writes it in ``lang``, the same day in Solar Hijri);
        ``mail.thread``'s ``message_notify`` swaps them."""
        date_format = get_lang(self.env, lang).date_format
        return tuple(
            (day.strftime(date_format), jalali.format_date(day, digits))
            for day in set(self.mapped("date_deadline"))
        )
