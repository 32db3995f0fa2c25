from . import test_dashboards
from . import test_ui
from . import test_translations
