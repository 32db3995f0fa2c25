from odoo import http
from odoo.http import request
from odoo.tools import SQL


class HealthController(http.Controller):

    @http.route("/lead_management/health", type="http", auth="none", methods=["GET", "HEAD"], csrf=False,
                save_session=False, readonly=True)
    def health(self):
        """For load balancers and monitoring: 200 while the database answers,
        with the cron lag (seconds since the most overdue scheduled action
        should have started: no cron worker runs when it grows) and the
        work waiting (background imports, Meta leads to fetch). Without a
        database the answer is 503 (lead_management_server)."""
        cr = request.env.cr
        cr.execute(SQL("""
            SELECT (SELECT GREATEST(0, EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min(nextcall)))::integer
                      FROM ir_cron WHERE active),
                   (SELECT count(*) FROM lead_import_job WHERE state IN ('waiting', 'running')),
                   (SELECT count(*) FROM lead_capture_log WHERE channel = 'meta' AND status = 'waiting')
        """))
        cron_lag, imports, meta_fetches = cr.fetchone()
        return request.make_json_response(
            {"status": "ok", "database": "ok", "cron_lag_seconds": cron_lag or 0,
             "pending_imports": imports, "pending_meta_fetches": meta_fetches},
            headers=[("Cache-Control", "no-store")])
