from . import account_move
from . import crm_lead
from . import res_config_settings
