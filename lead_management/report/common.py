from odoo.tools import SQL, drop_view_if_exists


def create_report_view(cr, view_name, query):
    """(Re)create the SQL view behind a report model (``_auto = False``)."""
    drop_view_if_exists(cr, view_name)
    cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(view_name), query))
