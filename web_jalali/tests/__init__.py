from . import test_session_info
from . import test_ui
from . import test_jalali_js
