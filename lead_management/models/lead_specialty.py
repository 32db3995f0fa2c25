from odoo import fields, models


class LeadSpecialty(models.Model):
    _name = "lead.specialty"
    _description = "Lead Specialty"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A specialty with this name already exists."),
    ]
