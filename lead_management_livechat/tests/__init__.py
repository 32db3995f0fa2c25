from . import test_livechat
from . import test_translations
