from . import lead_report_mixin
from . import lead_sales_cycle_report
from . import lead_response_report
from . import lead_rep_report
from . import lead_funnel_report
from . import lead_source_report
