from . import test_website_form
from . import test_translations
from . import test_security_form_timing
