from . import test_invoicing
from . import test_reports
from . import test_access
from . import test_translations
from . import test_security_account
from . import test_source_report_account
from . import test_report_jalali
