"""How villagers reach services: channels, the channel-choice model and the online platform.

Part of :func:`govsim.config.validate.build_scenario`: each reader takes the
section's :class:`~govsim.config.reader.Reader` and returns its frozen spec, raising
:class:`~govsim.errors.ScenarioError` (one line naming the key) for a bad value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from govsim.config.reader import Reader
from govsim.config.scenario import (
    AgeBandSpec,
    ChannelSpec,
    ChoiceSpec,
    PlatformSpec,
)
from govsim.errors import ScenarioError

__all__ = ["FALLBACKS", "read_channels", "read_platform"]


FALLBACKS = ("retry", "proxy", "counter", "give_up")


def read_channels(r: Reader, bands: tuple[AgeBandSpec, ...]) -> ChannelSpec:
    """Channels offered, online behaviour, proxies and the choice model (see configs/channels)."""
    fallback = r.strings("fallback")
    for f in fallback:
        if f not in FALLBACKS:
            raise ScenarioError(r.key("fallback"), f, f"must list fallbacks among {', '.join(FALLBACKS)}")
    wake0 = r.number("waking_start_min", 0.0, 1439.0)
    online = r.flag("online")
    counters = r.flag("counters_open")
    if not counters and not online:
        raise ScenarioError(r.key("counters_open"), counters,
                            "may be false only when online is true (no channel would take applications)")
    assisted = r.flag("assisted")
    proxies = r.integer("proxies_per_village", 0, 1000)
    if assisted and proxies < 1:
        raise ScenarioError(r.key("proxies_per_village"), proxies, "must be >= 1 when assisted is true")
    spec = ChannelSpec(
        counters_open=counters,
        online=online,
        assisted=assisted,
        fallback=fallback,
        online_retries=r.integer("online_retries", 0, 100),
        retry_delay_hours=r.number("retry_delay_hours", 0.0, 8760.0),
        waking_start_min=wake0,
        waking_end_min=r.number("waking_end_min", wake0, 1440.0, lo_open=True),
        attempt_min=r.number("attempt_min", 0.0, 1440.0, lo_open=True),
        literacy_min=r.probability("literacy_min"),
        connection_fail_factor=r.probability("connection_fail_factor"),
        giveup_base=r.probability("giveup_base"),
        giveup_literacy=r.number("giveup_literacy", 0.0, 10.0),
        identity_min=r.number("identity_min", 0.0, 1440.0, lo_open=True),
        proxies_per_village=proxies,
        proxy_mode=cast(Any, r.choice("proxy_mode", ("online", "paper"))),
        proxy_literacy=r.probability("proxy_literacy"),
        proxy_task_min=r.number("proxy_task_min", 0.0, 1440.0, lo_open=True),
        proxy_batch_days=r.integer("proxy_batch_days", 1, 365),
        assisted_hours=r.number("assisted_hours", 0.0, 24.0),
        closed_counter_staff=cast(Any, r.choice("closed_counter_staff", ("redeployed", "cut"))),
        choice=_choice(r.child("choice"), bands),
    )
    r.done()
    return spec


def _by_band(r: Reader, name: str, bands: tuple[AgeBandSpec, ...]) -> tuple[float, ...]:
    """One number per population band; entries for bands the population lacks are ignored."""
    c = r.child(name)
    names = [b.name for b in bands]
    if not isinstance(c.data, Mapping) or not set(names) <= set(map(str, c.data)):
        raise ScenarioError(r.key(name), c.data, f"must give a number for each age band {names}")
    return tuple(c.number(b, -20.0, 20.0) for b in names)


def _choice(r: Reader, bands: tuple[AgeBandSpec, ...]) -> ChoiceSpec:
    lo = r.number("propensity_min", -20.0, 0.0)
    spec = ChoiceSpec(
        beta_time_per_hour=r.number("beta_time_per_hour", -100.0, 0.0),
        beta_cost_per_yuan=r.number("beta_cost_per_yuan", -100.0, 0.0),
        beta_effort=r.number("beta_effort", -100.0, 0.0),
        online_intercept=_by_band(r, "online_intercept", bands),
        assisted_intercept=_by_band(r, "assisted_intercept", bands),
        learn_success=r.number("learn_success", 0.0, 20.0),
        learn_failure=r.number("learn_failure", 0.0, 20.0),
        propensity_min=lo,
        propensity_max=r.number("propensity_max", 0.0, 20.0),
        wait_prior_min=r.number("wait_prior_min", 0.0, 10_000.0),
        wait_smoothing=r.probability("wait_smoothing"),
    )
    r.done()
    return spec


def read_platform(r: Reader, item_keys: set[str]) -> PlatformSpec:
    """``platform``: apps, outages, capacity, complaints and which app serves which item."""
    spec = PlatformSpec(
        apps=r.integer("apps", 1, 100),
        assignment=cast(Any, r.choice("assignment", ("round_robin", "department"))),
        mtbf_hours=r.number("mtbf_hours", 0.0, 1e9, lo_open=True),
        mttr_hours=r.number("mttr_hours", 0.0, 1e9, lo_open=True),
        complexity=r.number("complexity", 0.0, 100.0),
        app_setup_min=r.number("app_setup_min", 0.0, 10_000.0),
        app_not_found_prob=r.probability("app_not_found_prob"),
        capacity_per_hour=r.number("capacity_per_hour", 0.0, 1e9, lo_open=True),
        two_way=r.flag("two_way"),
        complaint_target_days=r.number("complaint_target_days", 0.0, 3650.0, lo_open=True),
        hotline_share=r.probability("hotline_share"),
        app_of=_app_of(r, item_keys),
        complaint_item=_complaint_item(r, item_keys),
    )
    r.done()
    return spec


def _complaint_item(r: Reader, item_keys: set[str]) -> str | None:
    """``platform.complaint_item``: null or the key of a catalogue item."""
    key = r.raw("complaint_item")
    if key is not None and key not in item_keys:
        raise ScenarioError(r.key("complaint_item"), key,
                            f"must be null or an item key ({', '.join(sorted(item_keys))})")
    return None if key is None else str(key)


def _app_of(r: Reader, item_keys: set[str]) -> tuple[tuple[str, str], ...]:
    """``platform.app_of``: null or a mapping of item keys to app names (no more names than apps)."""
    raw = r.raw("app_of")
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) and v for v in raw.values()):
        raise ScenarioError(r.key("app_of"), raw, "must be null or a mapping of item keys to app names")
    for k in raw:
        if k not in item_keys:
            raise ScenarioError(r.key("app_of"), k, f"is not a known item ({', '.join(sorted(item_keys))})")
    apps = r.integer("apps", 1, 100)
    if len(set(raw.values())) > apps:
        raise ScenarioError(r.key("app_of"), dict(raw), f"names more apps than platform.apps ({apps})")
    return tuple((str(k), str(v)) for k, v in raw.items())
