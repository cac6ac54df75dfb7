"""Turn the composed configuration (a plain dict) into a validated :class:`Scenario`.

This is the only place where configuration values are checked. Every error is
a :class:`~govsim.errors.ScenarioError` whose one-line message names the key,
the value and what is allowed. Nothing here imports or runs code by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from govsim.config.budget import check_budget
from govsim.config.reader import Reader
from govsim.config.scenario import (
    LEVELS,
    AgeBandSpec,
    BehaviourSpec,
    CalendarSpec,
    ChannelSpec,
    ChoiceSpec,
    CostSpec,
    DepartmentSpec,
    DocumentSpec,
    GovernanceSpec,
    InterventionSpec,
    ItemSpec,
    Level,
    PlatformSpec,
    PopulationSpec,
    ProactiveSpec,
    RunSpec,
    SatisfactionSpec,
    Scenario,
    SecuritySpec,
    StepSpec,
)
from govsim.config.villages import read_villages
from govsim.errors import ScenarioError

__all__ = ["build_scenario"]

def build_scenario(cfg: Mapping[str, Any]) -> Scenario:
    """Validate a composed, resolved config dict and return the frozen scenario."""
    root = Reader(cfg, "")
    _forbid_targets(cfg, "")
    if "mmc" in cfg:
        _check_mmc(root.child("mmc"))
    departments = _departments(root.child("departments"))
    dept_keys = {d.key for d in departments}
    population = _population(root.child("population"))
    band_names = {b.name for b in population.bands}
    services = root.child("services")
    documents = _documents(services.child("documents"), dept_keys)
    items = _items(services.child("items"), dept_keys, {d.key for d in documents}, band_names)
    services.done()
    governance = _governance(root.child("governance"), {d.key for d in documents})
    scenario = Scenario(
        name=root.text("name"),
        population=population,
        items=items,
        documents=documents,
        departments=departments,
        calendar=_calendar(root.child("calendar")),
        governance=governance,
        channels=_channels(root.child("channels"), population.bands),
        behaviour=_behaviour(root.child("behaviour")),
        run=_run(root.child("run")),
        platform=_platform(root.child("platform"), {it.key for it in items}),
        interventions=_interventions(root.child("interventions"), band_names),
        costs=_costs(root.child("costs")),
        security=_security(root.child("security")),
        proactive=_proactive(root.child("proactive")),
        satisfaction=_satisfaction(root.child("satisfaction")),
    )
    root.done()
    check_budget(scenario, allow_large=cfg["run"].get("allow_large") is True)
    return scenario


def _forbid_targets(node: object, path: str) -> None:
    """Reject Hydra's ``_target_`` (instantiate-by-name) anywhere in user config."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            key = f"{path}.{k}" if path else str(k)
            if str(k) in ("_target_", "_partial_", "_args_"):
                raise ScenarioError(key, v, "is not allowed: configs may not name code to run")
            _forbid_targets(v, key)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _forbid_targets(v, f"{path}[{i}]")


def _check_mmc(r: Reader) -> None:
    r.number("arrivals_per_hour", 0.0, lo_open=True)
    r.number("mean_service_minutes", 0.0, lo_open=True)
    r.integer("windows", 1, 10_000)
    r.done()


def _departments(r: Reader) -> tuple[DepartmentSpec, ...]:
    if not r.data:
        raise ScenarioError(r.path, {}, "must list at least one department")
    out = []
    for key in r.data:
        d = r.child(str(key))
        out.append(DepartmentSpec(
            key=str(key),
            name_en=d.text("name_en"),
            name_zh=d.text("name_zh"),
            level=cast(Level, d.choice("level", LEVELS)),
            windows=d.integer("windows", 1, 10_000),
            backoffice_staff=d.integer("backoffice_staff", 1, 10_000),
        ))
        d.done()
    return tuple(out)


