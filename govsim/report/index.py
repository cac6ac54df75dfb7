"""An index page over many stored experiments: ``<results_dir>/index.html``.

Links every ``*/report.html`` (one or two levels down) with its question, headline
finding (recomputed from the stored numbers) and headline figure as an embedded thumbnail.
"""

from __future__ import annotations

import html
import io
import json
import time
from pathlib import Path
from typing import Any

from govsim.report.data import load_experiment
from govsim.report.findings import select_findings
from govsim.report.html import CSS, data_uri

__all__ = ["build_index", "find_reports"]

THUMB_WIDTH = 420


def find_reports(results_dir: str | Path) -> list[Path]:
    """Every ``report.html`` below ``results_dir`` (not the index itself), sorted."""
    root = Path(results_dir)
    found = {p.resolve() for pattern in ("*/report.html", "*/*/report.html")
             for p in root.glob(pattern)}
    return sorted(found)


def _thumbnail(png: Path) -> str:
    """A downscaled copy of ``png`` as a data URI (the original if Pillow is missing)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return data_uri(png)
    with Image.open(png) as im:
        im.thumbnail((THUMB_WIDTH * 2, THUMB_WIDTH * 2))
        buf = io.BytesIO()
        im.save(buf, format="PNG", optimize=True)
    return data_uri(buf.getvalue())


def _entry(report: Path) -> dict[str, Any]:
    out = report.parent
    side: dict[str, Any] = {}
    if (out / "report.json").is_file():
        side = json.loads((out / "report.json").read_text(encoding="utf-8"))
    name, question, headline = side.get("name") or out.name, side.get("question", ""), ""
    try:
        exp = load_experiment(out)
        name, question = exp.name, exp.question
        found = select_findings(exp.comparison, exp.baseline, exp.spec.get("findings"),
                                exp.kpis)
        headline = found[0].text if found else ""
    except (FileNotFoundError, ValueError, KeyError):
        headline = (side.get("findings") or [""])[0]
    figs = side.get("figures") or []
    png = out / figs[0]["path"] if figs else next(iter(sorted(out.glob("figures/*.png"))), None)
    return {"report": report, "name": name, "question": question, "headline": headline,
            "figure": png if png is not None and png.is_file() else None}


def build_index(results_dir: str | Path) -> Path:
    """Write ``<results_dir>/index.html`` linking every report below it; return its path."""
    root = Path(results_dir).resolve()
    entries = [_entry(r) for r in find_reports(root)]
    cards = []
    for e in entries:
        rel = e["report"].relative_to(root).as_posix()
        img = (f"<a href='{html.escape(rel)}'><img class='thumb' src='{_thumbnail(e['figure'])}'"
               f" alt='headline figure of {html.escape(e['name'])}'></a>" if e["figure"] else "")
        cards.append(
            f"<div class='card'><h2><a href='{html.escape(rel)}'>{html.escape(e['name'])}</a>"
            f"</h2><p class='question'>{html.escape(e['question'] or '')}</p>"
            f"<p><b>Headline:</b> {html.escape(e['headline'] or '(no finding)')}</p>{img}</div>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>govsim results</title>
<style>{CSS}.card{{border:1px solid #ddd;padding:.4em 1em 1em;margin:1em 0}}
.card h2{{border:0;margin-top:.4em}}.thumb{{width:{THUMB_WIDTH}px;max-width:100%;
border:1px solid #ddd}}</style></head><body>
<h1>govsim results</h1>
<p class="meta">{len(entries)} experiment reports under {html.escape(str(root))};
index built {html.escape(time.strftime('%Y-%m-%d %H:%M'))}.</p>
{''.join(cards) or '<p>(no report.html found)</p>'}
</body></html>
"""
    path = root / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
