from . import lead_sales_cycle_report
from . import lead_response_report