def _population(r: Reader) -> PopulationSpec:
    bands = _bands(r.child("bands"))
    vmin = r.integer("villages_min", 1, 10_000)
    vmax = r.integer("villages_max", 1, 10_000)
    if vmax < vmin:
        raise ScenarioError(r.key("villages_max"), vmax, f"must be >= villages_min ({vmin})")
    dmin = r.number("distance_km_min", 0.0, 1000.0)
    dmax = r.number("distance_km_max", dmin, 1000.0)
    cmin = r.number("county_travel_min_min", 0.0, 1440.0)
    cmax = r.number("county_travel_min_max", cmin, 1440.0)
    covmin = r.probability("coverage_min")
    covmax = r.number("coverage_max", covmin, 1.0)
    csv = r.raw("villages_csv")
    spec = PopulationSpec(
        townships=r.integer("townships", 1, 10_000),
        villages_min=vmin,
        villages_max=vmax,
        residents_per_township=r.integer("residents_per_township", 1, 100_000_000),
        adult_share=r.number("adult_share", 0.0, 1.0, lo_open=True),
        household_size=r.number("household_size", 1.0, 50.0),
        distance_km_min=dmin,
        distance_km_max=dmax,
        travel_fixed_min=r.number("travel_fixed_min", 0.0, 1440.0),
        travel_min_per_km=r.number("travel_min_per_km", 0.0, 60.0),
        county_travel_min_min=cmin,
        county_travel_min_max=cmax,
        county_kmh=r.number("county_kmh", 0.0, 200.0, lo_open=True),
        coverage_min=covmin,
        coverage_max=covmax,
        literacy_concentration=r.number("literacy_concentration", 0.0, 1e6, lo_open=True),
        knowledge_correlation=r.number("knowledge_correlation", -1.0, 1.0),
        bands=bands,
        villages=None if csv is None else read_villages(csv, r.key("villages_csv")),
    )
    r.done()
    if spec.villages is None and spec.villages_min > spec.residents_per_township:  # a village needs residents
        raise ScenarioError(r.key("villages_min"), vmin,
                            f"must be <= residents_per_township ({spec.residents_per_township})")
    return spec


def _bands(r: Reader) -> tuple[AgeBandSpec, ...]:
    if not r.data:
        raise ScenarioError(r.path, {}, "must list at least one age band")
    out = []
    for name in r.data:
        b = r.child(str(name))
        out.append(AgeBandSpec(
            name=str(name),
            share=b.probability("share"),
            literacy_mean=b.number("literacy_mean", 0.0, 1.0, lo_open=True),
            smartphone=b.probability("smartphone"),
            elderly=b.flag("elderly"),
            knowledge_mean=b.probability("knowledge_mean"),
        ))
        b.done()
    total = sum(b.share for b in out)
    if abs(total - 1.0) > 1e-3:
        shares = {b.name: b.share for b in out}
        raise ScenarioError(f"{r.path}.*.share", shares, f"shares must sum to 1 (they sum to {total:.4f})")
    if any(b.literacy_mean >= 1.0 for b in out):
        bad = next(b for b in out if b.literacy_mean >= 1.0)
        raise ScenarioError(f"{r.path}.{bad.name}.literacy_mean", bad.literacy_mean,
                            "must be a number in (0, 1)")
    return tuple(out)


def _documents(r: Reader, dept_keys: set[str]) -> tuple[DocumentSpec, ...]:
    out = []
    for key in r.data:
        d = r.child(str(key))
        holder = d.text("holder")
        if holder != "villager" and holder not in dept_keys:
            allowed = ", ".join(["villager", *sorted(dept_keys)])
            raise ScenarioError(d.key("holder"), holder, f"must be one of {allowed}")
        out.append(DocumentSpec(key=str(key), holder=holder))
        d.done()
    return tuple(out)


def _items(
    r: Reader, dept_keys: set[str], doc_keys: set[str], band_names: set[str]
) -> tuple[ItemSpec, ...]:
    if not r.data:
        raise ScenarioError(r.path, {}, "must list at least one service item")
    return tuple(_item(r.child(str(k)), str(k), dept_keys, doc_keys, band_names) for k in r.data)


def _item(
    r: Reader, key: str, dept_keys: set[str], doc_keys: set[str], band_names: set[str]
) -> ItemSpec:
    bands = r.strings("age_bands")
    for b in bands:
        if b not in band_names:
            raise ScenarioError(r.key("age_bands"), b, f"must name age bands among {sorted(band_names)}")
    docs = r.strings("documents")
    for d in docs:
        if d not in doc_keys:
            raise ScenarioError(r.key("documents"), d, f"is not a known document ({sorted(doc_keys)})")
    total = r.raw("total_per_hour", None)
    if total is not None:
        total = r.number("total_per_hour", 0.0, 1e9, lo_open=True)
    item = ItemSpec(
        key=key,
        name_en=r.text("name_en"),
        name_zh=r.text("name_zh"),
        rate_per_year=r.number("rate_per_year", 0.0, 365.0),  # at most one need a day
        unit=cast(Any, r.choice("unit", ("person", "household"))),
        age_bands=bands,
        eligible_share=r.probability("eligible_share"),
        total_per_hour=total,
        season=_season(r),
        documents=docs,
        missing_doc_prob=r.probability("missing_doc_prob"),
        online=r.flag("online"),
        in_person_step=r.flag("in_person_step"),
        pickup=r.flag("pickup"),
        proactive=r.flag("proactive"),
        steps=_steps(r, dept_keys),
        promised_days=_promised(r),
        schedule=cast(Any, r.choice("schedule", ("poisson", "annual"))),
        unmet_value=r.number("unmet_value", 0.0, 1e9),
    )
    r.done()
    if item.schedule == "annual" and (item.rate_per_year != 1.0 or item.total_per_hour is not None):
        raise ScenarioError(r.key("schedule"), "annual", "needs rate_per_year: 1.0 and total_per_hour: null "
                            "(an annual obligation comes once per eligible unit per year)")
    return item


