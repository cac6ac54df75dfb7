"""Load many scenarios fast: compose each set of config-group choices once, then set values.

An experiment design plans hundreds of scenarios that differ only in plain values
(``platform.mtbf_hours=412.5``), and a full Hydra composition costs about 0.3 s each.
:class:`ScenarioLoader` gives what :func:`~govsim.config.compose.load_scenario` gives
for the same overrides, but splits them as Hydra does: config-group choices
(``channels=inclusive``, ``+group=preset``, ``~group``) decide the composition, and are
composed once per distinct list through :func:`~govsim.config.compose.compose_checked`
(so through the safety gate); value overrides (``key=value``, ``+key=value``,
``++key=value``, ``~key``) are applied afterwards, in order, to a copy of that config
with Hydra's own override code, exactly as Hydra applies them after composing. The
overrides and the resulting tree pass the same checks of :mod:`govsim.config.safety`
as a full composition, and the config is validated by the same
:func:`~govsim.config.compose.scenario_from_config`.

A list with anything this cannot treat in that way (a ``hydra`` key, an
interpolation, a ``@package``, a sweep, a nested group) is composed in full by
``load_scenario``; so is a list with an override the safety gate refuses or whose
group choices fail to compose, so that the error is the one ``load_scenario`` gives.
Hydra's override code is its private ``ConfigLoaderImpl._apply_overrides_to_config``
(hydra-core is pinned to 1.3); tests/test_config_loader.py checks that both routes agree.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from govsim.config import safety
from govsim.config.compose import _explain, compose_checked, load_scenario, scenario_from_config
from govsim.config.scenario import Scenario
from govsim.errors import ScenarioError

__all__ = ["ScenarioLoader"]

MAX_COMPOSED = 64  # distinct group-choice lists kept (an experiment uses a handful)


class ScenarioLoader:
    """``load_scenario`` for many override lists, composing each set of group choices once.

    Call it like :func:`~govsim.config.compose.load_scenario`. The composed configs are
    kept for the loader's lifetime (use one loader per plan, not one for the process:
    a config file edited meanwhile would not be seen).
    """

    def __init__(self) -> None:
        self._composed: dict[tuple[str, ...], bytes] = {}
        self._parsed: dict[str, Any] = {}  # override text -> parsed override, None: not here
        self._is_group: dict[str, bool] = {}
        self.fast = 0  # lists loaded (or refused after their values were set) by the fast path
        self.full = 0  # lists handed to load_scenario

    def __call__(self, overrides: list[str] | None = None) -> Scenario:
        split = self._split(overrides)
        cfg = self._base(split[0]) if split is not None else None
        if split is None or cfg is None:
            return self._full(overrides)
        self.fast += 1
        if not _apply(split[1], cfg, list(overrides or [])):
            self.fast -= 1
            return self._full(overrides)
        safety.check_tree(OmegaConf.to_container(cfg, resolve=False))
        return scenario_from_config(cfg)

    def _full(self, overrides: list[str] | None) -> Scenario:
        self.full += 1
        return load_scenario(overrides)

    def _split(self, overrides: object) -> tuple[tuple[str, ...], list[Any]] | None:
        """(group choices, parsed value overrides), or None to compose in full."""
        if not isinstance(overrides, list | tuple | type(None)):
            return None  # load_scenario names the mistake
        groups: list[str] = []
        values: list[Any] = []
        for text in overrides or []:
            ov = self._parse(text)
            if ov is None:
                return None
            if self._group(ov.key_or_group) and not isinstance(ov.value(), dict):
                groups.append(text)
            else:
                values.append(ov)
        return tuple(groups), values

    def _parse(self, text: object) -> Any:
        """The parsed override if it passes the safety gate and suits the fast path, else None.

        :func:`safety.check_overrides` checks each override on its own once no override
        changes the search path, so a list passes it exactly when each of its overrides
        does. An override it refuses gets None: load_scenario then gives its error.
        """
        if not isinstance(text, str):
            return None
        if text not in self._parsed:
            from hydra.core.override_parser.overrides_parser import OverridesParser

            try:
                moves_search_path = bool(safety.check_overrides([text]))
            except ScenarioError:
                moves_search_path = True
            ov = None if moves_search_path else OverridesParser.create().parse_overrides([text])[0]
            key = "" if ov is None else ov.key_or_group
            if ov is not None and (ov.is_sweep_override() or ov.package is not None or "${" in text
                                   or key.split(".")[0] == "hydra" or "/" in key):
                ov = None
            self._parsed[text] = ov
        return self._parsed[text]

    def _group(self, key: str) -> bool:
        """Whether Hydra would take ``key`` as a config group (as its repository's group_exists)."""
        if key not in self._is_group:
            self._is_group[key] = any((d / key).is_dir() for d in safety.search_dirs())
        return self._is_group[key] or _in_config_store(key)

    def _base(self, groups: tuple[str, ...]) -> DictConfig | None:
        """A fresh copy of the config composed with ``groups`` only (no ``hydra`` subtree).

        None if that composition fails. The composed config is kept pickled: unpickling
        is about four times faster than a deep copy (both keep node types and flags).
        """
        if groups not in self._composed:
            try:
                cfg = compose_checked(list(groups))
            except ScenarioError:
                return None
            with open_dict(cfg):
                del cfg["hydra"]
            if len(self._composed) >= MAX_COMPOSED:
                self._composed.pop(next(iter(self._composed)))
            self._composed[groups] = pickle.dumps(cfg)
        out = pickle.loads(self._composed[groups])  # bytes pickled above, by this object
        assert isinstance(out, DictConfig)
        return out


def _in_config_store(key: str) -> bool:
    """Whether code of this process registered ``key`` as a group in Hydra's ConfigStore."""
    from hydra.core.config_store import ConfigStore

    node: Any = ConfigStore.instance().repo
    for part in key.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return isinstance(node, dict)


def _apply(values: Sequence[Any], cfg: DictConfig, overrides: list[str]) -> bool:
    """Apply parsed value overrides as Hydra does after composing; errors as ``_compose`` gives them.

    False for an error ``_compose`` words from the whole list (a plain ValueError).
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra.errors import ConfigCompositionException

    try:
        try:
            ConfigLoaderImpl._apply_overrides_to_config(list(values), cfg)
        except OmegaConfBaseException as exc:  # Hydra's load_configuration wraps these so
            raise ConfigCompositionException() from exc
    except HydraException as exc:
        key, value, allowed = _explain(exc, overrides)
        raise ScenarioError(key, value, allowed) from None
    except ValueError:
        return False
    return True
