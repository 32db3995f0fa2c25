from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """lead.history is new: rebuild the periods of the existing leads from
    the tracking rows of Odoo's chatter (see lead.history._backfill), then
    the funnel report's steps from them."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["lead.history"]._backfill()
    env["lead.funnel.report"]._refresh_steps()
