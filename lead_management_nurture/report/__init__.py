from . import lead_nurture_report
from . import lead_nurture_conversion_report
