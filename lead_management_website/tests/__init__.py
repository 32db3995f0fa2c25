from . import test_website_form
from . import test_translations
