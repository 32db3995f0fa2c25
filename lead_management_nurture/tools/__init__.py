from . import send_window
