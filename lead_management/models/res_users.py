import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.normalize import normalize_digits


class ResUsers(models.Model):
    _inherit = "res.users"

    phone_extension = fields.Char(
        help="This user's internal number on the telephone system: incoming calls to it open the caller's lead "
             "in Odoo.")

    _sql_constraints = [
        ("phone_extension_company_unique", "UNIQUE(phone_extension, company_id)",
         "This phone extension is already another user's in this company."),
    ]

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "phone_extension"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "phone_extension"]

    @api.constrains("phone_extension", "share")
    def _check_phone_extension(self):
        for user in self:
            if user.phone_extension and not re.fullmatch(r"[0-9]{1,16}", user.phone_extension):
                raise ValidationError(self.env._(
                    "Phone Extension: %(value)s is not an extension; expected digits, such as 204.",
                    value=user.phone_extension))
            if user.phone_extension and user.share:
                raise ValidationError(self.env._(
                    "Phone Extension: only internal users have one; %(user)s is a portal or public user.",
                    user=user.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("phone_extension"):
                vals["phone_extension"] = normalize_digits(vals["phone_extension"]).strip()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("phone_extension"):
            vals = dict(vals, phone_extension=normalize_digits(vals["phone_extension"]).strip())
        return super().write(vals)
