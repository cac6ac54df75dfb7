"""The safety gate: no configuration, from any source, makes govsim run code or read outside its config dirs.

Every composed config passes here, whatever its route (command line,
``--config-dir``, ``--config-path``, experiment spec files, the Python API):

* before composing (:func:`check_overrides`, :func:`check_primary`): each override
  parses on its own (a grammar error names its key), names no code key
  (``_target_`` ...), sets only allow-listed ``hydra.*`` keys, adds search paths
  only as existing ``file://`` directories (``pkg://`` and ``structured://`` import
  modules), picks one shipped preset or a file in an allowed config directory
  per group (no ``..``, no paths, no lists), and uses only safe resolvers;
* after composing (:func:`check_composed`): the whole tree, Hydra's own subtree
  included, has no code key, no callbacks, only the basic (or an allow-listed)
  launcher and sweeper, logging that names only the standard handlers, no
  environment changes, and interpolations only through :data:`SAFE_RESOLVERS`
  (``oc.env`` would copy secrets into manifests).

Every refusal is a :class:`~govsim.errors.ScenarioError` (one line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govsim.errors import ScenarioError

__all__ = ["SAFE_RESOLVERS", "check_composed", "check_overrides", "check_primary",
           "check_tree", "group_options", "search_dirs"]

SAFE_RESOLVERS = frozenset({"now", "hydra", "oc.select"})
CODE_KEYS = frozenset({"_target_", "_partial_", "_args_", "_recursive_", "_convert_", "()"})
HYDRA_KEYS = frozenset({"hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir",
                        "hydra.output_subdir", "hydra.job.chdir", "hydra.job.name",
                        "hydra.verbose", "hydra.searchpath", "hydra.mode"})
HYDRA_GROUPS: dict[str, tuple[str, ...]] = {
    "hydra/job_logging": ("default", "disabled", "none", "stdout"),
    "hydra/hydra_logging": ("default", "disabled", "none"),
    "hydra/launcher": ("basic", "submitit_local", "submitit_slurm", "joblib"),
    "hydra/sweeper": ("basic",),
}
_PLUGINS = "hydra_plugins.hydra_{0}_launcher.{0}_launcher."
LAUNCHERS = frozenset({"hydra._internal.core_plugins.basic_launcher.BasicLauncher",
                       _PLUGINS.format("submitit") + "LocalLauncher",
                       _PLUGINS.format("submitit") + "SlurmLauncher",
                       _PLUGINS.format("joblib") + "JoblibLauncher"})
SWEEPERS = frozenset({"hydra._internal.core_plugins.basic_sweeper.BasicSweeper"})
LOG_CLASSES = frozenset({"logging.StreamHandler", "logging.FileHandler", "logging.NullHandler",
                         "logging.Formatter"})
LOG_STREAMS = frozenset({"ext://sys.stdout", "ext://sys.stderr"})
SHIPPED_PACKAGES = frozenset({"govsim.configs", "hydra.conf"})
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_RESOLVER = re.compile(r"\$\{\s*([A-Za-z0-9_.\-]+)\s*:")
_NO_CODE = "is not allowed: configs may not name code to run"
MAX_OVERRIDE_CHARS = 100_000


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _parse(override: str) -> Any:
    """One parsed Hydra override; a grammar error names the override's key."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    if not isinstance(override, str) or len(override) > MAX_OVERRIDE_CHARS:
        raise ScenarioError("override", str(override)[:80], f"must be a string of at most "
                            f"{MAX_OVERRIDE_CHARS} characters")
    key = override.split("=", 1)[0].strip().lstrip("+~") or "override"
    value = override.split("=", 1)[1] if "=" in override else override
    if "=" not in override and not override.startswith("~"):
        raise ScenarioError(key, None, "is not an override: expected key=value")
    try:
        return OverridesParser.create().parse_overrides([override])[0]
    except HydraException as exc:
        raise ScenarioError(key, value, f"is not a valid override ({_first_line(exc)})") from None


def search_dirs(extra: Sequence[str | Path] = ()) -> list[Path]:
    """The shipped config directory followed by the allowed extra ones."""
    shipped = Path(str(resources.files("govsim.configs")))
    return [shipped, *(Path(d) for d in extra)]


def group_options(group: str, dirs: Sequence[Path]) -> list[str]:
    """Preset names of ``group`` found in ``dirs`` (sorted, unique)."""
    names = {p.stem for d in dirs if (d / group).is_dir() for p in (d / group).glob("*.yaml")}
    return sorted(names)


