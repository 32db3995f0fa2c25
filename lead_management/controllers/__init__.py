from . import capture
