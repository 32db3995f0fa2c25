from . import lead_convert_wizard
from . import lead_invoice_link_wizard
