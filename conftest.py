"""pytest-odoo imports Odoo's test framework before it turns on test mode,
which makes Odoo log a spurious error: drop that one record."""
import logging


class _ImportingTestFrameworkFilter(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_ImportingTestFrameworkFilter())
