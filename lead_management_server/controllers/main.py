from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

#: what a client waits before retrying, in seconds: the usual restart of a database
RETRY_AFTER_SECONDS = "30"


class DatabaseAway(http.Controller):
    """While the database cannot be reached, Odoo serves requests without
    one (its database list is empty) and answers 404 to every capture route,
    which API clients and ad platforms read as a wrong address and never
    retry. Loaded server-wide (``--load=base,web,lead_management_server``),
    this answers 503 with ``Retry-After`` to every ``/lead_management/``
    address instead, the health route's included."""

    @http.route("/lead_management/<path:_subpath>", type="http", auth="none", csrf=False, save_session=False)
    def database_away(self, _subpath=None, **_kwargs):
        if request.db:
            raise NotFound()   # a database serves its own routes: this one is for their absence only
        return request.make_json_response(
            {"status": "unavailable", "errors": {"__all__": str(_lt(
                "The database is unavailable for a moment; send the request again later."))}},
            status=503, headers=[("Retry-After", RETRY_AFTER_SECONDS), ("Cache-Control", "no-store")])
