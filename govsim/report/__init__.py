"""Figures and self-contained HTML reports built from stored experiment results.

- :func:`build_report` (``<out>/report.html``, ``<out>/report.zh.html`` in Chinese, and
  ``<out>/figures/*.png``; KPI names, units and populations from the KPI registry),
- :func:`build_index` (``<results>/index.html`` and ``index.zh.html`` linking every report),
- :func:`govsim.report.artefacts.artefact_problems` (machine paths or dirty manifests),
- figure functions in :mod:`govsim.report.figures` (e.g. :func:`ranking_figure`).

Command line: ``python -m govsim.report DIR [DIR ...] [--index RESULTS_DIR]``.
"""

from govsim.report.figures import (
    DEFAULT_FIGURES,
    FIGURE_KINDS,
    build_figures,
    distribution_figure,
    means_figure,
    ranking_figure,
    scatter_figure,
    timeseries_figure,
)
from govsim.report.findings import select_findings
from govsim.report.html import build_report
from govsim.report.index import build_index

__all__ = [
    "DEFAULT_FIGURES",
    "FIGURE_KINDS",
    "build_figures",
    "build_index",
    "build_report",
    "distribution_figure",
    "means_figure",
    "ranking_figure",
    "scatter_figure",
    "select_findings",
    "timeseries_figure",
]
