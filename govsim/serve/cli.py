"""``govsim serve [--host 127.0.0.1] [--port N] [--workdir DIR]``: start the workbench."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "parse_args"]

DEFAULT_WORKDIR = "govsim_workbench"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The serve options (argparse exits 2 with one line on a bad option)."""
    p = argparse.ArgumentParser(prog="govsim serve",
                                description="Start the planner's workbench, a local web app.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=5006, help="port (default 5006; 0 picks a free one)")
    p.add_argument("--workdir", default=DEFAULT_WORKDIR,
                   help=f"the app's working directory: uploads and results go only here "
                        f"(default ./{DEFAULT_WORKDIR})")
    p.add_argument("--executor", default="processes", choices=["serial", "processes"],
                   help="how runs are executed (default processes)")
    return p.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the workbench until interrupted; print its URL first."""
    args = parse_args(sys.argv[2:] if argv is None else argv)
    if not 0 <= args.port <= 65535:
        print(f"govsim: error: --port = {args.port}: must be in [0, 65535]", file=sys.stderr)
        return 2
    import panel as pn

    from govsim.serve.app import WorkbenchPage
    from govsim.serve.jobs import JobManager

    port = args.port or _free_port(args.host)
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    jobs = JobManager(workdir, args.executor)
    roots = [workdir / "experiments", Path.cwd() / "results"]
    pn.extension(notifications=False)

    def page() -> pn.viewable.Viewable:
        return WorkbenchPage(workdir, jobs, roots).view()

    server = pn.serve(page, address=args.host, port=port, show=False, start=False,
                      title="govsim workbench", websocket_origin="*" if args.host != "127.0.0.1"
                      else [f"127.0.0.1:{port}", f"localhost:{port}"])
    server.start()
    print(f"govsim workbench: http://{args.host}:{server.port}/  (results in {workdir})", flush=True)
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        jobs.cancel()
    return 0


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port
