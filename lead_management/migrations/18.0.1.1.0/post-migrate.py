from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """National ids and economic codes were stored with their separators on
    contacts: store them, on contacts and leads, the way they are matched."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in ("res.partner", "crm.lead"):
        env[model]._normalize_stored_identifiers()
