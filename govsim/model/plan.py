"""The run plan: everything a run needs, decided before the clock starts (frozen).

``plan_run(scenario, seed)`` is a pure function: the same scenario and seed
give the same plan. It applies the structural interventions and training by
building new values (the scenario's and the drawn population are never
mutated), draws the needs, lays out the offices, builds the item and channel
plans and computes every per-villager probability. Nothing in it changes
while the run goes on; what does lives in govsim.model.state.
"""

from __future__ import annotations

import dataclasses
from array import array
from dataclasses import dataclass

import numpy as np

from govsim.config.scenario import Scenario
from govsim.decisions.documents import exchange_documents
from govsim.decisions.eligibility import auto_checked, awareness, grantable
from govsim.model.calendar import DAY, YEAR_DAYS, WorkCalendar
from govsim.model.channel_plans import ChannelPlan, app_of_items, channel_plans
from govsim.model.demand import Needs, generate_needs
from govsim.model.interventions import apply_structural, guide, train, upgrade_coverage
from govsim.model.offices import OfficeLayout, layout_offices
from govsim.model.plans import ItemPlan, build_plans
from govsim.model.population import Population, build_population
from govsim.model.streams import Streams

__all__ = ["ItemRules", "MissingChance", "RunPlan", "plan_run"]


class MissingChance:
    """One item's chance, per villager, that a personal paper is missing: ``p_miss[item][villager]``.

    ``clip(prob * factor[villager], 0, 1)``, computed when read (once per intake)
    from one factor array that every item shares, rather than one array per item
    (a county: 8 items x 400,000 villagers x 8 bytes = 26 MB held for the whole run).
    The product is the same float64 operation as the array's, so the results are
    identical.
    """

    __slots__ = ("_factor", "_prob")

    def __init__(self, prob: float, factor: np.ndarray) -> None:
        self._prob = float(prob)
        self._factor = factor

    def __getitem__(self, villager: int) -> float:
        x = float(self._prob * self._factor[villager])
        return 0.0 if x < 0.0 else (1.0 if x > 1.0 else x)

    def __len__(self) -> int:
        return len(self._factor)

    def values(self) -> np.ndarray:
        """The chance for every villager, as an array."""
        return np.clip(self._prob * self._factor, 0, 1)

@dataclass(frozen=True)
class ItemRules:
    """Per item: take-up, proactive granting, automated checks, complaint routes."""

    benefit: tuple[bool, ...]        # a benefit (``proactive: true``): the villager must be aware of it
    grant: tuple[bool, ...]          # granted proactively from shared data
    checked: tuple[bool, ...]        # applications checked automatically from shared data
    in_person: tuple[bool, ...]      # complaints in person only (two_way false, other channels offered)
    hotline: tuple[bool, ...]        # complaints partly made by telephone
    hotline_share: float


@dataclass(frozen=True)
class RunPlan:
    """One run's frozen plan (see the module docstring)."""

    scenario: Scenario             # after the structural interventions
    original: Scenario             # as given
    seed: int
    pop: Population                # after training
    needs: Needs
    cal: WorkCalendar
    offices: OfficeLayout
    items: tuple[tuple[ItemPlan, ...], ...]          # [item][village]
    channels: tuple[tuple[ChannelPlan, ...], ...]    # [item][village]
    rules: ItemRules
    trained: np.ndarray            # bool per villager
    upgraded: int                  # villages whose coverage was raised
    access: np.ndarray             # bool per villager: smartphone, connection and literacy for online use
    apps: int                      # platform apps in use (0 without online service)
    proxies: int                   # proxy agents per village (0 without assisted service)
    multichannel: bool             # online or assisted service offered
    risk: bool                     # take-up, proactive grants, checks, losses or complaint routes apply
    p_know: np.ndarray             # per villager: knows which certificates to bring
    p_miss: tuple[MissingChance, ...]  # per item, per villager: a personal paper is missing
    p_conn: tuple[float, ...]      # per village: an online attempt fails on the connection
    p_giveup: np.ndarray           # per villager: gives up on the online form
    p_giveup_proxy: float          # a proxy agent gives up on the form
    p_not_found: np.ndarray        # per villager: does not find the right app (several apps)
    p_aware: tuple[float, ...]     # per villager: a benefit need becomes an application
    # Per request, as ``array``s (indexing them is several times faster than indexing the
    # needs' numpy arrays, and gives Python ints; unlike lists, no int object per entry):
    # read on the hot path.
    need_item: array[int]
    need_villager: array[int]
    need_village: array[int]

    @property
    def horizon(self) -> float:
        """The horizon in minutes."""
        return self.scenario.run.horizon_days * DAY

    @property
    def years(self) -> float:
        """The horizon in years."""
        return self.scenario.run.horizon_days / YEAR_DAYS


