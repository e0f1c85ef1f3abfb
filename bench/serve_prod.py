"""`make serve-prod`: the suite as docs/deployment.md runs it, on this machine.

gunicorn with several workers (``WORKERS``, default 4) on 127.0.0.1:``PORT`` (default
8160), static files by WhiteNoise, the task worker (restarted if it exits), production
settings except hosts (``bench/prod_settings.py``). The database is ``DATABASE_URL``
or, when unset, the embedded development cluster. Ctrl-C stops everything.

Production expects a TLS proxy in front (it sends ``X-Forwarded-Proto: https``). To
look with a browser without one: ``make serve-prod PLAIN_HTTP=1``.
"""

import argparse
import os
import signal
import time

from bench.common import server_url
from bench.stack import Stack, environment, prepare


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.serve_prod", description=__doc__.split("\n")[0]
    )
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8160)))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 4)))
    p.add_argument("--no-seed", action="store_true", help="do not add the demo data")
    args = p.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or server_url()
    env = environment(url, args.port)
    print("· collectstatic, migrations, cache table" + ("" if args.no_seed else ", demo data"))
    prepare(env, seed=not args.no_seed)
    stack = Stack(env, args.port, workers=args.workers)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    took = stack.start()
    scheme = (
        "http" if os.environ.get("SERVE_PROD_PLAIN_HTTP") == "1" else "https (behind the proxy)"
    )
    print(
        f"· gunicorn ×{args.workers} and the task worker up in {took:.1f} s on 127.0.0.1:{args.port}"
        f" — portal localhost:{args.port}, institutions <slug>.localhost:{args.port}, {scheme};"
        f" logs in {stack.logs}. Ctrl-C stops."
    )
    try:
        while not stopping and stack.web.alive():
            time.sleep(0.5)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
