from . import lead_invoice_report
from . import lead_sales_cycle_report
from . import lead_source_report