def plan_run(scenario: Scenario, seed: int, needs: Needs | None = None) -> RunPlan:
    """The plan of one run of ``scenario`` with ``seed`` (``needs`` given: used instead of drawn)."""
    sc = apply_structural(scenario)   # interventions that change offices or apps
    streams = Streams(seed)
    drawn = build_population(sc.population, streams)
    needs = needs if needs is not None else generate_needs(sc.items, drawn, sc.run, streams)
    pop, trained = train(drawn, sc.interventions, streams)   # digital literacy
    pop = guide(pop, sc.interventions)                          # administrative knowledge
    coverage, upgraded = upgrade_coverage(pop.villages.coverage, sc.interventions)
    ch = sc.channels
    connected = streams.get("online.connected").random(pop.size) < coverage[pop.village]
    offices = layout_offices(sc, pop.villages)
    items = tuple(tuple(row) for row in build_plans(sc, offices, pop.villages))
    apps = sc.platform.apps if ch.online else 0
    rules = _item_rules(sc)
    multichannel = ch.online or ch.assisted
    plan = RunPlan(
        scenario=sc, original=scenario, seed=seed, pop=pop, needs=needs,
        cal=WorkCalendar(sc.calendar, sc.run.start_weekday), offices=offices, items=items,
        channels=channel_plans(sc, [list(r) for r in items], app_of_items(sc, apps)),
        rules=rules, trained=trained, upgraded=upgraded,
        access=pop.smartphone & connected & (pop.literacy >= ch.literacy_min),
        apps=apps, proxies=ch.proxies_per_village if ch.assisted else 0, multichannel=multichannel,
        risk=_risk_applies(sc, rules, pop),
        p_know=np.minimum(sc.behaviour.knows_requirements_base
                          + sc.behaviour.knows_requirements_literacy * pop.admin_knowledge, 1.0),
        p_miss=_p_missing(sc, pop), p_conn=_p_connection(sc, coverage),
        p_giveup=_p_giveup(sc, pop.literacy), p_giveup_proxy=float(_p_giveup(sc, ch.proxy_literacy)),
        p_not_found=_p_not_found(sc, pop.literacy, apps),
        p_aware=tuple(awareness(sc.proactive, pop.admin_knowledge, pop.band_elderly[pop.band]).tolist()),
        need_item=_ints(needs.item), need_villager=_ints(needs.villager),
        need_village=_ints(pop.village[needs.villager]),
    )
    _freeze(plan, plan.pop, plan.pop.villages, plan.needs)
    return plan


def _ints(values: np.ndarray) -> array[int]:
    """Integers as an ``array`` of 64-bit ints."""
    return array("q", np.asarray(values, dtype=np.int64).tobytes())


def _freeze(*holders: object) -> None:
    """Make the arrays of these dataclasses read-only: nothing in a plan changes during the run."""
    for h in holders:
        for f in dataclasses.fields(h):   # type: ignore[arg-type]
            value = getattr(h, f.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            elif isinstance(value, tuple) and value and isinstance(value[0], np.ndarray):
                for v in value:
                    v.flags.writeable = False


def _item_rules(sc: Scenario) -> ItemRules:
    on_ex = exchange_documents(sc.governance, sc.documents)
    pr, pf = sc.proactive, sc.platform
    multichannel = sc.channels.online or sc.channels.assisted
    share = pf.hotline_share if pf.two_way else 0.0
    return ItemRules(
        benefit=tuple(it.proactive for it in sc.items),
        grant=tuple(grantable(pr, it, sc.documents, on_ex) for it in sc.items),
        checked=tuple(auto_checked(pr, it, sc.documents, on_ex) for it in sc.items),
        in_person=tuple(it.key == pf.complaint_item and multichannel and not pf.two_way for it in sc.items),
        hotline=tuple(it.key == pf.complaint_item and share > 0 for it in sc.items),
        hotline_share=share,
    )


def _risk_applies(sc: Scenario, r: ItemRules, pop: Population) -> bool:
    """Whether any take-up, proactive, check, loss or complaint rule can act in this run."""
    p_aware = awareness(sc.proactive, pop.admin_knowledge, pop.band_elderly[pop.band])
    unaware = any(r.benefit) and float(np.min(p_aware, initial=1.0)) < 1.0
    return (any(r.grant) or any(r.checked) or any(r.in_person) or any(r.hotline)
            or sc.security.application_loss_prob > 0 or unaware)


def _p_missing(sc: Scenario, pop: Population) -> tuple[MissingChance, ...]:
    """Per item, per villager: a personal paper is missing at the intake."""
    f = sc.behaviour.missing_doc_literacy_factor
    factor = 1.0 + f * (1.0 - 2.0 * pop.admin_knowledge)
    factor.flags.writeable = False
    return tuple(MissingChance(it.missing_doc_prob, factor) for it in sc.items)


def _p_connection(sc: Scenario, coverage: np.ndarray) -> tuple[float, ...]:
    """Per village: ``connection_fail_factor * (1 - coverage) / coverage``, certain at coverage 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(coverage > 0, sc.channels.connection_fail_factor * (1.0 - coverage) / coverage, 1.0)
    return tuple(np.minimum(p, 1.0).tolist())


def _p_giveup(sc: Scenario, literacy: np.ndarray | float) -> np.ndarray:
    """Giving up on the online form: ``complexity * (base - coef * literacy)``, clipped to [0, 1]."""
    ch = sc.channels
    return np.clip(sc.platform.complexity * (ch.giveup_base - ch.giveup_literacy * np.asarray(literacy)),
                   0.0, 1.0)


def _p_not_found(sc: Scenario, literacy: np.ndarray, apps: int) -> np.ndarray:
    """Not finding the right app among ``apps``: ``1 - (1 - p (1 - literacy)) ** (apps - 1)``.

    ``p`` is ``platform.app_not_found_prob``: the chance, per other app, that a
    villager with no digital literacy picks the wrong one (an assumption). It
    grows with the number of apps and falls with digital literacy; 0 with one app.
    """
    per_app = sc.platform.app_not_found_prob * (1.0 - literacy)
    return 1.0 - (1.0 - per_app) ** max(apps - 1, 0)
