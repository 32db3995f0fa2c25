from . import lead_convert_wizard
from . import lead_import_wizard_line
from . import lead_import_wizard
from . import lead_management_settings
from . import lead_marketing_cost_import
