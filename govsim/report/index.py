"""An index page over many stored experiments: ``<results_dir>/index.html`` and ``index.zh.html``.

Links every ``*/report.html`` (one or two levels down) with its question, headline
finding (recomputed from the stored numbers: the spec's headline, else the largest
standardised effect) and headline figure as an embedded thumbnail. The page names
reports by relative links only, never by the folder it was built in.
"""

from __future__ import annotations

import html
import io
import json
import time
from pathlib import Path
from typing import Any

from govsim.kpi_registry import Lang
from govsim.report.data import load_experiment
from govsim.report.html import CSS, REPORT_FILES, data_uri, findings_of

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
    name = side.get("name") or out.name
    question = {"en": side.get("question", ""), "zh": side.get("question_zh") or side.get("question", "")}
    headline = {"en": (side.get("plain") or side.get("findings") or [""])[0],
                "zh": (side.get("plain_zh") or side.get("findings_zh") or [""])[0]}
    try:
        exp = load_experiment(out)
        name, question = exp.name, {"en": exp.question, "zh": exp.question_in("zh")}
        found = findings_of(exp)
        if found:
            f = found[0]
            headline = {"en": f.plain if f.plain == f.text else f"{f.plain} ({f.text})",
                        "zh": f.plain_zh if f.plain_zh == f.text_zh
                        else f"{f.plain_zh}({f.text_zh})"}
    except (FileNotFoundError, ValueError, KeyError):
        pass
    figs = side.get("figures") or []
    png = out / figs[0]["path"] if figs else next(iter(sorted(out.glob("figures/*.png"))), None)
    return {"report": report, "name": name, "question": question, "headline": headline,
            "figure": png if png is not None and png.is_file() else None}


_WORDS = {"en": ("govsim results", "{n} experiment reports; index built {t}.", "Headline",
                 "(no finding)", "中文版", "index.zh.html"),
          "zh": ("govsim 实验结果", "共{n}份实验报告;索引生成于{t}。", "主要结论",
                 "(无结论)", "English", "index.html")}


def _page(root: Path, entries: list[dict[str, Any]], lang: Lang) -> str:
    title, meta, head, none, other, other_file = _WORDS[lang]
    cards = []
    for e in entries:
        rel = e["report"].relative_to(root).parent.as_posix() + "/" + REPORT_FILES[lang]
        img = (f"<a href='{html.escape(rel)}'><img class='thumb' src='{_thumbnail(e['figure'])}'"
               f" alt='{html.escape(e['name'])}'></a>" if e["figure"] else "")
        cards.append(
            f"<div class='card'><h2><a href='{html.escape(rel)}'>{html.escape(e['name'])}</a>"
            f"</h2><p class='question'>{html.escape(e['question'][lang] or '')}</p>"
            f"<p><b>{head}:</b> {html.escape(e['headline'][lang] or none)}</p>{img}</div>")
    stamp = time.strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8"><title>{title}</title>
<style>{CSS}.card{{border:1px solid #ddd;padding:.4em 1em 1em;margin:1em 0}}
.card h2{{border:0;margin-top:.4em}}.thumb{{width:{THUMB_WIDTH}px;max-width:100%;
border:1px solid #ddd}}</style></head><body>
<a class="lang" href="{other_file}">{other}</a>
<h1>{title}</h1>
<p class="meta">{html.escape(meta.format(n=len(entries), t=stamp))}</p>
{''.join(cards) or '<p>(no report.html found)</p>'}
</body></html>
"""


def build_index(results_dir: str | Path) -> Path:
    """Write ``index.html`` and ``index.zh.html`` in ``results_dir``; return the first's path."""
    root = Path(results_dir).resolve()
    entries = [_entry(r) for r in find_reports(root)]
    for lang, name in (("en", "index.html"), ("zh", "index.zh.html")):
        (root / name).write_text(_page(root, entries, lang), encoding="utf-8")  # type: ignore[arg-type]
    return root / "index.html"
