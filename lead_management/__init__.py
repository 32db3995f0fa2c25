from . import controllers
from . import models
from . import report
from . import tools
from . import wizard


def _post_init_hook(env):
    """Fold Odoo's stock "Proposition" stage into "Proposal Sent"."""
    env["crm.stage"]._lead_management_merge_proposition_stage()


def _uninstall_hook(env):
    """The capture locks are a plain table (see crm.lead._capture_lock)."""
    env.cr.execute("DROP TABLE IF EXISTS lead_capture_lock")
