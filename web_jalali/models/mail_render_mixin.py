from odoo import api, fields, models

from ..tools import jalali
from .jalali_render import format_datetime as jalali_format_datetime
from .jalali_render import jalali_digits, reader_context
from .res_users import PERSIAN_LANGS


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_eval_context(self):
        """``format_date`` and ``format_datetime`` in Solar Hijri for a
        Persian reader who does not prefer Gregorian (see jalali_render)."""
        render_context = super()._render_eval_context()
        odoo_format_date = render_context["format_date"]
        odoo_format_datetime = render_context["format_datetime"]

        def format_date(date, date_format=False, lang_code=False):
            digits = jalali_digits(self.env, lang_code)
            if not date or not digits:
                return odoo_format_date(date, date_format, lang_code)
            return jalali.format_date(fields.Date.to_date(date), digits, long="MMM" in (date_format or ""))

        def format_datetime(dt, tz=False, dt_format=False, lang_code=False):
            digits = jalali_digits(self.env, lang_code)
            if not dt or not digits:
                return odoo_format_datetime(dt, tz, dt_format, lang_code)
            return jalali_format_datetime(self.env, dt, tz, dt_format, digits=digits)

        render_context.update(format_date=format_date, format_datetime=format_datetime)
        return render_context

    def _classify_per_lang(self, res_ids, engine="inline_template"):
        """Split the Persian groups by their readers' calendar preferences
        (see jalali_render), each rendered with them in its context."""
        classified = super()._classify_per_lang(res_ids, engine=engine)
        if self.render_model not in self.env or not any(lang in classified for lang in PERSIAN_LANGS):
            return classified
        result = {}
        for lang, (template, lang_res_ids) in classified.items():
            if lang not in PERSIAN_LANGS:
                result[lang] = (template, lang_res_ids)
                continue
            partners = self._jalali_reader_partners(lang_res_ids)
            groups = {}
            for res_id in lang_res_ids:
                context = reader_context(partners.get(res_id), lang)
                groups.setdefault(tuple(sorted(context.items())), []).append(res_id)
            for key, group_res_ids in groups.items():
                # the key is only a dict key for the callers (_render_field, mail.template)
                result[lang if not key else f"{lang}|{dict(key)['date_calendar']}|{dict(key)['date_digits']}"] = (
                    template.with_context(**dict(key)), group_res_ids)
        return result

    def _jalali_reader_partners(self, res_ids):
        """{res_id: the partner who reads the rendering of that record}: the
        record when it is a partner, its user's partner, or its ``partner_id``."""
        records = self.env[self.render_model].browse(res_ids)
        if records._name == "res.partner":
            return {record.id: record for record in records}
        if records._name == "res.users":
            return {record.id: record.partner_id for record in records}
        field = records._fields.get("partner_id")
        if field and field.type == "many2one" and field.comodel_name == "res.partner":
            return {record.id: record.partner_id for record in records}
        return {}
