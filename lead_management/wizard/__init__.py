from . import lead_convert_wizard
