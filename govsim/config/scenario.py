"""The validated, immutable description of one scenario (data only, no behaviour).

A :class:`Scenario` is produced by :func:`govsim.config.validate.build_scenario`
from the composed Hydra configuration. The model reads it; nothing mutates it.
No field has a default: every value comes from the YAML in ``configs/``, the
only place a default is written (tests/test_config_defaults.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "LEVELS",
    "AgeBandSpec",
    "BehaviourSpec",
    "CalendarSpec",
    "ChannelSpec",
    "ChoiceSpec",
    "CostSpec",
    "DepartmentSpec",
    "DocumentSpec",
    "GovernanceSpec",
    "InterventionSpec",
    "ItemSpec",
    "PlatformSpec",
    "PopulationSpec",
    "ProactiveSpec",
    "RunSpec",
    "SatisfactionSpec",
    "Scenario",
    "SecuritySpec",
    "StepSpec",
    "VillageSpec",
]

Level = Literal["village", "township", "county"]
LEVELS: tuple[Level, ...] = ("village", "township", "county")


@dataclass(frozen=True, slots=True)
class AgeBandSpec:
    """An adult age band: its share of adults, digital literacy and devices."""

    name: str
    share: float
    literacy_mean: float
    smartphone: float
    elderly: bool
    knowledge_mean: float   # administrative knowledge (knowing the requirements), mean 0..1


@dataclass(frozen=True, slots=True)
class VillageSpec:
    """One village read from a roster file (generated villages are built at run time)."""

    village_id: str
    township: str
    residents: int
    distance_km: float
    travel_min: float
    county_travel_min: float
    coverage: float


@dataclass(frozen=True, slots=True)
class PopulationSpec:
    """Geography and residents of the county."""

    townships: int
    villages_min: int
    villages_max: int
    residents_per_township: int
    adult_share: float
    household_size: float
    distance_km_min: float
    distance_km_max: float
    travel_fixed_min: float
    travel_min_per_km: float
    county_travel_min_min: float
    county_travel_min_max: float
    county_kmh: float             # average speed on the township-county road, for fares
    coverage_min: float
    coverage_max: float
    literacy_concentration: float
    knowledge_correlation: float   # correlation of administrative knowledge with digital literacy
    bands: tuple[AgeBandSpec, ...]
    villages: tuple[VillageSpec, ...] | None   # a roster, or None: villages are generated


@dataclass(frozen=True, slots=True)
class StepSpec:
    """One workflow step of a service item, done by one department."""

    dept: str
    counter_min: float
    backoffice_min: float
    review_days: float
    notice_days: float
    parallel: bool
    online_review_min: float   # back-office minutes to review an online or proxy submission


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """A service item (事项): demand, eligibility, documents and workflow."""

    key: str
    name_en: str
    name_zh: str
    rate_per_year: float
    unit: Literal["person", "household"]
    age_bands: tuple[str, ...]
    eligible_share: float
    total_per_hour: float | None
    season: tuple[float, ...]
    documents: tuple[str, ...]
    missing_doc_prob: float
    online: bool
    in_person_step: bool
    pickup: bool
    proactive: bool
    steps: tuple[StepSpec, ...]
    # measurement: the promised days (承诺时限) satisfaction compares turnaround with (None: no
    # promise), and whether needs are a once-a-year obligation or event-driven (Poisson)
    promised_days: float | None
    schedule: Literal["poisson", "annual"]
    unmet_value: float     # yuan lost to the villager when a need is not met: assumption


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A document an item requires, and who holds it (a department or the villager)."""

    key: str
    holder: str


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    """A department at one level: its counter windows and back-office staff."""

    key: str
    name_en: str
    name_zh: str
    level: Level
    windows: int
    backoffice_staff: int


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """Office opening: minutes after midnight and working days per week (Mon first)."""

    open_min: float
    close_min: float
    workdays_per_week: int

    @property
    def always_open(self) -> bool:
        """True when offices never close (the M/M/c validation preset)."""
        return self.open_min <= 0 and self.close_min >= 1440 and self.workdays_per_week == 7


