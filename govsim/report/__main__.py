"""``python -m govsim.report DIR [DIR ...] [--index RESULTS_DIR]``: (re)build reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govsim.report.html import build_report
from govsim.report.index import build_index


def main(argv: list[str] | None = None) -> int:
    """Rebuild ``report.html`` in each stored experiment dir, then optionally the index."""
    parser = argparse.ArgumentParser(
        prog="python -m govsim.report",
        description="Build report.html (and figures/) for stored experiment directories.")
    parser.add_argument("dirs", nargs="*", type=Path, help="experiment output directories")
    parser.add_argument("--index", type=Path, metavar="RESULTS_DIR",
                        help="also write RESULTS_DIR/index.html linking every */report.html")
    args = parser.parse_args(argv)
    if not args.dirs and args.index is None:
        parser.error("give at least one experiment directory or --index RESULTS_DIR")
    status = 0
    for d in args.dirs:
        try:
            print(build_report(d))
        except FileNotFoundError as exc:
            print(f"govsim.report: error: {exc}", file=sys.stderr)
            status = 2
    if args.index is not None:
        print(build_index(args.index))
    return status


if __name__ == "__main__":
    sys.exit(main())
