from . import lead_invoice_link_wizard
from . import lead_invoice_wizard
