from . import lead_nurture_enroll
from . import lead_nurture_bot_ranges_upload
