from . import controllers
from . import models
from . import report
from . import tools
from . import wizard


def _post_init_hook(env):
    """Fold Odoo's stock "Proposition" stage into "Proposal Sent"; rebuild
    the history of the existing leads from Odoo's tracking, and the funnel
    report's steps from it."""
    env["crm.stage"]._lead_management_merge_proposition_stage()
    env["lead.history"]._backfill()
    env["lead.funnel.report"]._refresh_steps()


def _uninstall_hook(env):
    """The capture locks are a plain table (see crm.lead._capture_lock)."""
    env.cr.execute("DROP TABLE IF EXISTS lead_capture_lock")
