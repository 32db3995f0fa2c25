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
        """Odoo's phone_sanitized holds the mobile in E.164 when it is valid,
        else the phone: the other number can only be the phone (one number
        parsed, not two)."""
        for record in self:
            phone = record.phone and record._phone_format(fname="phone")
            record.secondary_phone_sanitized = phone if phone and phone != record.phone_sanitized else False

    def _get_sanitized_numbers(self):
        """The mobile and phone of this record in E.164, unparseable ones left out."""
        self.ensure_one()
        return [number for number in (self.phone_sanitized, self.secondary_phone_sanitized) if number]
