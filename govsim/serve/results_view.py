"""The results page as Panel objects, built from a stored experiment in one language."""

from __future__ import annotations

import html
import io
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import panel as pn

from govsim.report.data import StoredExperiment
from govsim.serve import results as res
from govsim.serve.figures import distribution_figure, timeseries_figure
from govsim.serve.i18n import Lang, t

__all__ = ["CSS", "html_pane", "report_file", "results_view"]

CSS = """
.kpi-grid {display: flex; flex-wrap: wrap; gap: 8px;}
.kpi-card {width: 190px; padding: 8px; border-radius: 6px; border: 1px solid #ccc;
           background: #fafafa; font-size: 12px;}
.kpi-card .kpi-label {font-weight: bold; font-size: 13px;}
.kpi-card .kpi-diff {font-size: 18px; margin: 4px 0;}
.kpi-card .kpi-pop {color: #666; font-size: 11px;}
.tone-better {background: #e3f4e1; border-color: #4a9a45;}
.tone-worse {background: #fbe3e1; border-color: #c0453b;}
.tone-clear {background: #e1ecfb; border-color: #4a72b0;}
.finding {margin: 2px 0;}
.field-error {color: #b00020; font-size: 12px;}
table.table {border-collapse: collapse; font-size: 12px;}
table.table th, table.table td {padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right;}
"""


def html_pane(text: str, classes: list[str] | None = None, **kw: Any) -> pn.pane.HTML:
    """An HTML pane that carries the workbench's style sheet (each pane has its own shadow root)."""
    return pn.pane.HTML(text, stylesheets=[CSS], css_classes=classes or [], **kw)


def _card_html(c: res.Card, lang: Lang) -> str:
    e = html.escape
    sign = "+" if c.diff > 0 else ""
    return (f"<div class='kpi-card tone-{c.tone}' data-kpi='{e(c.kpi)}'>"
            f"<div class='kpi-label'>{e(c.label)}</div>"
            f"<div class='kpi-diff'>{sign}{e(res.num(c.diff))} {e(c.diff_unit)}</div>"
            f"<div>95%: {e(res.num(c.low))} … {e(res.num(c.high))}</div>"
            f"<div>{e(res.num(c.base))} → {e(res.num(c.value))} {e(c.value_unit)}</div>"
            f"<div class='kpi-pop'>{e(c.population)}</div></div>")


def _cards(exp: StoredExperiment, lang: Lang) -> pn.viewable.Viewable:
    parts = [f"<h3>{html.escape(t('cards', lang))}</h3>",
             f"<p>{html.escape(t('cards_note', lang))}</p>"]
    by_option: dict[str, list[res.Card]] = {}
    for c in res.cards(exp, lang):
        by_option.setdefault(c.option, []).append(c)
    for option, cs in by_option.items():
        parts.append(f"<h4>{html.escape(t('option', lang))}: {html.escape(option)}</h4>")
        parts.append("<div class='kpi-grid'>" + "".join(_card_html(c, lang) for c in cs) + "</div>")
    return html_pane("".join(parts), ["cards"], sizing_mode="stretch_width")


def _findings(exp: StoredExperiment, lang: Lang) -> pn.viewable.Viewable:
    items = "".join(f"<li class='finding'>{html.escape(s)}</li>" for s in res.findings(exp, lang))
    return html_pane(f"<h3>{html.escape(t('findings', lang))}</h3><ul>{items}</ul>", ["findings"],
                     sizing_mode="stretch_width")


def _table(frame: pd.DataFrame, index: bool = True) -> pn.viewable.Viewable:
    return html_pane(frame.to_html(classes="table", border=0, escape=True, na_rep="n/a", index=index),
                     sizing_mode="stretch_width")


