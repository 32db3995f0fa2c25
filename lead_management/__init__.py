from . import models
from . import report
from . import tools
from . import wizard


def _post_init_hook(env):
    """Fold Odoo's stock "Proposition" stage into "Proposal Sent"."""
    env["crm.stage"]._lead_management_merge_proposition_stage()
