from . import res_users
from . import ir_http
