from odoo import api, fields, models


class LeadPhoneMixin(models.AbstractModel):
    """Both numbers of a record in E.164: Odoo's ``phone_sanitized`` holds
    only the first of mobile and phone, this keeps the other one. For models
    that are also ``mail.thread.phone``."""

    _name = "lead.phone.mixin"
    _description = "Second Sanitized Phone"

    secondary_phone_sanitized = fields.Char(
        string="Other Sanitized Number", compute="_compute_secondary_phone_sanitized", store=True,
        index="btree_not_null",
        help="The phone or mobile number, in E.164, that Odoo's sanitized number does not hold.")

    @api.depends(lambda self: self._phone_get_sanitize_triggers() if "phone_sanitized" in self._fields else [])
    def _compute_secondary_phone_sanitized(self):
        for record in self:
            numbers = record._get_sanitized_numbers()
            record.secondary_phone_sanitized = next(
                (number for number in numbers if number != record.phone_sanitized), False)

    def _get_sanitized_numbers(self):
        """The mobile and phone of this record in E.164, unparseable ones left out."""
        self.ensure_one()
        numbers = [self._phone_format(fname=fname) for fname in ("mobile", "phone") if self[fname]]
        return list(dict.fromkeys(number for number in numbers if number))