def _promised(r: Reader) -> float | None:
    """The item's promised days (承诺时限), or None if it has none."""
    if r.raw("promised_days") is None:
        return None
    return r.number("promised_days", 0.0, 36_500.0, lo_open=True)


def _season(r: Reader) -> tuple[float, ...]:
    value = r.raw("season", None)
    if value is None:
        return (1.0,) * 12
    ok = isinstance(value, list | tuple) and len(value) == 12 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1e9 for v in value)
    if not ok or sum(value) <= 0:  # bounded weights: a sum of huge ones would overflow to inf
        raise ScenarioError(r.key("season"), value,
                            "must be null or 12 monthly weights in [0, 1e9], not all zero")
    mean = sum(value) / 12.0
    return tuple(float(v) / mean for v in value)


def _steps(r: Reader, dept_keys: set[str]) -> tuple[StepSpec, ...]:
    raw = r.raw("steps")
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(r.key("steps"), raw, "must be a non-empty list of workflow steps")
    steps = []
    for i, s in enumerate(raw):
        sr = Reader(s, f"{r.key('steps')}[{i}]")
        dept = sr.text("dept")
        if dept not in dept_keys:
            raise ScenarioError(sr.key("dept"), dept, f"must be one of {', '.join(sorted(dept_keys))}")
        counter_min = sr.number("counter_min", 0.0, 1440.0)
        steps.append(StepSpec(
            dept=dept,
            counter_min=counter_min,
            backoffice_min=sr.number("backoffice_min", 0.0, 100_000.0),
            review_days=sr.number("review_days", 0.0, 3650.0),
            notice_days=sr.number("notice_days", 0.0, 3650.0),
            parallel=sr.flag("parallel", default=False),
            # the catalogue's rule (configs/services/default.yaml): the counter work it replaces
            online_review_min=sr.number("online_review_min", 0.0, 100_000.0, default=counter_min),
        ))
        sr.done()
    return tuple(steps)


def _calendar(r: Reader) -> CalendarSpec:
    open_min = r.number("open_min", 0.0, 1439.0)
    close_min = r.number("close_min", open_min, 1440.0, lo_open=True)
    spec = CalendarSpec(open_min=open_min, close_min=close_min,
                        workdays_per_week=r.integer("workdays_per_week", 1, 7))
    r.done()
    return spec


def _governance(r: Reader, doc_keys: set[str]) -> GovernanceSpec:
    shared = r.raw("shared_documents", None)
    shared_docs = r.strings("shared_documents") if shared is not None else ()
    for d in shared_docs:
        if d not in doc_keys:
            raise ScenarioError(r.key("shared_documents"), d, f"is not a known document ({sorted(doc_keys)})")
    spec = GovernanceSpec(
        front_office=cast(Any, r.choice("front_office", ("per_department", "one_window"))),
        share_level=r.probability("share_level"),
        shared_documents=shared_docs,
        exchange_latency_min=r.number("exchange_latency_min", 0.0, 100_000.0),
        exchange_fail_prob=r.probability("exchange_fail_prob"),
        handoff=cast(Any, r.choice("handoff", ("paper", "electronic"))),
        paper_handoff_days=r.number("paper_handoff_days", 0.0, 365.0),
        courier_interval_days=r.integer("courier_interval_days", 1, 365),
        electronic_handoff_min=r.number("electronic_handoff_min", 0.0, 100_000.0),
        electronic_delivery=r.flag("electronic_delivery"),
        certificate_min=r.number("certificate_min", 0.0, 1440.0, lo_open=True),
        reject_min=r.number("reject_min", 0.0, 1440.0, lo_open=True),
        pickup_min=r.number("pickup_min", 0.0, 1440.0, lo_open=True),
        remote_identity=r.flag("remote_identity"),
        cross_training_factor=r.number("cross_training_factor", 1.0, 10.0),
    )
    r.done()
    return spec


FALLBACKS = ("retry", "proxy", "counter", "give_up")


def _channels(r: Reader, bands: tuple[AgeBandSpec, ...]) -> ChannelSpec:
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


def _platform(r: Reader, item_keys: set[str]) -> PlatformSpec:
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


def _security(r: Reader) -> SecuritySpec:
    spec = SecuritySpec(
        level=r.text("level"),
        department_breaches_per_year=r.number("department_breaches_per_year", 0.0, 1000.0),
        exchange_breaches_per_year=r.number("exchange_breaches_per_year", 0.0, 1000.0),
        platform_breaches_per_year=r.number("platform_breaches_per_year", 0.0, 1000.0),
        investment_per_holder_year=r.number("investment_per_holder_year", 0.0, 1e12),
        application_loss_prob=r.probability("application_loss_prob"),
        resubmit_delay_days=r.number("resubmit_delay_days", 0.0, 3650.0),
    )
    r.done()
    return spec


