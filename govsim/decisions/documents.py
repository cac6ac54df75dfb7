"""Document rules (pure functions, no SimPy): which documents travel how.

A document held by the villager is brought in person. A document held by a
department that takes part in the item's workflow is checked internally. Any
other department-held document is either verified through the data exchange
(if its type is on the exchange) or fetched by the villager as a certificate
from the holding department's window.
"""

from __future__ import annotations

from dataclasses import dataclass

from govsim.config.scenario import DocumentSpec, GovernanceSpec, ItemSpec

__all__ = ["DocumentRoutes", "exchange_documents", "route_documents"]


@dataclass(frozen=True)
class DocumentRoutes:
    """How each document of an item is provided."""

    personal: tuple[str, ...]                   # brought by the villager
    internal: tuple[str, ...]                   # held by a department in the workflow
    exchange: tuple[tuple[str, str], ...]       # (document, holder) verified on the exchange
    certificate: tuple[tuple[str, str], ...]    # (document, holder) fetched as a certificate


def exchange_documents(gov: GovernanceSpec, documents: tuple[DocumentSpec, ...]) -> frozenset[str]:
    """Document types on the data exchange.

    An explicit ``shared_documents`` list wins; otherwise the first
    ``round(share_level * n)`` department-held document types, in catalogue
    order, are on it.
    """
    if gov.shared_documents:
        return frozenset(gov.shared_documents)
    held = [d.key for d in documents if d.holder != "villager"]
    return frozenset(held[: round(gov.share_level * len(held))])


def route_documents(item: ItemSpec, documents: tuple[DocumentSpec, ...],
                    on_exchange: frozenset[str]) -> DocumentRoutes:
    """Split an item's required documents by how they are provided."""
    holder = {d.key: d.holder for d in documents}
    workflow = {s.dept for s in item.steps}
    personal, internal, exchange, certificate = [], [], [], []
    for doc in item.documents:
        h = holder[doc]
        if h == "villager":
            personal.append(doc)
        elif h in workflow:
            internal.append(doc)
        elif doc in on_exchange:
            exchange.append((doc, h))
        else:
            certificate.append((doc, h))
    return DocumentRoutes(tuple(personal), tuple(internal), tuple(exchange), tuple(certificate))
