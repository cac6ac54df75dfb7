"""The figures and HTML report layer, on a tiny stored example_pairs experiment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from govsim.kpi_registry import KPIS

sys.path.insert(0, str(Path(__file__).parent))
from test_experiment_fakes import fake_load, fake_simulate, fake_spec

from govsim.errors import ScenarioError
from govsim.experiment import cli as exp_cli
from govsim.experiment import load_spec, run_experiment
from govsim.report import build_index, build_report, ranking_figure
from govsim.report.__main__ import main as report_main
from govsim.report.data import load_experiment
from govsim.report.findings import select_findings

IMG = "<img src='data:image/png;base64,"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """example_pairs at smoke size, 10 days: a real stored experiment (a few seconds)."""
    out = tmp_path_factory.mktemp("exp") / "example_pairs"
    run_experiment("example_pairs", out_dir=out, size="smoke", progress=False,
                   base_overrides=["run.horizon_days=10"])
    return out


def _copy(stored: Path, dest: Path) -> Path:
    shutil.copytree(stored, dest, ignore=shutil.ignore_patterns("report.*", "figures"))
    return dest


def _findings(page: str) -> list[str]:
    block = page.split("<ul class='findings'>", 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li[^>]*>(.*?)</li>", block)


def test_report_has_question_findings_table_and_figures(stored: Path, tmp_path: Path) -> None:
    out = _copy(stored, tmp_path / "e")
    path = build_report(out)
    page = path.read_text(encoding="utf-8")
    exp = load_experiment(out)
    assert exp.question and exp.question in page
    found = _findings(page)
    assert 3 <= len(found) <= 5
    assert any(f.startswith("shared_data vs siloed — Trips per application: ") for f in found)
    # the page opens with plain sentences of what changed, KPIs under their human names
    lead = page.split("<div class=\"lead\">", 1)[1].split("</div>", 1)[0]
    assert 3 <= lead.count("<p>") <= 5 and "Under shared_data, " in lead
    assert "<td>Trips per application</td>" in page and "<code>trips_mean</code>" in page
    assert str(out) not in page and "/tmp/" not in page  # no machine path
    assert "<h2>Comparison with the baseline</h2>" in page and "<table>" in page
    figs = sorted((out / "figures").glob("*.png"))
    assert {p.name for p in figs} == {f"{k}{s}" for k in ("means", "distributions", "timeseries")
                                      for s in (".png", ".zh.png")}
    assert page.count(IMG) == 3
    # self-contained: no external resources
    assert not re.search(r"(src|href)=['\"]https?:", page)
    # service items in Chinese and English, KPI definitions, provenance
    assert "养老金资格认证" in page and "Pension eligibility re-certification" in page
    assert "最多跑一次" in page  # at_most_one_trip_share's definition
    assert exp.manifest["git"]["commit"][:12] in page
    assert str(exp.manifest["seeds"]["siloed"][0]) in page


def test_findings_are_computed_from_the_stored_numbers(stored: Path, tmp_path: Path) -> None:
    out = _copy(stored, tmp_path / "e")
    before = _findings(build_report(out, figures=["means"]).read_text(encoding="utf-8"))
    summary = pd.read_parquet(out / "summary.parquet")
    hit = (summary["scenario"] == "shared_data") & (summary["kpi"] == "trips_mean")
    summary.loc[hit, "value"] += 0.5  # shared_data now makes more trips than siloed
    summary.to_parquet(out / "summary.parquet", index=False)
    after = _findings(build_report(out, figures=["means"]).read_text(encoding="utf-8"))
    trips_before = next(f for f in before if "Trips per application" in f)
    trips_after = next(f for f in after if "Trips per application" in f)
    assert trips_before != trips_after
    assert "trips more (95% CI" in trips_after


def test_findings_follow_hints() -> None:
    comp = pd.DataFrame({
        "kpi": ["a_rate", "a_rate", "b", "b"], "scenario": ["x", "y", "x", "y"],
        "baseline": "x", "n": 5, "diff_mean": [None, 0.1, None, -2.0],
        "diff_ci_low": [None, 0.05, None, -3.0], "diff_ci_high": [None, 0.15, None, -1.0],
        "rel_change": [None, 0.2, None, -0.5], "p_holm": [None, 0.01, None, 0.02]})
    default = select_findings(comp, "x")
    assert sorted(f.kpi for f in default) == ["a_rate", "b"]
    # KPIs the registry does not know (an older store) keep their identifier and scale 1
    assert "y vs x — a_rate: 0.10 higher (95% CI 0.05 to 0.15)" in default[1].text + \
        default[0].text
    pinned = select_findings(comp, "x", {"kpis": ["y:b"], "max": 1}, headline="y:b")
    assert [f.kpi for f in pinned] == ["b"] and "b: 2.0 lower" in pinned[0].text


def test_index_links_every_report(stored: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    for name in ("one", "two"):
        build_report(_copy(stored, results / name), figures=["means"])
    (results / "notes").mkdir()
    path = build_index(results)
    page = path.read_text(encoding="utf-8")
    assert "href='one/report.html'" in page and "href='two/report.html'" in page
    assert page.count("src='data:image/png;base64,") == 2
    assert "Headline:</b> Under shared_data, " in page
    assert str(results) not in page
    zh = (results / "index.zh.html").read_text(encoding="utf-8")
    assert "href='one/report.zh.html'" in zh and "主要结论" in zh


def test_module_command_rebuilds_reports_and_index(stored: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = _copy(stored, tmp_path / "r" / "e")
    assert report_main([str(out), "--index", str(tmp_path / "r")]) == 0
    assert (out / "report.html").is_file() and (tmp_path / "r" / "index.html").is_file()
    assert report_main([str(tmp_path / "missing")]) == 2
    assert "error" in capsys.readouterr().err


def test_declared_figures_scatter_and_ranking(stored: Path, tmp_path: Path) -> None:
    out = _copy(stored, tmp_path / "e")
    pd.DataFrame({"parameter": ["a", "b", "c"], "mu_star": [0.3, 1.2, 0.7]}).to_csv(
        out / "morris.csv", index=False)
    figs = ["means", {"kind": "scatter", "x": "trips_mean", "y": "completion_rate"},
            {"kind": "scatter", "x": "records_exposed_absent", "y": "trips_mean"},
            {"kind": "ranking", "table": "morris.csv", "value": "mu_star", "label": "parameter",
             "title": "Morris mu* by parameter"}]
    page = build_report(out, figures=figs).read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == [
        "means.png", "means.zh.png", "ranking.png", "ranking.zh.png", "scatter.png",
        "scatter.zh.png"]  # the absent KPI's scatter is skipped
    assert page.count(IMG) == 3 and "Morris mu* by parameter" in page
    assert ranking_figure(pd.DataFrame(), "v", "l", "t", tmp_path / "x.png") is None


def test_spec_declares_figures_and_findings() -> None:
    spec = load_spec({**fake_spec(), "figures": ["means", {"kind": "scatter", "x": "a",
                                                             "y": "b"}],
                      "findings": ["trips_mean"]})
    assert spec.figures[0] == "means" and spec.findings == ["trips_mean"]
    assert spec.to_dict()["figures"][1]["kind"] == "scatter"
    with pytest.raises(ScenarioError, match="figures"):
        load_spec({**fake_spec(), "figures": ["pie"]})
    with pytest.raises(ScenarioError, match="needs"):
        load_spec({**fake_spec(), "figures": [{"kind": "scatter", "x": "a"}]})


def test_report_from_a_fake_model_skips_missing_tables(tmp_path: Path) -> None:
    out = tmp_path / "fake"
    run_experiment(fake_spec(replications=3, figures=["means", "distributions", "timeseries"]),
                   out_dir=out, simulate=fake_simulate, load=fake_load, progress=False)
    page = build_report(out).read_text(encoding="utf-8")
    assert "Does the effect show?" in page
    assert (out / "figures" / "distributions.png").is_file()  # fake requests hold trips
    assert not (out / "figures" / "timeseries.png").exists()  # no timeseries stored


def test_experiment_cli_builds_the_report_unless_told_not_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govsim.experiment import runner

    monkeypatch.setattr(runner, "_default_load", lambda: fake_load)
    monkeypatch.setattr(runner, "_default_simulate", lambda: fake_simulate)
    argv = ["experiment=example_pairs", "experiment.size=smoke", "effect=0", "--quiet",
            "experiment.kpis=[trips_mean]"]
    assert exp_cli.run_experiment_cli([*argv, f"out={tmp_path / 'a'}"]) == 0
    assert (tmp_path / "a" / "report.html").is_file()
    assert exp_cli.run_experiment_cli([*argv, "--no-report", f"out={tmp_path / 'b'}"]) == 0
    assert not (tmp_path / "b" / "report.html").exists()


def test_report_renders_in_headless_chromium(stored: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        pytest.skip("chromium not installed")
    out = _copy(stored, tmp_path / "e")
    report = build_report(out)
    shutil.copy(report, tmp_path.parent / "last_report.html")
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'ud'}",
                    f"--screenshot={shot}", "--window-size=1200,2000",
                    report.resolve().as_uri()], check=True, timeout=120, capture_output=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    meta = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert meta["findings"]


def test_timeseries_separates_platform_rows(tmp_path: Path) -> None:
    from govsim.report.timeseries import timeseries_figure
    from govsim.report.timeseries import ts_panels as _ts_panels

    rows = []
    for rep in range(2):
        for t in range(5):
            rows.append(("a", rep, float(t), "civil_affairs", t, 1, 2 * t))
            rows.append(("a", rep, float(t), "platform:app1", 3, int(t != 2), 0))
    ts = pd.DataFrame(rows, columns=["scenario", "replication", "time_day", "office", "queue",
                                     "in_service", "backlog"])
    panels = _ts_panels(ts)
    assert [p[0] for p in panels] == [
        "Back-office backlog (all offices)", "Counter queues (all offices)",
        "Online platform availability", "Online attempts per sampling interval"]
    assert not panels[1][2]["office"].str.startswith("platform:").any()
    assert timeseries_figure(ts, tmp_path / "ts.png") == tmp_path / "ts.png"
    assert timeseries_figure(pd.DataFrame(), tmp_path / "none.png") is None


def test_chinese_report_beside_the_english_one(stored: Path, tmp_path: Path) -> None:
    out = _copy(stored, tmp_path / "e")
    en = build_report(out).read_text(encoding="utf-8")
    zh = (out / "report.zh.html").read_text(encoding="utf-8")
    assert "href=\"report.zh.html\"" in en and "href=\"report.html\"" in zh
    assert '<html lang="zh-CN">' in zh
    # KPI names, descriptions, findings and items in Chinese; identifiers kept for researchers
    assert "<td>每件申请出行趟数</td>" in zh and "<code>trips_mean</code>" in zh
    assert KPIS["trips_mean"].description("zh") in zh  # trips_mean's description, from the registry
    assert "变化了什么、对谁" in zh and "shared_data方案下,每件申请出行趟数为" in zh
    assert "shared_data 对比 siloed — 每件申请出行趟数:" in zh
    assert "<td>养老金资格认证</td>" in zh
    assert zh.count(IMG) == 3
    meta = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(meta["findings_zh"]) == len(meta["findings"]) >= 3
    assert all("对比" in f for f in meta["findings_zh"])


def test_without_a_cjk_font_the_chinese_report_shows_the_english_figures(
        stored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govsim.report import figures, style

    monkeypatch.setattr(style, "cjk_font", lambda: None)
    monkeypatch.setattr(figures, "cjk_font", lambda: None)
    out = _copy(stored, tmp_path / "e")
    build_report(out, figures=["means"])
    assert [p.name for p in (out / "figures").glob("*.png")] == ["means.png"]
    zh = (out / "report.zh.html").read_text(encoding="utf-8")
    assert zh.count(IMG) == 1 and "<td>每件申请出行趟数</td>" in zh


def test_chinese_report_and_index_ask_the_question_in_chinese(stored: Path, tmp_path: Path) -> None:
    out = _copy(stored, tmp_path / "results" / "e")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["experiment"]["question_zh"] = "部门共享数据能让村民少跑几趟?"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build_report(out)
    zh = (out / "report.zh.html").read_text(encoding="utf-8")
    en = (out / "report.html").read_text(encoding="utf-8")
    assert "部门共享数据能让村民少跑几趟?" in zh and "部门共享数据能让村民少跑几趟?" not in en
    assert manifest["experiment"]["question"] in en
    build_index(tmp_path / "results")
    assert "部门共享数据能让村民少跑几趟?" in (tmp_path / "results" / "index.zh.html").read_text(
        encoding="utf-8")
    assert "部门共享数据能让村民少跑几趟?" not in (tmp_path / "results" / "index.html").read_text(
        encoding="utf-8")
