from . import capture
from . import telephony
from . import webhooks
from . import health
