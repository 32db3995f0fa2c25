"""Helpers shared by the benchmarks: databases, a registry, query counting."""
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import odoo
from odoo.tools import config

#: the same empty databases (no demo data, no bulk leads) for every comparison:
#: Odoo's crm alone, and crm with every addon of this repository
NATIVE_DB = "lead_management_bench_native"
ADDON_DB = "lead_management_bench_addon"
ADDON_MODULES = "lead_management,lead_management_account"


def setup_odoo(addons_path):
    config.parse_config(["--addons-path", addons_path, "--log-level=warn"])


def ensure_database(name, module, addons_path):
    """Create ``name`` with ``module`` installed (no demo data), or update it."""
    exists = subprocess.run(["psql", "-Atqc", "select 1", name], capture_output=True, check=False).returncode == 0
    print(f"{'updating' if exists else 'creating'} {name} with {module}", file=sys.stderr)
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    subprocess.run(
        [sys.executable, odoo_bin, "--addons-path", addons_path, "-d", name, "-u" if exists else "-i", module,
         "--without-demo=all", "--stop-after-init", "--log-level=warn"],
        check=True)


@contextmanager
def measured(cr, results, label):
    """Time the block and count its SQL queries into ``results[label]``."""
    queries, start = cr.sql_log_count, time.perf_counter()
    yield
    results[label] = (time.perf_counter() - start, cr.sql_log_count - queries)


def environment(db_name, context=None):
    registry = odoo.modules.registry.Registry(db_name)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}, tracking_disable=True))


def vacuum(db_name):
    """Clean and re-analyze the database after a run: the next one starts from the
    same state, not from the dead rows of what the last one rolled back (a run after
    another is otherwise 2-3 times slower)."""
    subprocess.run(["psql", "-q", "-c", "VACUUM ANALYZE", db_name], check=True)
