from . import lead_convert_wizard
from . import lead_import_wizard_line
from . import lead_import_wizard
from . import lead_management_settings
