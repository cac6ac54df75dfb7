"""What every figure shares: colours, line styles, saving, and fonts for Chinese labels.

Chinese labels need a CJK font. :func:`cjk_font` looks for one among the fonts
matplotlib knows (e.g. WenQuanYi Zen Hei from the Debian package fonts-wqy-zenhei,
Noto Sans CJK); :func:`figure_lang` falls back to English labels when none is found,
so a figure never shows missing-glyph boxes.
"""

from __future__ import annotations

import contextlib
import logging
import re
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

from govsim.kpi_registry import Lang

__all__ = ["CJK_FONTS", "DPI", "LINESTYLES", "MARKERS", "cjk_font", "colour", "figure_lang",
           "fonts_for", "latin_only", "save", "wrap"]

DPI = 110
COLOURS: list[Any] = list(plt.get_cmap("tab10")(range(10)))
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: CJK families tried in order (Linux packages first, then macOS and Windows fonts).
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
             "Source Han Sans CN", "Droid Sans Fallback", "AR PL UMing CN", "PingFang SC",
             "Heiti SC", "Microsoft YaHei", "SimHei")
_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
               "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


@cache
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    for path in _FONT_FILES:  # fonts installed after matplotlib built its cache
        if Path(path).is_file():
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                font_manager.fontManager.addfont(path)
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in known), None)


def figure_lang(lang: Lang) -> Lang:
    """The language figures can be labelled in: Chinese only if a CJK font is installed."""
    return "zh" if lang == "zh" and cjk_font() is not None else "en"


@contextlib.contextmanager
def fonts_for(lang: Lang) -> Iterator[None]:
    """Draw with the CJK font: first for Chinese figures, as a fallback for English ones.

    English labels may hold a Chinese term, e.g. "Done in at most one trip (最多跑一次)";
    matplotlib takes each glyph from the first font in the list that has it.
    """
    font = cjk_font()
    if font is None:
        yield
        return
    order = [font, "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", font]
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)  # WenQuanYi has no "normal" weight: matplotlib says so per text
    try:
        with matplotlib.rc_context({"font.sans-serif": order, "font.family": order,
                                    "axes.unicode_minus": False}):
            yield
    finally:
        log.setLevel(level)


_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"


def latin_only(text: str) -> str:
    """``text`` without Chinese: for labels when no CJK font is installed.

    >>> latin_only("Done in at most one trip (最多跑一次)")
    'Done in at most one trip'
    """
    text = re.sub(f"\\s*[(（][^()（）]*[{_CJK}][^()（）]*[)）]", "", text)
    return re.sub(f"[{_CJK}]+", "", text).strip()


def colour(i: int) -> Any:
    """The i-th scenario colour."""
    return COLOURS[i % len(COLOURS)]


def wrap(text: str, width: int = 45) -> str:
    """Break a long axis label into lines (Chinese text has no spaces: cut by characters)."""
    if " " not in text and len(text) > width // 2:
        step = max(8, width // 2)
        return "\n".join(text[i:i + step] for i in range(0, len(text), step))
    return "\n".join(textwrap.wrap(text, width)) or text


def save(fig: Any, path: Path) -> Path:
    """Write ``fig`` as PNG to ``path`` and close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return path
