"""The workbench's state and actions, without any web page: testable on their own.

A :class:`Workbench` holds the baseline, the options and the run settings a
planner chose. It validates them with :func:`govsim.load_scenario` (so every
message is the CLI's one line), turns them into an experiment spec the CLI
runs unchanged, and keeps uploaded village rosters inside its working
directory.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govsim.errors import ScenarioError
from govsim.serve.levers import LEVERS, option_overrides

__all__ = ["MAX_OPTIONS", "MAX_ROSTER_BYTES", "Option", "Workbench", "slug"]

MAX_OPTIONS = 5
MAX_ROSTER_BYTES = 1_000_000
ROSTER_KEY = "population.villages_csv"
BASELINE_NAME = "baseline"


def slug(text: str, fallback: str) -> str:
    """A scenario name from free text: letters, digits, ``_`` and ``-`` only, at most 40."""
    name = re.sub(r"[^\w-]+", "_", text.strip(), flags=re.UNICODE).strip("_")[:40]
    return name or fallback


@dataclass
class Option:
    """One option: a name and lever values (a lever not in ``levers`` is left as in the baseline)."""

    name: str
    levers: dict[str, Any] = field(default_factory=dict)

    def overrides(self) -> list[str]:
        """The option's override strings."""
        return option_overrides(self.levers)


@dataclass
class Workbench:
    """What a planner set up: baseline presets, options and run settings."""

    workdir: Path
    population: str = "township"
    governance: str = "siloed"
    channels: str = "online_first"
    platform: str = "unified"
    horizon_days: float = 365
    roster: Path | None = None
    replications: int = 10
    seed: int = 20260101
    options: list[Option] = field(default_factory=list)

    # --- the scenario set -----------------------------------------------------------------

    def base_overrides(self) -> list[str]:
        """Overrides every scenario shares (the baseline's settings)."""
        out = [f"population={self.population}", f"governance={self.governance}",
               f"channels={self.channels}", f"platform={self.platform}",
               f"run.horizon_days={_num(self.horizon_days)}"]
        if self.roster is not None:
            out.append(f"{ROSTER_KEY}={self.roster}")
        return out

    def scenario_names(self) -> list[str]:
        """The baseline's and each option's scenario name (options made unique)."""
        names = [BASELINE_NAME]
        for i, opt in enumerate(self.options):
            name = slug(opt.name, f"option_{i + 1}")
            while name in names:
                name = f"{name}_{i + 1}"
            names.append(name)
        return names

    def add_option(self, name: str = "", levers: dict[str, Any] | None = None) -> Option:
        """Add an option (at most :data:`MAX_OPTIONS`); raise ScenarioError beyond that."""
        if len(self.options) >= MAX_OPTIONS:
            raise ScenarioError("options", len(self.options) + 1, f"at most {MAX_OPTIONS} options")
        opt = Option(name or f"option_{len(self.options) + 1}", dict(levers or {}))
        self.options.append(opt)
        return opt

    def remove_option(self, index: int) -> None:
        """Remove the option at ``index``."""
        del self.options[index]

    def spec(self) -> dict[str, Any]:
        """The experiment spec (a plain dict) that the CLI runs as ``experiment=spec.yaml``."""
        names = self.scenario_names()
        scenarios = [{"name": names[0], "overrides": []}]
        scenarios += [{"name": n, "overrides": o.overrides()} for n, o in zip(names[1:], self.options,
                                                                             strict=True)]
        return {
            "name": "workbench",
            "question": "What does each option change, compared with the baseline?",
            "base": self.base_overrides(),
            "scenarios": scenarios,
            "baseline": names[0],
            "replications": int(self.replications),
            "base_seed": int(self.seed),
        }

    def spec_yaml(self) -> str:
        """The spec as YAML text."""
        return yaml.safe_dump(self.spec(), sort_keys=False, allow_unicode=True)

    def spec_id(self) -> str:
        """A short hash of the spec: the same spec reuses (resumes) the same result directory."""
        return hashlib.sha256(self.spec_yaml().encode("utf-8")).hexdigest()[:12]

    # --- validation -----------------------------------------------------------------------

    def validate(self) -> dict[str, str]:
        """Field -> the CLI's one-line message, for every field that is wrong ({} if none).

        Fields: ``horizon``, ``roster``, ``replications``, ``seed``, ``baseline`` (a preset)
        and ``option<i>.<lever>`` (or ``option<i>`` when no single lever is to blame).
        """
        errors: dict[str, str] = {}
        for key, value in (("replications", self.replications), ("seed", self.seed)):
            low = 1 if key == "replications" else 0
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                errors[key] = str(ScenarioError(key, value, f"must be an integer >= {low}"))
        base_error = _load_error(self.base_overrides())
        if base_error is not None:
            errors[_base_field(base_error)] = str(base_error)
            return errors
        for i, opt in enumerate(self.options):
            err = _load_error(self.base_overrides() + opt.overrides())
            if err is not None:
                errors[_option_field(i, err)] = str(err)
        return errors

    def base_config(self) -> dict[str, Any]:
        """The baseline's resolved config ({} if it does not validate)."""
        return _load(tuple(self.base_overrides()))[1]

    # --- uploads --------------------------------------------------------------------------

    def save_roster(self, data: bytes) -> tuple[int, str | None]:
        """Keep an uploaded roster if the CLI would accept it: (villages, None) or (0, message).

        The file is stored as ``<workdir>/uploads/<sha256>.csv`` (never elsewhere) and
        validated by the CLI's reader; a rejected file is deleted again.
        """
        from govsim.config.villages import read_villages

        if len(data) > MAX_ROSTER_BYTES:
            return 0, str(ScenarioError(ROSTER_KEY, f"{len(data):,} bytes",
                                        f"an uploaded roster may be at most {MAX_ROSTER_BYTES:,} bytes"))
        folder = (self.workdir / "uploads").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.csv"
        path.write_bytes(data)
        try:
            villages = read_villages(str(path), ROSTER_KEY)
        except ScenarioError as exc:
            path.unlink(missing_ok=True)
            return 0, str(exc)
        self.roster = path
        return len(villages), None


def _num(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


@functools.lru_cache(maxsize=256)
def _load(overrides: tuple[str, ...]) -> tuple[ScenarioError | None, dict[str, Any]]:
    """The scenario's error (or None) and resolved config ({} if it failed).

    Cached: composing with Hydra takes a fraction of a second or more, and every edit
    revalidates. An uploaded roster's path names its content, so a cached answer stays right.
    """
    from govsim.config.compose import load_scenario

    try:
        return None, load_scenario(list(overrides)).to_dict()
    except ScenarioError as exc:
        return exc, {}


def _load_error(overrides: list[str]) -> ScenarioError | None:
    return _load(tuple(overrides))[0]


def _base_field(err: ScenarioError) -> str:
    key = err.key
    if key.startswith(ROSTER_KEY):
        return "roster"
    if key == "run.horizon_days":
        return "horizon"
    return "baseline"


def _option_field(i: int, err: ScenarioError) -> str:
    for lv in LEVERS:
        if err.key in lv.keys:
            return f"option{i}.{lv.name}"
    return f"option{i}"
