"""The ``govsim`` command: run one scenario (Hydra app) or an experiment.

``govsim [overrides]`` composes the shipped configs with Hydra overrides, runs
the scenario once, prints the KPI table and writes ``requests.parquet``,
``kpis.csv``, ``config.yaml`` and ``manifest.json`` (plus time series and
breakdowns) to the run directory (Hydra's, e.g. ``hydra.run.dir=out``).
``govsim experiment=<name> ...`` runs an experiment (see ``govsim.experiment.cli``).
A bad configuration gives a one-line message and exit code 2, no traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from govsim.errors import ScenarioError
from govsim.output import write_run_dir

__all__ = ["main"]

_HYDRA_FLAGS = ("-m", "--multirun", "--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i",
                "--shell-completion", "-sc", "--package", "-p", "--resolve", "--version", "--run", "-r",
                "--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd",
                "--experimental-rerun")


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:  # the web app: never reaches Hydra
        from govsim.serve.cli import main as serve_main

        sys.exit(serve_main(args[1:]))
    _forbid_code_names(args)
    if any(a.startswith("experiment=") for a in args):
        from govsim.experiment.cli import run_experiment_cli

        sys.exit(run_experiment_cli(args))
    if not any(a in _HYDRA_FLAGS or a.startswith("--") for a in args):
        _prevalidate(args)
    sys.argv = [sys.argv[0], *args]
    _app()


_CODE_KEYS = ("_target_", "_partial_", "_args_", "_recursive_", "_convert_", "()")
_CODE_PREFIXES = ("hydra.callbacks", "hydra.searchpath", "hydra.job_logging", "hydra.hydra_logging")


def _forbid_code_names(args: list[str]) -> None:
    """No override may name code for Hydra to import (callbacks, logging factories, search paths)."""
    for arg in args:
        key = arg.split("=", 1)[0].lstrip("+~")
        parts = key.split(".")
        if any(p in _CODE_KEYS for p in parts) or key.startswith(_CODE_PREFIXES):
            value = arg.split("=", 1)[1] if "=" in arg else None
            _fail(ScenarioError(key, value, "is not allowed: overrides may not name code to run"))


def _prevalidate(args: list[str]) -> None:
    """Compose and validate before Hydra starts, so that errors exit 2 with one line."""
    from govsim.config.compose import load_scenario

    overrides = [a for a in args if not a.startswith(("hydra.", "hydra/", "+hydra", "~hydra"))]
    try:
        load_scenario(overrides)
    except ScenarioError as exc:
        _fail(exc)


def _fail(exc: ScenarioError) -> None:
    print(f"govsim: error: {exc}", file=sys.stderr)
    sys.exit(2)


@hydra.main(version_base="1.3", config_path="pkg://govsim.configs", config_name="config")
def _app(cfg: DictConfig) -> None:
    from govsim.config.compose import scenario_from_config
    from govsim.run import simulate

    try:
        scenario = scenario_from_config(cfg)
    except ScenarioError as exc:
        _fail(exc)
    result = simulate(scenario, progress=sys.stderr.isatty())
    out = HydraConfig.get().runtime.output_dir
    write_run_dir(out, cfg, result)
    print(_table(result))
    print(f"\n{len(result.requests):,} requests simulated in {result.wall_seconds:.2f} s; results in {out}")


def _table(result: object) -> str:
    from govsim.kpi_table import kpi_table
    from govsim.run import RunResult

    assert isinstance(result, RunResult)
    header = (f"KPIs: scenario {result.scenario.name!r}, seed {result.seed}, "
              f"{result.scenario.run.horizon_days:g} days")
    return header + "\n" + kpi_table(result.kpis)


if __name__ == "__main__":  # pragma: no cover
    main()
