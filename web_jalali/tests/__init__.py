from . import test_session_info
