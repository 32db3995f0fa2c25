from . import lead_invoice_link_wizard
