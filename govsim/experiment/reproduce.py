"""Regenerate the reference results of the shipped experiments: one command for all.

    python -m govsim.experiment.reproduce                      # all, full size, 2 workers
    python -m govsim.experiment.reproduce e1_data_sharing --size smoke

Each experiment runs through the same path as ``govsim experiment=<name>``
(stored runs in ``--store``, resumable), then its small outputs (summary and
comparison tables, manifest, figures, report) are copied to
``<results>/<name>/`` and ``<results>/index.html`` links every report.
Per-request Parquet files stay in the store (not in ``results/``).

Shipped results must say which code made them: the command refuses a working tree
with uncommitted changes outside the results folder it writes (``--allow-dirty`` for a
trial run; results an earlier command wrote and not yet committed do not count), and
afterwards checks that no artefact names a machine path or a dirty tree (exit code 1 if one does).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

from govsim.experiment.cli import run_experiment_cli
from govsim.provenance import git_state
from govsim.report import build_index
from govsim.report.artefacts import artefact_problems

__all__ = ["SMALL_OUTPUTS", "main", "shipped_experiments"]

SMALL_OUTPUTS = ("summary.csv", "comparison.csv", "manifest.json", "report.html",
                 "report.zh.html", "report.json", "sensitivity.csv")


def shipped_experiments() -> list[str]:
    """Names of the shipped experiments e1..e9 (not the example)."""
    files = resources.files("govsim.experiment_specs").iterdir()
    return sorted(p.name.removesuffix(".yaml") for p in files
                  if re.fullmatch(r"e\d+_\w+\.yaml", p.name))


def _copy_small(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for name in SMALL_OUTPUTS:
        if (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    if (src / "figures").is_dir():
        shutil.copytree(src / "figures", dst / "figures")


def _inside_repo(results: Path) -> tuple[str, ...]:
    """The results folder relative to the repository's top level (changes there are not "dirty").

    Only that folder: reproduce writes it, so results from an earlier command
    not yet committed do not stop the next one. Outside the repository: nothing.
    """
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=Path(__file__).resolve().parent,
                         capture_output=True, text=True, timeout=5).stdout.strip()
    if not top:
        return ()
    try:
        rel = results.resolve().relative_to(Path(top).resolve())
    except ValueError:
        return ()
    return (rel.as_posix(),) if rel.parts else ()


def main(argv: list[str] | None = None) -> int:
    """Run the named (default: all) shipped experiments and refresh ``results/``."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="experiments to run (default: all shipped)")
    parser.add_argument("--size", default="full", choices=("full", "smoke"))
    parser.add_argument("--executor", default="processes", choices=("serial", "processes", "dask"))
    parser.add_argument("--store", default="runs", help="where the stored runs go (default: runs)")
    parser.add_argument("--results", default="results", help="reference results folder")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="run from a tree with uncommitted changes (a trial, not for results/)")
    args = parser.parse_args(argv)
    names = args.names or shipped_experiments()
    unknown = sorted(set(names) - set(shipped_experiments()))
    if unknown:
        print(f"govsim: error: experiments = {unknown}: must be among {shipped_experiments()}",
              file=sys.stderr)
        return 2
    if git_state(ignore=_inside_repo(Path(args.results))).get("dirty") and not args.allow_dirty:
        print("govsim: error: the working tree has uncommitted changes: results/ must come "
              "from a clean commit (commit first, or pass --allow-dirty for a trial run)",
              file=sys.stderr)
        return 2
    for name in names:
        t0 = time.perf_counter()
        out = Path(args.store) / name
        code = run_experiment_cli([f"experiment={name}", f"experiment.size={args.size}",
                                   f"executor={args.executor}", f"out={out}", "--quiet"])
        if code != 0:
            return code
        _copy_small(out, Path(args.results) / name)
        print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    print(f"index: {build_index(args.results).name} in {args.results}")
    problems = artefact_problems(args.results)
    for line in problems:
        print(f"govsim: artefact problem: {line}", file=sys.stderr)
    return 1 if problems and not args.allow_dirty else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
