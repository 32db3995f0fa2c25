from . import test_database_away
