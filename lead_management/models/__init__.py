from . import lead_specialty
from . import res_country_state
from . import crm_stage
from . import utm_source
from . import crm_lead
from . import res_partner
