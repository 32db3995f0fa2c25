from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def message_notify(self, **kwargs):
        """Subtitles ending with a date the context maps to its Solar Hijri
        text (an activity's "Deadline: ...", see ``mail.activity.action_notify``)
        end with that text instead."""
        dates = dict(self.env.context.get("web_jalali_subtitle_dates") or ())
        if dates and kwargs.get("subtitles"):
            kwargs["subtitles"] = [self._jalali_subtitle(subtitle, dates) for subtitle in kwargs["subtitles"]]
        return super().message_notify(**kwargs)

    @staticmethod
    def _jalali_subtitle(subtitle, dates):
        for gregorian, solar_hijri in dates.items():
            if isinstance(subtitle, str) and subtitle.endswith(gregorian):
                return subtitle[: -len(gregorian)] + solar_hijri
        return subtitle
