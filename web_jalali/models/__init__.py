from . import res_users
from . import jalali_sql
