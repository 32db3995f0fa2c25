from . import test_sql_functions
from . import test_tools_jalali
from . import test_render
from . import test_web_save_guard
from . import test_preferences
