"""``govsim --help``: what govsim does and how to use it, written for people.

The config groups and their presets are read from the installed configs, the
shipped experiments and their questions from the installed specs, so the help
stays in step with what is shipped. ``govsim --help=full`` shows Hydra's own help
(every group and the whole composed config).
"""

from __future__ import annotations

import textwrap
from importlib import resources

import yaml

__all__ = ["GROUPS", "groups", "help_text"]

WIDTH = 100

#: group -> what it is about (one line). A test checks every config group is here.
GROUPS: dict[str, str] = {
    "population": "who lives where: one township, a county of 20, or the M/M/c preset",
    "services": "the service catalogue (items, their steps and documents)",
    "departments": "offices, windows and back-office staff",
    "calendar": "office hours and working days",
    "governance": "how departments work together: siloed, one window, shared data",
    "channels": "how villagers apply: counters only, online first, inclusive, digital only",
    "platform": "the online platform: one unified app or several fragmented ones",
    "interventions": "inclusive measures: digital-literacy training, a service guide",
    "costs": "staff, platform and villager cost rates",
    "security": "data-breach rates and security investment",
    "satisfaction": "the rule that marks a request satisfied (assumptions)",
    "proactive": "免申即享: benefits granted without an application (on) or not (off)",
    "behaviour": "villagers' knowledge, patience and channel choice",
    "run": "horizon, run-out and warm-up, seed, start month and sampling interval",
    "scenario": "whole-scenario presets (mmc: the model reduced to an M/M/c queue)",
    "executor": "where an experiment's runs execute (experiments only)",
    "experiment": "a pointer to the experiment specs (see Experiments below)",
}

_HEAD = """\
govsim - simulate rural grassroots governance (SimPy)

Villagers in a township (or a county) need public services; departments serve them at
counters, online or through proxies. govsim runs one scenario, or an experiment of many
with replications, and reports trips, days to a decision, waiting, completion, cost, risk,
and the gaps between villagers aged 60+ and the rest.

Usage:
  govsim [group=preset ...] [key=value ...]      run one scenario, print its KPIs
  govsim -m group=a,b [run.seed=1,2,3]           a sweep: one run per combination
  govsim experiment=NAME [experiment.size=smoke] [executor=processes] [out=DIR] [--quiet]
                                                 run a shipped experiment and its report
  govsim-compare DIR [DIR ...]                   compare stored experiments or sweeps
  govsim serve                                   the web app (browse scenarios and results)
  govsim --help=full                             Hydra's help: every option and the whole config
  govsim --cfg job                               print the composed config of a run
"""

_EXAMPLES = """\
Examples:
  govsim governance=shared_data channels=inclusive
  govsim population=county run.horizon_days=90 run.seed=7
  govsim -m governance=siloed,shared_data run.seed=1,2,3 && govsim-compare multirun/<date>/<time>
  govsim experiment=e1_data_sharing experiment.size=smoke
  govsim experiment=e2_channels_divide executor=processes executor.workers=2 out=my_e2
"""

_OUTPUTS = """\
Where outputs go:
  a run          outputs/<date>/<time>/ (choose with hydra.run.dir=DIR): kpis.csv,
                 requests.parquet, config.yaml, manifest.json, breakdowns and time series
  a sweep (-m)   multirun/<date>/<time>/<n>/, one directory per run (hydra.sweep.dir=DIR)
  an experiment  runs/<name>/ (choose with out=DIR): runs/, summary, comparison.csv,
                 manifest.json, report.html; a rerun skips stored runs
Exit codes: 0 done; 1 some experiment runs failed (listed); 2 a bad option (one line);
130 interrupted (rerun to resume).
"""


def _config_root() -> resources.abc.Traversable:
    return resources.files("govsim.configs")


def groups() -> dict[str, list[str]]:
    """Config group -> its presets, from the installed configs (sorted)."""
    out: dict[str, list[str]] = {}
    for d in _config_root().iterdir():
        if d.is_dir():
            presets = sorted(p.name[:-5] for p in d.iterdir() if p.name.endswith(".yaml"))
            if presets:
                out[d.name] = presets
    return out


def _defaults() -> dict[str, str]:
    """Group -> the preset the default run uses (config.yaml's defaults list)."""
    data = yaml.safe_load((_config_root() / "config.yaml").read_text(encoding="utf-8")) or {}
    chosen: dict[str, str] = {}
    for entry in data.get("defaults") or []:
        if isinstance(entry, dict):
            chosen.update({str(k): str(v) for k, v in entry.items()})
    return chosen


def _groups_section() -> list[str]:
    found, defaults = groups(), _defaults()
    order = [g for g in GROUPS if g in found] + sorted(set(found) - set(GROUPS))
    lines = ["Config groups (group=preset; * the default), then any key, e.g. run.seed=7:"]
    for group in order:
        presets = ", ".join(p + ("*" if defaults.get(group) == p else "") for p in found[group])
        lines.append(f"  {group:<14}{presets}")
        if group in GROUPS:
            lines.append(f"  {'':<14}  {GROUPS[group]}")
    return lines


def _experiments_section() -> list[str]:
    from govsim.experiment.spec import list_experiments, load_spec

    lines = ["Shipped experiments (govsim experiment=NAME; the question each answers):"]
    for name in list_experiments():
        question = load_spec(name).question.strip()
        lines += textwrap.wrap(question, WIDTH, initial_indent=f"  {name:<28}",
                               subsequent_indent=" " * 30)
    return lines


def help_text() -> str:
    """The text of ``govsim --help``."""
    parts = [_HEAD, "\n".join(_groups_section()), "", "\n".join(_experiments_section()), "",
             _EXAMPLES, _OUTPUTS.rstrip()]
    return "\n".join(parts) + "\n"
