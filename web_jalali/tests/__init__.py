from . import test_sql_functions
from . import test_tools_jalali
from . import test_render
from . import test_web_save_guard
from . import test_preferences
from . import test_session_info
from . import test_ui
from . import test_jalali_js
