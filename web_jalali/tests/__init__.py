from . import test_sql_functions
from . import test_tools_jalali
