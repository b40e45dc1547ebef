"""`abm dashboard`: serve the interactive dashboard (Mesa SolaraViz) and print its address."""

from __future__ import annotations

import argparse
import signal
import sys

from abm.dashboard import MODELS
from abm.errors import ParameterError

DEFAULT_PORT = 8765


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dashboard",
        help="watch a model run in the browser and turn its knobs",
        description="Start the interactive dashboard (Mesa's SolaraViz, served by `solara "
        "run`) and print its address. Stop it with Ctrl+C. See docs/dashboard.md.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach; the dashboard has no authentication, "
        "so anyone who reaches the port can use it",
    )
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 = any free port)",
    )
    p.add_argument(
        "--model",
        default=MODELS[0],
        choices=MODELS,
        help=f"which model to show (default {MODELS[0]})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise ParameterError("--port", args.port, "an integer in [0, 65535]")
    from abm.dashboard import assets, server

    if not server.is_loopback(args.host):
        if not args.allow_remote:
            raise ParameterError(
                "--host",
                args.host,
                "a loopback address (127.0.0.1, ::1, localhost); add --allow-remote to serve "
                "other machines (the dashboard has no authentication)",
            )
        print(
            f"warning: serving on {args.host}: the dashboard has no authentication; anyone "
            f"who can reach port {args.port} can use it",
            file=sys.stderr,
            flush=True,
        )

    port = server.free_port(args.host) if args.port == 0 else args.port
    if not server.port_is_free(args.host, port):
        raise ParameterError("--port", port, f"a port free on {args.host} (this one is in use)")
    _ensure_assets(assets)
    proc = server.start(args.host, port, model=args.model)
    url = server.url_for(args.host, port)
    # The server runs in its own session (Ctrl+C reaches only us), so stopping it is our
    # job: on Ctrl+C (KeyboardInterrupt) and on SIGTERM (turned into SystemExit) alike.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.wait_until_serving(url, proc, timeout=120)
        print(f"abm dashboard ({args.model}) at {url}  (Ctrl+C to stop)", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop(proc)


def _ensure_assets(assets) -> None:
    """Install Solara's web files from npm when missing, so the page also loads offline;
    without them the server fetches the same files from its CDN, which needs the internet."""
    todo = assets.missing()
    if not todo:
        return
    print(f"installing the dashboard's web assets ({', '.join(todo)}) with npm ...", flush=True)
    try:
        assets.install()
    except Exception as exc:  # the page still works where the CDN is reachable
        print(f"warning: {exc}; the page will try Solara's CDN instead", file=sys.stderr)
