"""The government's choices: governance, security, proactive service, interventions, costs.

Part of :func:`govsim.config.validate.build_scenario`: each reader takes the
section's :class:`~govsim.config.reader.Reader` and returns its frozen spec, raising
:class:`~govsim.errors.ScenarioError` (one line naming the key) for a bad value.
"""

from __future__ import annotations

from typing import Any, cast

from govsim.config.reader import Reader
from govsim.config.scenario import (
    CostSpec,
    GovernanceSpec,
    InterventionSpec,
    ProactiveSpec,
    SecuritySpec,
)
from govsim.errors import ScenarioError

__all__ = ["read_costs", "read_governance", "read_interventions", "read_proactive", "read_security"]


def read_governance(r: Reader, doc_keys: set[str]) -> GovernanceSpec:
    """``governance``: front office, data sharing, exchange and hand-offs between offices."""
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


def read_security(r: Reader) -> SecuritySpec:
    """``security``: breach rates (departments, exchange, platform), investment, lost applications."""
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


def read_proactive(r: Reader) -> ProactiveSpec:
    """``proactive``: granting without an application, its checks, appeals and awareness."""
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


def read_interventions(r: Reader, band_names: set[str]) -> InterventionSpec:
    """``interventions``: training, coverage, unified apps, staff moves, service guide."""
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


def read_costs(r: Reader) -> CostSpec:
    """``costs``: staff, platform, per-transaction and proxy costs, in yuan (all >= 0)."""
    spec = CostSpec(**{k: r.number(k, 0.0, 1e12) for k in (
        "staff_per_year", "platform_per_app_year", "online_per_transaction", "counter_per_visit",
        "proxy_per_task", "proxy_stipend_per_year")})
    r.done()
    return spec
