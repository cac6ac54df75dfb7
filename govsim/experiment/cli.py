"""Command-line entry for experiments: ``govsim experiment=<name> [options] [overrides]``.

Arguments (any order)::

    experiment=<name>            a shipped experiment or a path to a YAML spec
    executor=serial|processes|dask
    executor.workers=N           processes or Dask workers (default: CPU count)
    executor.address=tcp://...   an existing Dask scheduler (default: a local cluster)
    executor.oversubscribe=true  allow more local workers than cores
    experiment.size=smoke|full   a declared size
    experiment.<field>=value     e.g. experiment.replications=5,
                                 experiment.target_rel_halfwidth=0.05
    out=<dir>                    results directory (default: runs/<name>)
    --quiet                      no progress bar and no table
    --no-report                  do not build report.html and figures/ at the end
    anything else                a Hydra override applied to every scenario

Exit codes: 0 done; 1 some runs failed (listed; the others are stored, a rerun retries
the failed ones); 2 a user error (one line); 130 interrupted.
"""

from __future__ import annotations

import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import yaml

from govsim.errors import ExecutorError, ScenarioError, Terminated, raise_terminated
from govsim.experiment.designs import run_experiment
from govsim.experiment.runner import ExperimentResult
from govsim.experiment.stored import finished_runs
from govsim.store import RunStore

__all__ = ["ExperimentArgs", "parse_args", "run_experiment_cli"]


class ExperimentArgs:
    """The parsed command line of an experiment run."""

    def __init__(self) -> None:
        self.name: str | None = None
        self.executor = "serial"
        self.workers: int | None = None
        self.address: str | None = None
        self.oversubscribe = False
        self.size = "full"
        self.options: dict[str, Any] = {}
        self.out: Path | None = None
        self.quiet = False
        self.report = True
        self.overrides: list[str] = []


def _int(key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ScenarioError(key, text, "must be an integer") from None


def _flag(key: str, text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ScenarioError(key, text, "must be true or false")
    return text.lower() == "true"


def parse_args(argv: list[str]) -> ExperimentArgs:
    """Split argv into experiment options and base overrides; raise ScenarioError if bad."""
    args = ExperimentArgs()
    for arg in argv:
        if arg in {"--quiet", "-q"}:
            args.quiet = True
            continue
        if arg == "--no-report":
            args.report = False
            continue
        key, sep, value = arg.partition("=")
        if not sep:
            raise ScenarioError("argument", arg, "expected key=value, --quiet or --no-report")
        if key == "experiment":
            args.name = value
        elif key == "executor":
            args.executor = value
        elif key == "executor.workers":
            args.workers = _int(key, value)
        elif key == "executor.address":
            args.address = value
        elif key == "executor.oversubscribe":
            args.oversubscribe = _flag(key, value)
        elif key == "experiment.size":
            args.size = value
        elif key.startswith("experiment."):
            args.options[key.removeprefix("experiment.")] = yaml.safe_load(value)
        elif key == "out":
            from govsim.output import check_output_dir

            args.out = check_output_dir("out", value)
        else:
            args.overrides.append(arg)
    if not args.name:
        raise ScenarioError("experiment", None, "give experiment=<name>")
    return args


def run_experiment_cli(argv: list[str]) -> int:
    """Run an experiment from command-line arguments; return the process exit code.

    Exit codes: 0 done, 2 a user mistake (one line), 1 the executor failed (one line),
    130 Ctrl-C, 143 SIGTERM; after 130 and 143 the same command resumes.
    """
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, raise_terminated) if main else None
    try:
        return _run_cli(argv)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _run_cli(argv: list[str]) -> int:
    out: Path | None = None
    try:
        args = parse_args(argv)
        name = Path(args.name).stem if args.name and args.name.endswith(".yaml") else args.name
        out = args.out or Path("runs") / str(name)
        RunStore(out)  # resolves the path early
        with warnings.catch_warnings():  # reported as one-line notes below instead
            warnings.simplefilter("ignore", UserWarning)
            result = run_experiment(str(args.name), executor=args.executor, out_dir=out,
                                    size=args.size, base_overrides=args.overrides,
                                    progress=not args.quiet, workers=args.workers,
                                    address=args.address, options=args.options,
                                    oversubscribe=args.oversubscribe)
    except ScenarioError as exc:
        print(f"govsim: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. a full disk or a read-only file system
        if out is not None:
            RunStore(out).clean_partial()
        print(f"govsim: error: cannot write results in {out}: {exc.strerror or exc}; "
              f"{finished_runs(out)} finished runs are stored", file=sys.stderr)
        return 2
    except ExecutorError as exc:
        print(f"govsim: error: {exc}; {finished_runs(out)} finished runs are stored in {out}. "
              "Rerun the same command to resume.", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        if out is not None:
            RunStore(out).clean_partial()   # a worker stopped mid-write leaves a temp file
        what = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        print(f"\ngovsim: {what}; {finished_runs(out)} finished runs are stored in {out}. "
              "Rerun the same command to resume (stored runs are skipped).", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    _print_result(result, args.quiet)
    if args.report:
        _report(result.out_dir)
    return 1 if result.failed else 0


def _print_result(result: ExperimentResult, quiet: bool) -> None:
    """The table (unless quiet), notes, failed runs and the one-line summary."""
    if not quiet:
        if result.spec.question:
            print(result.spec.question)
        print(result.table())  # ends with a warning line if some comparisons are inconclusive
    elif result.spec.kind == "scenarios" and (
            inconclusive := int(result.comparison["inconclusive"].fillna(False).sum())):
        # design kinds (morris, optimise, discover, sobol) compare design points with the
        # first, which answers nobody's question: their findings are in the report
        print(f"govsim: note: {inconclusive} comparison(s) inconclusive (95% CI includes 0)",
              file=sys.stderr)
    precision = result.manifest.get("precision")
    if precision and not precision["met"]:
        print(f"govsim: note: target relative CI half-width {precision['target_rel_halfwidth']} "
              f"on {precision['kpi']} not met at {result.manifest['replications']} replications "
              "(raise experiment.max_replications)", file=sys.stderr)
    for run in result.failed:
        print(f"govsim: run failed: scenario {run['scenario']} replication {run['replication']} "
              f"(seed {run['seed']}): {run['error']}", file=sys.stderr)
    failed = (f", {len(result.failed)} failed (not stored; rerun the same command to retry "
              "them)") if result.failed else ""
    print(f"{result.runs_run} runs done ({result.runs_damaged} replacing damaged stored runs, "
          f"{result.runs_model_changed} recomputed because the model changed), "
          f"{result.runs_skipped} stored runs reused{failed}; results in {result.out_dir}",
          file=sys.stderr)


def _report(out: Path) -> None:
    """Build report.html and figures/ in ``out``; a failure is a note, not an error."""
    try:
        from govsim.report import build_report

        print(f"report: {build_report(out)}", file=sys.stderr)
    except Exception as exc:  # the runs are stored; the report can be rebuilt later
        print(f"govsim: note: report not built ({type(exc).__name__}: {exc}); rebuild with "
              f"python -m govsim.report {out}", file=sys.stderr)
