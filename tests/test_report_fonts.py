"""Chinese figure labels use a CJK font when one is installed, and English labels otherwise."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager

from govsim.report import figures, style
from govsim.report.figures import kpi_axis, means_figure

COMPARISON = pd.DataFrame({
    "kpi": ["at_most_one_trip_share"] * 2 + ["take_up_rate"] * 2, "scenario": ["a", "b"] * 2,
    "n": 3, "mean": [0.5, 0.6, 0.4, 0.9], "ci_low": [0.45, 0.55, 0.35, 0.85],
    "ci_high": [0.55, 0.65, 0.45, 0.95]})


def _no_missing_glyphs(path: Path, lang: str) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Glyph .* missing")
        assert means_figure(COMPARISON, path, baseline="a", lang=lang) == path  # type: ignore[arg-type]


def test_the_cjk_font_draws_chinese_labels(tmp_path: Path) -> None:
    font = style.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-wqy-zenhei)")
    assert style.figure_lang("zh") == "zh"
    expected = font_manager.findfont(font_manager.FontProperties(family=font))
    with style.fonts_for("zh"):
        fig, ax = plt.subplots()
        title = ax.set_title("福利领取率")
        used = font_manager.findfont(font_manager.FontProperties(
            family=matplotlib.rcParams["font.family"]))
        assert title.get_fontfamily()[0] in (font, "sans-serif")
        plt.close(fig)
    assert used == expected
    assert kpi_axis("take_up_rate", "zh")[0] == "福利领取率"
    _no_missing_glyphs(tmp_path / "zh.png", "zh")
    _no_missing_glyphs(tmp_path / "en.png", "en")  # "最多跑一次" in an English label


def test_without_a_cjk_font_figures_fall_back_to_english(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    monkeypatch.setattr(figures, "cjk_font", lambda: None)
    assert style.figure_lang("zh") == "en"
    label, axis, scale = kpi_axis("at_most_one_trip_share")
    assert label == "Done in at most one trip" and scale == 100.0
    assert axis == "%; completed applications"
    _no_missing_glyphs(tmp_path / "zh.png", "zh")
