from odoo import SUPERUSER_ID, api
from odoo.tools import split_every

BATCH_SIZE = 10_000


def migrate(cr, version):
    """The lifecycle stage and forecast category computed for several leads at
    once (at install, in a mass rescore) gave every lead of the batch the value
    of the last one: compute them again, lead by lead's own values."""
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    Lead = env["crm.lead"]
    fields_ = [Lead._fields["lifecycle_stage"], Lead._fields["forecast_category"]]
    for ids in split_every(BATCH_SIZE, Lead.search([]).ids):
        leads = Lead.browse(ids)
        for field in fields_:
            env.add_to_compute(field, leads)
        leads.flush_recordset(["lifecycle_stage", "forecast_category"])
        env.invalidate_all()
    # a correction, not leads reaching SQL or turning hot: no notes, tasks nor routing
    cr.precommit.data.pop("lead_management.deferred_hooks", None)
