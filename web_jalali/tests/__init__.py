from . import test_sql_functions
