from odoo.addons.lead_management.models.crm_lead_capture import CAPTURE_FIELDS
from odoo.tools import SQL
from odoo.tools.sql import table_exists


def migrate(cr, version):
    """The fields a capture form asks were Odoo's field records, which sales
    managers may not read: they become the form's own lines, in the order the
    embedded form showed them, required where they were."""
    if not table_exists(cr, "lead_capture_form_field_rel"):
        return
    has_required = table_exists(cr, "lead_capture_form_required_field_rel")
    required = SQL("EXISTS (SELECT 1 FROM lead_capture_form_required_field_rel req "
                   "WHERE req.form_id = rel.form_id AND req.field_id = rel.field_id)") \
        if has_required else SQL("FALSE")
    names = list(CAPTURE_FIELDS)
    cr.execute(SQL(
        """INSERT INTO lead_capture_form_field (form_id, name, sequence, required, create_uid, create_date,
                                                write_uid, write_date)
           SELECT rel.form_id, imf.name, array_position(%(names)s, imf.name::text), %(required)s,
                  1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
             FROM lead_capture_form_field_rel rel
             JOIN ir_model_fields imf ON imf.id = rel.field_id
            WHERE imf.model = 'crm.lead' AND imf.name = ANY(%(names)s)
           ON CONFLICT DO NOTHING""", names=names, required=required))
    cr.execute("DROP TABLE lead_capture_form_field_rel")
    if has_required:
        cr.execute("DROP TABLE lead_capture_form_required_field_rel")
