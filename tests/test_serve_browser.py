"""`govsim serve` in a real browser: Debian's chromium, headless, driven by Playwright.

Starts the app on a free port, sets one option, runs a smoke-size comparison,
checks cards, figures and findings, switches to Chinese, exports the spec and runs
it with the CLI to the same numbers. Screenshots of the results page in each
language go to ``GOVSIM_SCREENSHOTS`` (a temporary directory by default).
Skips only when the browser or Playwright is not installed; nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from govsim.kpi_registry import kpi
from govsim.serve.i18n import t
from govsim.serve.results import num

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]

if not Path(CHROMIUM).is_file():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    workdir = tmp_path / "wd"
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "govsim", "serve", "--port", str(port),
                             "--workdir", str(workdir)], cwd=tmp_path, stdout=log, stderr=log,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            time.sleep(0.3)
    try:
        yield url, workdir
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
        log.close()
        # shown by pytest only when the test fails
        print((tmp_path / "server.log").read_text(errors="replace")[-4000:])


def _set_number(page: object, selector: str, value: str) -> None:
    box = page.locator(f"{selector} input").first  # type: ignore[attr-defined]
    box.fill(value)
    box.press("Enter")


def test_compare_in_browser_then_rerun_spec_with_cli(server: tuple[str, Path], tmp_path: Path) -> None:
    url, workdir = server
    shots = Path(os.environ.get("GOVSIM_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.goto(url)
        page.wait_for_selector(".run-button button", timeout=30_000)
        _set_number(page, ".base-horizon", "10")
        _set_number(page, ".base-replications", "2")
        _set_number(page, ".lever-proxies_per_village", "2")   # the one option's lever
        page.wait_for_timeout(500)
        page.click(".run-button button")
        page.wait_for_selector(".kpi-card", timeout=90_000)
        other = browser.new_page()            # a second tab sees the same job and its results
        other.goto(url)
        other.wait_for_selector(".kpi-card", timeout=90_000)
        assert other.get_by_text(t("status_done", "en", total=4)).count() == 1
        other.close()
        assert page.locator(".finding").count() >= 3
        assert page.locator(".figure img").count() >= 1
        label_en = kpi("trips_mean").label("en")
        assert page.locator(".kpi-card .kpi-label", has_text=label_en).count() >= 1
        page.screenshot(path=str(shots / "results_en.png"), full_page=True)

        page.click(".lang-switch button:has-text('中文')")
        label_zh = kpi("trips_mean").label("zh")
        page.wait_for_selector(f".kpi-card .kpi-label:has-text('{label_zh}')", timeout=60_000)
        assert page.locator(".finding").first.inner_text().count("基线") >= 1
        page.screenshot(path=str(shots / "results_zh.png"), full_page=True)
        card = page.locator(".kpi-card[data-kpi='trips_mean'] .kpi-diff").first.inner_text()

        with page.expect_download() as dl:
            page.click(".export-spec button")
        spec = tmp_path / "spec.yaml"
        dl.value.save_as(spec)
        browser.close()

    assert "channels.proxies_per_village=2" in spec.read_text(encoding="utf-8")
    out = tmp_path / "cli_out"
    done = subprocess.run([sys.executable, "-m", "govsim", f"experiment={spec}", f"out={out}",
                           "--quiet", "--no-report"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    app_runs = next((workdir / "experiments").iterdir())
    cols = ["scenario", "replication", "seed", "kpi", "value"]
    ours = pd.read_parquet(app_runs / "summary.parquet")[cols]
    cli = pd.read_parquet(out / "summary.parquet")[cols]
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), cli.reset_index(drop=True))
    row = pd.read_csv(out / "comparison.csv").query("kpi == 'trips_mean' and scenario != baseline")
    assert card.startswith(("+" if row["diff_mean"].iloc[0] > 0 else "") + num(row["diff_mean"].iloc[0]))