def _groups(dirs: Sequence[Path]) -> set[str]:
    return {p.name for d in dirs if d.is_dir() for p in d.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_"))}


def _searchpath(value: object, key: str = "hydra.searchpath") -> list[Path]:
    """Allowed search path entries as directories: ``file://`` dirs and the shipped package."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(key, value, "must be a list of file://<directory> entries")
    out = []
    for entry in value:
        scheme, sep, rest = entry.partition("://")
        if sep and scheme == "pkg" and rest in SHIPPED_PACKAGES:
            continue
        path = Path(rest if sep else entry)
        if (sep and scheme != "file") or ".." in path.parts or not path.is_dir():
            raise ScenarioError(key, entry, "is not allowed: search paths must be existing "
                                "directories given as file://<dir> (pkg:// and structured:// "
                                "import code; no '..')")
        out.append(path.resolve())
    return out


def check_overrides(overrides: Sequence[str], extra_dirs: Sequence[str | Path] = (),
                    *, multirun: bool = False) -> list[Path]:
    """Refuse any unsafe override; return the allowed extra config dirs (search path order)."""
    parsed = [_parse(o) for o in overrides]
    dirs = [Path(d).resolve() for d in extra_dirs]
    for ov in parsed:
        if ov.key_or_group == "hydra.searchpath":
            dirs += _searchpath(ov.value())
    allowed = search_dirs(dirs)
    groups = _groups(allowed)
    for text, ov in zip(overrides, parsed, strict=True):
        _check_one(text, ov, groups, allowed, multirun)
    return dirs


def _values(ov: Any) -> list[Any]:
    """The value of an override, or each value of a sweep."""
    if ov.is_sweep_override():
        return list(ov.sweep_string_iterator())
    return [ov.value()]


def _check_one(text: str, ov: Any, groups: set[str], dirs: Sequence[Path], multirun: bool) -> None:
    key: str = ov.key_or_group
    parts = re.split(r"[./@]", f"{key}@{ov.package or ''}")
    if any(p in CODE_KEYS for p in parts):
        raise ScenarioError(key, ov.value(), _NO_CODE)
    if ov.package is not None:
        raise ScenarioError(f"{key}@{ov.package}", ov.value(),
                            "is not allowed: choose presets with group=name (no @package)")
    if ov.is_sweep_override() and not multirun:
        raise ScenarioError(key, text.split("=", 1)[-1],
                            "must be one value (sweeps need -m, or use an experiment spec)")
    for match in _RESOLVER.finditer(text):
        if match.group(1) not in SAFE_RESOLVERS:
            raise ScenarioError(key, text.split("=", 1)[-1], f"is not allowed: resolver "
                                f"{match.group(1)!r} (allowed: {', '.join(sorted(SAFE_RESOLVERS))})")
    if key == "hydra" or key.startswith(("hydra.", "hydra/")):
        _check_hydra(key, ov)
    elif key in groups and not ov.is_delete():
        for value in _values(ov):
            _check_choice(key, value, dirs)


def _check_hydra(key: str, ov: Any) -> None:
    if key.startswith("hydra/"):
        allowed = HYDRA_GROUPS.get(key)
        if allowed is None:
            raise ScenarioError(key, ov.value(), f"is not allowed: only "
                                f"{', '.join(HYDRA_GROUPS)} may be chosen")
        for value in _values(ov):
            if value not in allowed:
                raise ScenarioError(key, value, f"must be one of {', '.join(allowed)}")
    elif key not in HYDRA_KEYS:
        raise ScenarioError(key, ov.value(), f"is not allowed: only {', '.join(sorted(HYDRA_KEYS))} "
                            "may be set")


def _check_choice(group: str, value: object, dirs: Sequence[Path]) -> None:
    options = group_options(group, dirs)
    if isinstance(value, list | dict):
        raise ScenarioError(group, value, f"must name one preset (choose one of: {', '.join(options)})")
    if value is None:
        raise ScenarioError(group, None, "must name a preset of the group")
    if not isinstance(value, str) or not _NAME.match(value) or ".." in value or value not in options:
        raise ScenarioError(group, value, f"is not a known preset (choose one of: {', '.join(options)})")


def check_primary(config_dir: Path, name: str) -> None:
    """A user's primary config may not add search paths that import code (read before composing)."""
    if not _NAME.match(name) or ".." in name:
        raise ScenarioError("--config-name", name, "must be a plain config name (no paths)")
    path = config_dir / f"{name}.yaml"
    if not path.is_file():
        raise ScenarioError("--config-name", name, f"must name a file in {config_dir} (not found: {path})")
    data = load_yaml_file(path, "--config-name")
    hydra = data.get("hydra") if isinstance(data, dict) else None
    if isinstance(hydra, dict) and "searchpath" in hydra:
        _searchpath(hydra["searchpath"], f"{path}: hydra.searchpath")


def load_yaml_file(path: Path, key: str, max_bytes: int = 10_000_000) -> Any:
    """Safely parse a YAML file; any problem is one line naming the file (and line)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ScenarioError(key, str(path), f"must be at most {max_bytes:,} bytes (is {size:,})")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(key, str(path), "must be UTF-8 encoded text") from None
    except OSError as exc:
        raise ScenarioError(key, str(path), f"must be a readable file ({exc.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or _first_line(exc)
        raise ScenarioError(key, where, f"must be valid YAML without tags ({problem})") from None


def _walk(node: object, path: str) -> Iterator[tuple[str, str, object]]:
    """(dotted path, key, value) of every mapping entry, lists indexed as ``[i]``."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            key = f"{path}.{k}" if path else str(k)
            yield key, str(k), v
            yield from _walk(v, key)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield f"{path}[{i}]", "", v
            yield from _walk(v, f"{path}[{i}]")


def check_tree(data: object, path: str = "") -> None:
    """No code key and only safe resolvers anywhere in a (plain, unresolved) config tree."""
    for where, key, value in _walk(data, path):
        if key in CODE_KEYS:
            raise ScenarioError(where, value, _NO_CODE)
        if isinstance(value, str):
            for match in _RESOLVER.finditer(value):
                if match.group(1) not in SAFE_RESOLVERS:
                    raise ScenarioError(where, value, f"is not allowed: resolver {match.group(1)!r} "
                                        f"(allowed: {', '.join(sorted(SAFE_RESOLVERS))})")


def check_composed(cfg: Any) -> None:
    """Check a config composed with its ``hydra`` subtree (an OmegaConf DictConfig)."""
    from omegaconf import OmegaConf

    data = OmegaConf.to_container(cfg, resolve=False)
    assert isinstance(data, dict)
    hydra = data.pop("hydra", None) or {}
    check_tree(data)
    _check_hydra_tree(hydra)


def _check_hydra_tree(h: dict[str, Any]) -> None:
    if h.get("callbacks"):
        raise ScenarioError("hydra.callbacks", h["callbacks"], "is not allowed: no callbacks")
    launcher = (h.get("launcher") or {}).get("_target_")
    if launcher not in LAUNCHERS:
        raise ScenarioError("hydra.launcher._target_", launcher, _NO_CODE)
    sweeper = (h.get("sweeper") or {}).get("_target_")
    if sweeper not in SWEEPERS:
        raise ScenarioError("hydra.sweeper._target_", sweeper, _NO_CODE)
    for sub in ("job_logging", "hydra_logging"):
        for where, key, value in _walk(h.get(sub) or {}, f"hydra.{sub}"):
            if key in ("class", *CODE_KEYS) and value not in LOG_CLASSES:
                raise ScenarioError(where, value, f"must be one of {sorted(LOG_CLASSES)}")
            if isinstance(value, str) and "://" in value and value not in LOG_STREAMS:
                raise ScenarioError(where, value, f"must be one of {sorted(LOG_STREAMS)}")
    job = h.get("job") or {}
    for key in ("env_set", "env_copy"):
        if job.get(key):
            raise ScenarioError(f"hydra.job.{key}", job[key], "is not allowed: no environment changes")
    _searchpath(h.get("searchpath") or [])
    _check_choices((h.get("runtime") or {}).get("choices") or {})
    for source in (h.get("runtime") or {}).get("config_sources") or []:
        if source.get("schema") == "pkg" and source.get("path") not in SHIPPED_PACKAGES \
                and not str(source.get("path")).startswith("hydra_plugins."):
            raise ScenarioError("hydra.searchpath", source.get("path"), _NO_CODE)
    rest = {k: v for k, v in h.items() if k not in ("job_logging", "hydra_logging", "launcher",
                                                    "sweeper")}
    check_tree(rest, "hydra")


def _check_choices(choices: Mapping[str, Any]) -> None:
    """Every group choice, wherever it was made (defaults lists too), is a plain preset name."""
    for group, value in choices.items():
        if group.startswith("hydra/"):
            allowed = HYDRA_GROUPS.get(group, ("default",))
            if value is not None and value not in allowed:
                raise ScenarioError(group, value, f"must be one of {', '.join(allowed)}")
        elif value is not None and (not isinstance(value, str) or not _NAME.match(value)
                                    or ".." in value):
            raise ScenarioError(group, value, "must name a preset of the group (no paths, no '..')")
