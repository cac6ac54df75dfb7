"""The ``govsim`` command: run one scenario (Hydra app) or an experiment.

``govsim [overrides]`` composes the shipped configs with Hydra overrides, runs
the scenario once, prints the KPI table and writes ``requests.parquet``,
``kpis.csv``, ``config.yaml`` and ``manifest.json`` (plus time series and
breakdowns) to the run directory (Hydra's, e.g. ``hydra.run.dir=out``).
``govsim experiment=<name> ...`` runs an experiment (see ``govsim.experiment.cli``).
``govsim --help`` explains govsim (:mod:`govsim.help`); ``govsim --help=full`` is
Hydra's help with the whole config. A bad configuration gives a one-line message and
exit code 2, no traceback.
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
    args = _help(args)
    if any(a.startswith("experiment=") for a in args):
        from govsim.experiment.cli import run_experiment_cli

        sys.exit(run_experiment_cli(args))
    try:
        flags, overrides = _split(args)
        plain = _plain_run(flags, overrides)
        cfg = _gate(flags, [*overrides, "hydra.mode=RUN"] if plain else overrides)
    except ScenarioError as exc:
        _fail(exc)
    signal.signal(signal.SIGTERM, raise_terminated)
    if plain:
        _run_composed(cfg)
        return
    sys.argv = [sys.argv[0], *_hydra_argv(flags), *overrides]
    _app()


def _plain_run(flags: dict[str, str | None], overrides: list[str]) -> bool:
    """One run with the shipped configs (no Hydra flag, no ``hydra.mode``): run on the gate's config."""
    return not flags and not any(o.lstrip("+~").startswith("hydra.mode") for o in overrides)


def _run_composed(cfg: DictConfig) -> None:
    """Hydra's run of the app on the config the gate composed and checked.

    What ``@hydra.main`` does for a run (``Hydra.run``: logging, callbacks, the
    run directory with ``.hydra/``, the job) without composing the config twice
    more (once to read ``hydra.mode``, once to run): each composition costs about
    0.2 s of CPU. The gate composes as ``Hydra.run`` would: job name ``cli`` (this
    module's name, which ``@hydra.main`` gives the job), ``hydra.mode=RUN``.
    """
    from hydra._internal.callbacks import Callbacks
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.utils import create_config_search_path, run_and_report
    from hydra.core.utils import configure_log, run_job
    from hydra.types import HydraContext

    from govsim.config.compose import CONFIG_MODULE

    def run() -> None:
        configure_log(cfg.hydra.hydra_logging, cfg.hydra.verbose)
        callbacks = Callbacks(cfg)
        callbacks.on_run_start(config=cfg, config_name="config")
        loader = ConfigLoaderImpl(config_search_path=create_config_search_path(f"pkg://{CONFIG_MODULE}"))
        ret = run_job(hydra_context=HydraContext(config_loader=loader, callbacks=callbacks),
                      task_function=_task, config=cfg, job_dir_key="hydra.run.dir",
                      job_subdir_key=None, configure_logging=True)
        callbacks.on_run_end(config=cfg, config_name="config", job_return=ret)
        _ = ret.return_value   # raises the job's exception, as Hydra does

    run_and_report(run)


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


def _help(args: list[str]) -> list[str]:
    """Print govsim's own help for ``--help``/``-h`` and exit; ``--help=full`` is Hydra's."""
    if "--help" in args or "-h" in args:
        from govsim.help import help_text

        print(help_text(), end="")
        sys.exit(0)
    return ["--help" if a == "--help=full" else a for a in args]



def _gate(flags: dict[str, str | None], overrides: list[str]) -> DictConfig:
    """Check the config Hydra is about to compose: safety always, values when it will run."""
    from omegaconf import OmegaConf

    from govsim.config.compose import compose_checked, scenario_from_config

    def validate(cfg: DictConfig) -> None:
        scenario_from_config(OmegaConf.masked_copy(cfg, [str(k) for k in cfg if k != "hydra"]))

    runs = not any(f in flags for f in _NO_RUN)
    cfg = compose_checked(overrides, config_dir=flags.get("--config-dir"),
                          config_path=flags.get("--config-path"),
                          config_name=flags.get("--config-name"),
                          multirun="--multirun" in flags, validate=validate if runs else None,
                          job_name="cli")
    if runs:
        from govsim.output import check_output_dir

        key = "hydra.sweep.dir" if "--multirun" in flags else "hydra.run.dir"
        check_output_dir(key, OmegaConf.select(cfg, key, throw_on_resolution_failure=False))
    return cfg


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
    _task(cfg)


def _task(cfg: DictConfig) -> None:
    """The run: simulate the composed scenario, write the run directory, print the KPI table."""
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


def scenario_label(overrides: Sequence[str]) -> str:
    """The scenario named by its overrides ("governance=shared_data channels=inclusive").

    The seed and Hydra's own settings are left out (the seed is shown beside it);
    ``default`` when nothing else was overridden.
    """
    shown = [o for o in overrides if not o.lstrip("+~").startswith(("hydra.", "hydra/", "run.seed="))]
    return " ".join(shown) or "default"


def _table(result: object) -> str:
    from govsim.kpi_table import kpi_table
    from govsim.run import RunResult

    assert isinstance(result, RunResult)
    overrides = HydraConfig.get().overrides.task
    header = (f"KPIs: scenario {scenario_label(overrides)}, seed {result.seed}, "
              f"{result.scenario.run.horizon_days:g} days")
    return header + "\n" + kpi_table(result.kpis)


if __name__ == "__main__":  # pragma: no cover
    main()
