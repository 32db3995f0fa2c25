from . import lead_nurture_enroll