@dataclass(frozen=True, slots=True)
class GovernanceSpec:
    """Front office, data sharing and hand-offs (the governance knobs)."""

    front_office: Literal["per_department", "one_window"]
    share_level: float
    shared_documents: tuple[str, ...]
    exchange_latency_min: float
    exchange_fail_prob: float
    handoff: Literal["paper", "electronic"]
    paper_handoff_days: float
    courier_interval_days: int
    electronic_handoff_min: float
    electronic_delivery: bool
    certificate_min: float
    reject_min: float
    pickup_min: float
    remote_identity: bool  # online applications need no in-person identity step
    cross_training_factor: float  # a pooled clerk's time on another department's work, relative to its own


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    """Multinomial logit of channel choice, and how experience moves it (see decisions.channel)."""

    beta_time_per_hour: float
    beta_cost_per_yuan: float
    beta_effort: float
    online_intercept: tuple[float, ...]     # by age band (population.bands order)
    assisted_intercept: tuple[float, ...]   # by age band
    learn_success: float
    learn_failure: float
    propensity_min: float
    propensity_max: float
    wait_prior_min: float    # expected queueing minutes per counter visit before any wait is seen
    wait_smoothing: float    # weight of each observed wait in an office's smoothed wait (0: never updated)


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """Channels offered to villagers: counters, online self-service, assisted (proxy agents)."""

    counters_open: bool   # false: no applications at counters for items available online
    online: bool
    assisted: bool
    fallback: tuple[str, ...]
    online_retries: int
    retry_delay_hours: float
    waking_start_min: float
    waking_end_min: float
    attempt_min: float
    literacy_min: float
    connection_fail_factor: float
    giveup_base: float
    giveup_literacy: float
    identity_min: float
    proxies_per_village: int
    proxy_mode: Literal["online", "paper"]
    proxy_literacy: float
    proxy_task_min: float
    proxy_batch_days: int
    assisted_hours: float   # a villager's hours to hand a case to the village proxy (channel choice)
    closed_counter_staff: Literal["redeployed", "cut"]   # counters_open false: what happens to the clerks
    choice: ChoiceSpec


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """The online platform(s): number of apps, outages, usability and capacity."""

    apps: int
    assignment: Literal["round_robin", "department"]
    mtbf_hours: float
    mttr_hours: float
    complexity: float
    app_setup_min: float
    app_not_found_prob: float
    capacity_per_hour: float
    two_way: bool  # complaints and requests (诉求) online too; false: in person only
    complaint_target_days: float  # response-time target for complaints and requests
    hotline_share: float  # share of complaints made by telephone hotline when two_way
    app_of: tuple[tuple[str, str], ...]  # (item key, app name): explicit map; others by assignment
    complaint_item: str | None  # the catalogue key of complaints and requests (诉求), or None


@dataclass(frozen=True, slots=True)
class SecuritySpec:
    """Data holders' breach rates, security investment and stability (see govsim.model.security)."""

    level: str
    department_breaches_per_year: float
    exchange_breaches_per_year: float
    platform_breaches_per_year: float
    investment_per_holder_year: float
    application_loss_prob: float
    resubmit_delay_days: float


@dataclass(frozen=True, slots=True)
class ProactiveSpec:
    """Proactive granting (免申即享), automated checks and their errors, awareness (take-up)."""

    enabled: bool
    automated_checks: bool
    false_negative: float
    false_positive: float
    appeal_delay_days: float
    appeal_review_days: float
    wrong_grant_cost: float
    confirm_prob: float
    confirm_days: float
    awareness_base: float
    awareness_literacy: float
    awareness_elderly: float


@dataclass(frozen=True, slots=True)
class InterventionSpec:
    """Switchable, costed interventions."""

    training_bands: tuple[str, ...]
    training_share: float
    training_literacy_gain: float
    training_literacy_cap: float   # training lifts digital literacy to at most this
    training_cost_per_trainee: float
    coverage_min: float
    infrastructure_cost_per_village: float
    unify_apps: bool
    unify_cost: float
    staff_to_backoffice: int
    service_guide: bool            # a checklist and help desk at every village committee
    service_guide_gain: float      # administrative knowledge it adds to every villager (capped at 1)


@dataclass(frozen=True, slots=True)
class CostSpec:
    """Unit costs for government cost (yuan)."""

    staff_per_year: float
    platform_per_app_year: float
    online_per_transaction: float
    counter_per_visit: float
    proxy_per_task: float
    proxy_stipend_per_year: float


@dataclass(frozen=True, slots=True)
class BehaviourSpec:
    """How villagers act on a need at the counter (offline behaviour)."""

    reaction_days_max: float
    arrival_spread: float
    knows_requirements_base: float
    knows_requirements_literacy: float
    missing_doc_literacy_factor: float
    max_failed_trips: int
    fare_per_km: float
    time_value_per_hour: float


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Horizon, seed and sampling of one run."""

    horizon_days: float
    seed: int
    start_weekday: int
    start_month: int
    sample_interval_min: float
    runout_days: float     # after the horizon: no new needs, run until all ended or this cap
    warmup_days: float     # needs in the first warmup_days are simulated but left out of the KPIs


@dataclass(frozen=True, slots=True)
class SatisfactionSpec:
    """The rule of the per-request satisfaction indicator (assumptions; see govsim.satisfaction)."""

    max_trips: int                # more trips than this: dissatisfied
    max_wait_min: float        # more minutes queuing than this: dissatisfied
    late_factor: float          # turnaround from application > promised_days x this: dissatisfied
    fallback_dissatisfies: bool   # a failed online session that forced another channel


@dataclass(frozen=True, slots=True)
class Scenario:
    """A complete, validated scenario. Build with :func:`govsim.load_scenario`."""

    name: str
    population: PopulationSpec
    items: tuple[ItemSpec, ...]
    documents: tuple[DocumentSpec, ...]
    departments: tuple[DepartmentSpec, ...]
    calendar: CalendarSpec
    governance: GovernanceSpec
    channels: ChannelSpec
    behaviour: BehaviourSpec
    run: RunSpec
    platform: PlatformSpec
    interventions: InterventionSpec
    costs: CostSpec
    security: SecuritySpec
    proactive: ProactiveSpec
    satisfaction: SatisfactionSpec

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able dict of every value (for hashing and manifests)."""
        return dataclasses.asdict(self)

    def item(self, key: str) -> ItemSpec:
        """The item with this key."""
        return next(i for i in self.items if i.key == key)

    def department(self, key: str) -> DepartmentSpec:
        """The department with this key."""
        return next(d for d in self.departments if d.key == key)