def _left_behind(exp: StoredExperiment, lang: Lang) -> list[Any]:
    out: list[Any] = [pn.pane.Markdown(f"### {t('left_behind', lang)}")]
    gaps = res.gap_kpis(exp)
    if gaps:
        out.append(pn.pane.Markdown(f"**{t('gaps', lang)}**"))
        out.append(html_pane("<div class='kpi-grid'>" + "".join(
            _card_html(c, lang) for c in res.cards(exp, lang, gaps)) + "</div>",
            sizing_mode="stretch_width"))
    for column, key in (("age_band", "unmet_band"), ("item", "unmet_item")):
        table = res.unmet_by(exp, column, lang)
        if not table.empty:
            out += [pn.pane.Markdown(f"**{t(key, lang)}**"), _table(table)]
    by_distance = res.unmet_by_distance(exp, lang)
    if by_distance.empty:
        out.append(pn.pane.Markdown(t("no_distance", lang)))
    else:
        out += [pn.pane.Markdown(f"**{t('unmet_distance', lang)}**"), _table(by_distance)]
    return out


def _cost(exp: StoredExperiment, lang: Lang) -> list[Any]:
    table = res.cost_rows(exp, lang)
    if table.empty:
        return []
    return [pn.pane.Markdown(f"### {t('cost_benefit', lang)}"), _table(table, index=False),
            pn.pane.Markdown(t("cost_note", lang))]


#: PNG bytes by (experiment directory, its manifest's mtime, figure, language): every tab
#: and every switch of language shows the same figures without drawing them again.
_PNG: dict[tuple[str, float, str, str], bytes | None] = {}


def _png(exp: StoredExperiment, kind: str, lang: Lang) -> bytes | None:
    manifest = exp.out_dir / "manifest.json"
    key = (str(exp.out_dir), manifest.stat().st_mtime if manifest.is_file() else 0.0, kind, lang)
    if key not in _PNG:
        fig = distribution_figure(exp, lang) if kind == "dist" else timeseries_figure(exp, lang)
        if fig is None:
            _PNG[key] = None
        else:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=90)
            plt.close(fig)
            _PNG[key] = buf.getvalue()
    return _PNG[key]


def _figures(exp: StoredExperiment, lang: Lang) -> list[Any]:
    out: list[Any] = [pn.pane.Markdown(f"### {t('figures', lang)}")]
    for kind in ("dist", "ts"):
        png = _png(exp, kind, lang)
        if png is not None:
            out.append(pn.pane.PNG(png, sizing_mode="scale_width", max_width=1000,
                                   css_classes=["figure"]))
    return out


def _all_kpis(exp: StoredExperiment, lang: Lang) -> pn.viewable.Viewable:
    cols = ["kpi", "scenario", "mean", "ci_low", "ci_high", "diff_mean", "diff_ci_low", "diff_ci_high"]
    table = exp.comparison[[c for c in cols if c in exp.comparison]].copy()
    table.insert(1, "label", [res.display(str(k), lang).label for k in table["kpi"]])
    for c in cols[2:]:
        if c in table:
            table[c] = table[c].map(lambda x: res.num(float(x)))
    return pn.Card(_table(table, index=False), title=t("all_kpis", lang), collapsed=True,
                   sizing_mode="stretch_width")


def results_view(exp: StoredExperiment, lang: Lang) -> list[Any]:
    """The results section's objects: findings, cards, who is left behind, costs, figures."""
    title = f"## {t('results', lang)}: {t('title', lang) if exp.name == 'workbench' else exp.name}"
    question = t("question", lang) if exp.name == "workbench" else exp.question
    return [pn.pane.Markdown(f"{title}\n\n{question}"), _findings(exp, lang), _cards(exp, lang),
            *_left_behind(exp, lang), *_cost(exp, lang), *_figures(exp, lang), _all_kpis(exp, lang)]


def report_file(exp: StoredExperiment) -> io.BytesIO:
    """The stored experiment's self-contained ``report.html``, built on first request."""
    from govsim.report import build_report

    path = exp.out_dir / "report.html"
    if not path.is_file():
        path = build_report(exp.out_dir)
    return io.BytesIO(path.read_bytes())
