from . import test_session_info
from . import test_ui
