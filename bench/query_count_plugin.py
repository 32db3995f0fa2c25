"""pytest plugin for bench_odoo_flows.py: print the queries each assertQueryCount
block of the tests counted, next to the budget the test gives, as lines

    QUERY_COUNT <test id> <login> <counted> <budget>
"""
import contextlib
import sys


def pytest_collection_finish(session):
    from odoo.tests import common

    original = common.BaseCase.assertQueryCount

    @contextlib.contextmanager
    def assertQueryCount(self, default=0, flush=True, **counters):
        login = self.env.user.login
        self.env.flush_all()
        self.env.cr.flush()
        start = self.cr.sql_log_count
        try:
            with original(self, default, flush, **counters):
                yield
        finally:
            counted = self.cr.sql_log_count - start
            print(f"QUERY_COUNT {self.id()} {login} {counted} {counters.get(login, default)}", file=sys.__stdout__)

    common.BaseCase.assertQueryCount = assertQueryCount