def _proactive(r: Reader) -> ProactiveSpec:
    spec = ProactiveSpec(
        enabled=r.flag("enabled"),
        automated_checks=r.flag("automated_checks"),
        false_negative=r.probability("false_negative"),
        false_positive=r.probability("false_positive"),
        appeal_delay_days=r.number("appeal_delay_days", 0.0, 3650.0),
        appeal_review_days=r.number("appeal_review_days", 0.0, 3650.0),
        wrong_grant_cost=r.number("wrong_grant_cost", 0.0, 1e9),
        confirm_prob=r.probability("confirm_prob"),
        confirm_days=r.number("confirm_days", 0.0, 3650.0),
        awareness_base=r.probability("awareness_base"),
        awareness_literacy=r.number("awareness_literacy", -1.0, 1.0),
        awareness_elderly=r.probability("awareness_elderly"),
    )
    r.done()
    return spec


def _interventions(r: Reader, band_names: set[str]) -> InterventionSpec:
    bands = r.strings("training_bands")
    for b in bands:
        if b not in band_names:
            raise ScenarioError(r.key("training_bands"), b, f"must name age bands among {sorted(band_names)}")
    spec = InterventionSpec(
        training_bands=bands,
        training_share=r.probability("training_share"),
        training_literacy_gain=r.probability("training_literacy_gain"),
        training_literacy_cap=r.probability("training_literacy_cap"),
        training_cost_per_trainee=r.number("training_cost_per_trainee", 0.0, 1e9),
        coverage_min=r.probability("coverage_min"),
        infrastructure_cost_per_village=r.number("infrastructure_cost_per_village", 0.0, 1e12),
        unify_apps=r.flag("unify_apps"),
        unify_cost=r.number("unify_cost", 0.0, 1e12),
        staff_to_backoffice=r.integer("staff_to_backoffice", 0, 10_000),
        service_guide=r.flag("service_guide"),
        service_guide_gain=r.probability("service_guide_gain"),
    )
    r.done()
    return spec


def _costs(r: Reader) -> CostSpec:
    spec = CostSpec(**{k: r.number(k, 0.0, 1e12) for k in (
        "staff_per_year", "platform_per_app_year", "online_per_transaction", "counter_per_visit",
        "proxy_per_task", "proxy_stipend_per_year")})
    r.done()
    return spec


def _satisfaction(r: Reader) -> SatisfactionSpec:
    spec = SatisfactionSpec(
        max_trips=r.integer("max_trips", 0, 1000),
        max_wait_min=r.number("max_wait_min", 0.0, 1e9),
        late_factor=r.number("late_factor", 0.0, 1e6, lo_open=True),
        fallback_dissatisfies=r.flag("fallback_dissatisfies"),
    )
    r.done()
    return spec


def _behaviour(r: Reader) -> BehaviourSpec:
    spec = BehaviourSpec(
        reaction_days_max=r.number("reaction_days_max", 0.0, 365.0),
        arrival_spread=r.number("arrival_spread", 0.0, 1.0, lo_open=True),
        knows_requirements_base=r.probability("knows_requirements_base"),
        knows_requirements_literacy=r.probability("knows_requirements_literacy"),
        missing_doc_literacy_factor=r.number("missing_doc_literacy_factor", 0.0, 1.0),
        max_failed_trips=r.integer("max_failed_trips", 1, 10**9),
        fare_per_km=r.number("fare_per_km", 0.0, 1000.0),
        time_value_per_hour=r.number("time_value_per_hour", 0.0, 10_000.0),
    )
    r.done()
    return spec


def _run(r: Reader) -> RunSpec:
    spec = RunSpec(
        horizon_days=r.number("horizon_days", 0.0, 36_500.0, lo_open=True),
        seed=r.integer("seed", 0, 2**63 - 1),
        start_weekday=r.integer("start_weekday", 0, 6),
        start_month=r.integer("start_month", 1, 12),
        sample_interval_min=r.number("sample_interval_min", 0.0, 525_600.0, lo_open=True),
        runout_days=r.number("runout_days", 0.0, 36_500.0),
        warmup_days=r.number("warmup_days", 0.0, 36_500.0),
    )
    r.flag("allow_large", default=False)  # read by check_budget: force a run beyond the machine
    r.done()
    if spec.warmup_days >= spec.horizon_days:
        raise ScenarioError(r.key("warmup_days"), spec.warmup_days,
                            f"must be less than run.horizon_days ({spec.horizon_days:g})")
    return spec
