from . import base
from . import base_read_group
from . import res_users
from . import jalali_sql
from . import ir_qweb_fields
from . import mail_activity
from . import mail_render_mixin
from . import ir_http
