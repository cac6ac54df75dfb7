"""The ``govsim`` command: run one scenario (Hydra app) or an experiment.

``govsim [overrides]`` composes the shipped configs with Hydra overrides, runs
the scenario once, prints the KPI table and writes ``requests.parquet``,
``kpis.csv``, ``config.yaml`` and ``manifest.json`` (plus time series and
breakdowns) to the run directory (Hydra's, e.g. ``hydra.run.dir=out``).
``govsim experiment=<name> ...`` runs an experiment (see ``govsim.experiment.cli``).
A bad configuration gives a one-line message and exit code 2, no traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from govsim.errors import ScenarioError, Terminated, raise_terminated
from govsim.output import write_run_dir

__all__ = ["main"]

# Hydra's own flags that govsim accepts: name -> (aliases, takes a value)
_FLAGS: dict[str, tuple[tuple[str, ...], bool]] = {
    "--multirun": (("-m",), False), "--help": (("-h",), False), "--hydra-help": ((), False),
    "--cfg": (("-c",), True), "--package": (("-p",), True), "--resolve": ((), False),
    "--version": ((), False), "--run": (("-r",), False), "--info": (("-i",), False),
    "--config-path": (("-cp",), True), "--config-name": (("-cn",), True),
    "--config-dir": (("-cd",), True),
}
_INFO_VALUES = ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")
_NO_RUN = ("--help", "--hydra-help", "--cfg", "--info", "--version")


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:  # the web app: never reaches Hydra
        from govsim.serve.cli import main as serve_main

        sys.exit(serve_main(args[1:]))
    if any(a.startswith("experiment=") for a in args):
        from govsim.experiment.cli import run_experiment_cli

        sys.exit(run_experiment_cli(args))
    try:
        flags, overrides = _split(args)
        _gate(flags, overrides)
    except ScenarioError as exc:
        _fail(exc)
    sys.argv = [sys.argv[0], *_hydra_argv(flags), *overrides]
    signal.signal(signal.SIGTERM, raise_terminated)
    _app()


def _split(args: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """Hydra flags (canonical name -> value) and overrides; unknown flags are refused."""
    names = {alias: name for name, (aliases, _) in _FLAGS.items() for alias in (name, *aliases)}
    flags: dict[str, str | None] = {}
    overrides: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        head, eq, tail = arg.partition("=")
        if not arg.startswith("-"):
            overrides.append(arg)
        elif head in names:
            name = names[head]
            value: str | None = tail if eq else None
            wants = _FLAGS[name][1] or (name == "--info" and i + 1 < len(args)
                                       and args[i + 1] in _INFO_VALUES)
            if wants and value is None:
                if i + 1 >= len(args):
                    raise ScenarioError(head, None, "needs a value")
                i += 1
                value = args[i]
            flags[name] = value
        else:
            allowed = ", ".join(_FLAGS)
            raise ScenarioError(head, tail or None, f"is not a supported option (allowed: {allowed})")
        i += 1
    return flags, overrides


def _gate(flags: dict[str, str | None], overrides: list[str]) -> None:
    """Check the config Hydra is about to compose: safety always, values when it will run."""
    from omegaconf import OmegaConf

    from govsim.config.compose import compose_checked, scenario_from_config

    def validate(cfg: DictConfig) -> None:
        scenario_from_config(OmegaConf.masked_copy(cfg, [str(k) for k in cfg if k != "hydra"]))

    runs = not any(f in flags for f in _NO_RUN)
    cfg = compose_checked(overrides, config_dir=flags.get("--config-dir"),
                          config_path=flags.get("--config-path"),
                          config_name=flags.get("--config-name"),
                          multirun="--multirun" in flags, validate=validate if runs else None)
    if runs:
        from govsim.output import check_output_dir

        key = "hydra.sweep.dir" if "--multirun" in flags else "hydra.run.dir"
        check_output_dir(key, OmegaConf.select(cfg, key, throw_on_resolution_failure=False))


def _hydra_argv(flags: dict[str, str | None]) -> list[str]:
    """The flags for Hydra, with directories made absolute (Hydra would read them as packages)."""
    out = []
    for name, value in flags.items():
        if name in ("--config-path", "--config-dir") and value is not None:
            value = str(Path(value).resolve())
        out.append(name if value is None else f"{name}={value}")
    return out


def _fail(exc: ScenarioError) -> None:
    print(f"govsim: error: {exc}", file=sys.stderr)
    sys.exit(2)


@hydra.main(version_base="1.3", config_path="pkg://govsim.configs", config_name="config")
def _app(cfg: DictConfig) -> None:
    from govsim.config.compose import scenario_from_config
    from govsim.run import simulate

    out = HydraConfig.get().runtime.output_dir
    try:
        scenario = scenario_from_config(cfg)
        result = simulate(scenario, progress=sys.stderr.isatty())
        write_run_dir(out, cfg, result)
    except ScenarioError as exc:
        _discard(out)
        _fail(exc)
    except OSError as exc:  # e.g. a full disk: one line, no half-written run directory
        _discard(out)
        print(f"govsim: error: cannot write results to {out}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt as exc:
        _discard(out)
        what = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
        print(f"\ngovsim: {what}; no results written", file=sys.stderr)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    print(_table(result))
    print(f"\n{len(result.requests):,} requests simulated in {result.wall_seconds:.2f} s; results in {out}")


def _discard(out: str) -> None:
    """Remove a run directory that holds only what Hydra and failed writes left (logs, .hydra, temps)."""
    import shutil

    path = Path(out)
    if not path.is_dir():
        return
    leftovers = [p for p in path.iterdir()
                 if p.name != ".hydra" and not p.name.endswith(".log") and ".tmp" not in p.name]
    if not leftovers:
        shutil.rmtree(path, ignore_errors=True)


def _table(result: object) -> str:
    from govsim.kpi_table import kpi_table
    from govsim.run import RunResult

    assert isinstance(result, RunResult)
    header = (f"KPIs: scenario {result.scenario.name!r}, seed {result.seed}, "
              f"{result.scenario.run.horizon_days:g} days")
    return header + "\n" + kpi_table(result.kpis)


if __name__ == "__main__":  # pragma: no cover
    main()
