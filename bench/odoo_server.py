#!/usr/bin/env python3
"""odoo-bin for the HTTP benchmarks (common.start_server), without its
long-polling process.

In prefork mode, Odoo's master process starts ``<this script> gevent ...``
for websockets. The benchmarks use no websocket: called with ``gevent``,
this script waits for the master to stop instead, so that no long-polling
process competes with the workers for the CPU.

With ODOO_BENCH_LISTEN_BACKLOG=n, the listen backlog of the server's
socket is at least n instead of Odoo's 8 per worker: connections wait in
the kernel's queue, as they would in a reverse proxy's, instead of being
dropped and retried by the clients' TCP after 1 s, 3 s... (see
bench_capture_api.py).
"""
import os
import sys
import time

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "gevent":
        master = os.getppid()
        while os.getppid() == master:
            time.sleep(1)
        sys.exit(0)
    backlog = int(os.environ.get("ODOO_BENCH_LISTEN_BACKLOG") or 0)
    if backlog:
        import socket
        listen = socket.socket.listen

        def listen_deeper(sock, size=backlog):
            return listen(sock, max(size, backlog))

        socket.socket.listen = listen_deeper
    os.environ["TZ"] = "UTC"   # as odoo-bin: before the time module is used
    import odoo
    odoo.cli.main()
