"""Eligibility rules (pure functions, no SimPy): awareness, automated checks, proactive granting.

* **Awareness (take-up).** An eligible villager's need for a benefit item
  (``proactive: true`` in the catalogue) turns into an application with
  probability ``clip(base + literacy_coef * literacy - elderly_penalty * elderly, 0, 1)``.
* **Proactive granting (免申即享).** An item can be granted without an
  application when proactive granting is on, the item is marked proactive,
  data sharing is switched on (some document type is on the exchange) and no
  document of the item must be fetched as a certificate.
* **Automated checks.** Where eligibility is checked automatically from shared
  data, an eligible case is wrongly denied with the false-negative rate; an
  ineligible unit scanned is wrongly granted with the false-positive rate.
"""

from __future__ import annotations

import numpy as np

from govsim.config.scenario import DocumentSpec, ItemSpec, ProactiveSpec
from govsim.decisions.documents import route_documents

__all__ = ["auto_checked", "awareness", "grantable", "wrongly_denied"]


def awareness(p: ProactiveSpec, literacy: np.ndarray, elderly: np.ndarray) -> np.ndarray:
    """Per villager: probability that a benefit need becomes an application."""
    x = p.awareness_base + p.awareness_literacy * literacy - p.awareness_elderly * elderly.astype(float)
    return np.clip(x, 0.0, 1.0)


def grantable(p: ProactiveSpec, item: ItemSpec, documents: tuple[DocumentSpec, ...],
              on_exchange: frozenset[str]) -> bool:
    """Whether the system can grant ``item`` proactively from shared data."""
    if not (p.enabled and item.proactive and on_exchange):
        return False
    return not route_documents(item, documents, on_exchange).certificate


def auto_checked(p: ProactiveSpec, item: ItemSpec, documents: tuple[DocumentSpec, ...],
                 on_exchange: frozenset[str]) -> bool:
    """Whether an application of ``item`` is checked automatically from shared data."""
    return p.automated_checks and bool(route_documents(item, documents, on_exchange).exchange)


def wrongly_denied(u: float, false_negative: float) -> bool:
    """An eligible case denied by the automated check (``u`` a uniform draw)."""
    return u < false_negative
