from . import normalize
from . import national_id
from . import scoring
from . import territory
from . import forecast
from . import savepoint
from . import timing
