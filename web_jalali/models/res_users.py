from odoo import api, fields, models

PERSIAN_LANGS = ("fa_IR", "fa_AF")
DATE_PREFERENCES = ("date_calendar", "date_digits")


def _date_defaults(lang):
    """The calendar and digits a user of ``lang`` reads unless they choose."""
    if lang in PERSIAN_LANGS:
        return {"date_calendar": "jalali", "date_digits": "persian"}
    return {"date_calendar": "gregorian", "date_digits": "latin"}


class ResUsers(models.Model):
    _inherit = "res.users"

    date_calendar = fields.Selection(
        [("gregorian", "Gregorian"), ("jalali", "Solar Hijri")],
        string="Calendar", compute="_compute_date_calendar", store=True, readonly=False, precompute=True, copy=False,
        help="The calendar in which this user reads, types and groups dates. The database keeps Gregorian dates.")
    date_digits = fields.Selection(
        [("latin", "Latin"), ("persian", "Persian")],
        string="Digits", compute="_compute_date_digits", store=True, readonly=False, precompute=True, copy=False,
        help="The digits of the dates this user reads: 0123456789 or ۰۱۲۳۴۵۶۷۸۹.")
    date_preferences_chosen = fields.Boolean(
        copy=False,
        help="The calendar or digits were chosen: they no longer follow the language.")

    @api.depends("lang")
    def _compute_date_calendar(self):
        """Follow the language (Solar Hijri for Persian) unless a choice was made."""
        for user in self:
            if not user.date_preferences_chosen or not user.date_calendar:
                user.date_calendar = _date_defaults(user.lang)["date_calendar"]

    @api.depends("lang")
    def _compute_date_digits(self):
        """Follow the language (Persian digits for Persian) unless a choice was made."""
        for user in self:
            if not user.date_preferences_chosen or not user.date_digits:
                user.date_digits = _date_defaults(user.lang)["date_digits"]

    @api.model_create_multi
    def create(self, vals_list):
        partners = self.env["res.partner"].browse([vals["partner_id"] for vals in vals_list if vals.get("partner_id")])
        partner_langs = {partner.id: partner.lang for partner in partners}
        for vals in vals_list:
            if any(vals.get(name) for name in DATE_PREFERENCES):
                lang = vals.get("lang") or partner_langs.get(vals.get("partner_id")) or self.env.context.get("lang")
                defaults = _date_defaults(lang)
                vals["date_preferences_chosen"] = any(
                    vals.get(name, defaults[name]) != defaults[name] for name in DATE_PREFERENCES)
        return super().create(vals_list)

    def write(self, vals):
        """A calendar or digits other than the language's default is a
        choice, kept when the language changes later; choosing the default
        again follows the language again (the Preferences dialog sends the
        language's defaults along with a new language)."""
        if not any(vals.get(name) for name in DATE_PREFERENCES):
            return super().write(vals)

        def chosen(user):
            defaults = _date_defaults(vals.get("lang") or user.lang)
            return any((vals.get(name) or user[name]) != defaults[name] for name in DATE_PREFERENCES)

        result = True
        for flag, users in self.grouped(chosen).items():
            result &= super(ResUsers, users).write({**vals, "date_preferences_chosen": flag})
        return result

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, *DATE_PREFERENCES, "date_preferences_chosen"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, *DATE_PREFERENCES, "date_preferences_chosen"]
