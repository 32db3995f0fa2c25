from odoo import api, fields, models

PERSIAN_LANGS = ("fa_IR", "fa_AF")


class ResUsers(models.Model):
    _inherit = "res.users"

    date_calendar = fields.Selection(
        [("gregorian", "Gregorian"), ("jalali", "Solar Hijri")],
        string="Calendar", compute="_compute_date_calendar", store=True, readonly=False, precompute=True,
        help="The calendar in which this user reads, types and groups dates. The database keeps Gregorian dates.")
    date_digits = fields.Selection(
        [("latin", "Latin"), ("persian", "Persian")],
        string="Digits", compute="_compute_date_digits", store=True, readonly=False, precompute=True,
        help="The digits of the dates this user reads: 0123456789 or ۰۱۲۳۴۵۶۷۸۹.")

    @api.depends("lang")
    def _compute_date_calendar(self):
        for user in self:
            user.date_calendar = "jalali" if user.lang in PERSIAN_LANGS else "gregorian"

    @api.depends("lang")
    def _compute_date_digits(self):
        for user in self:
            user.date_digits = "persian" if user.lang in PERSIAN_LANGS else "latin"

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "date_calendar", "date_digits"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "date_calendar", "date_digits"]
