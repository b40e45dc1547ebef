"""The dashboard in a real browser: headless Debian Chromium driven by Playwright.

Starts ``solara run`` on a free local port exactly as ``abm dashboard`` does, loads the page,
checks controls and views, steps the model and switches the scenario, and saves
``results/dashboard.png``. ``make test`` installs Chromium and Solara's web files first
(``make browser``). Every wait has a timeout and the server is killed in a ``finally``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from abm.dashboard import MODELS, server, spec_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000
SCREENSHOT = Path(__file__).resolve().parents[1] / "results" / "dashboard.png"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """(url, server log path) of a dashboard serving the default model."""
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    host = "127.0.0.1"
    port = server.free_port(host)
    with open(log_path, "w") as log:
        proc = server.start(host, port, model=MODELS[0], stdout=log, stderr=subprocess.STDOUT)
        try:
            url = server.url_for(host, port)
            try:
                server.wait_until_serving(url, proc, timeout=90)
            except Exception as exc:
                pytest.fail(f"{exc}; server log:\n{log_path.read_text()[-3000:]}")
            yield url, log_path
        finally:
            server.stop(proc)


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, dashboard):
    """A fresh page on the dashboard, recording failed requests and script errors."""
    url, _ = dashboard
    context = browser.new_context(viewport={"width": 1600, "height": 1300})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.failures = []
    pg.on("pageerror", lambda e: pg.failures.append(f"script error: {e}"))
    pg.on(
        "response",
        lambda r: pg.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    pg.goto(url, timeout=TIMEOUT_MS)
    pg.get_by_role("button", name="Step").wait_for()
    try:
        yield pg
    finally:
        context.close()


def model_time(pg) -> float:
    text = pg.get_by_text(re.compile(r"^Time: ")).inner_text()
    return float(text.split(":")[1])


def wait_for_time(pg, t: float) -> None:
    pg.get_by_text(f"Time: {t:.1f}", exact=True).wait_for()


def view_pixels(pg, name: str) -> bytes:
    img = pg.locator(f".abm-view-{name} img")
    img.wait_for()
    return img.screenshot()


def test_dashboard_in_headless_chromium(page, dashboard):
    spec = spec_for(MODELS[0])
    pg = page

    # Controls: scenario picker, one input per control, seed, Mesa's step/play/reset.
    pg.locator(".abm-scenario-panel").wait_for()
    for control in spec.controls:
        assert pg.get_by_text(re.compile(re.escape(control.label))).count() >= 1, control.label
    assert pg.get_by_label("Seed").count() == 1
    for name in ("Step", "Reset", "▶"):
        assert pg.get_by_role("button", name=name).is_visible(), name

    # Views: every figure is on the page.
    names = [v.__name__.removesuffix("_view") for v in spec.views]
    before = {n: view_pixels(pg, n) for n in names}
    assert model_time(pg) == 0.0

    # Step three times: the time advances and the plots redraw.
    for t in (1.0, 2.0, 3.0):
        pg.get_by_role("button", name="Step").click()
        wait_for_time(pg, t)
    pg.wait_for_timeout(500)
    after = {n: view_pixels(pg, n) for n in names}
    changed = [n for n in names if after[n] != before[n]]
    assert len(changed) == len(names), f"unchanged after 3 steps: {set(names) - set(changed)}"

    # Switch the scenario: a fresh run at time 0 with that scenario's description.
    other = next(s for s in spec.scenario_names() if s != spec.default_scenario)
    pg.locator(".abm-scenario-panel .v-select .v-field").first.click()
    pg.get_by_role("option", name=other, exact=True).click()
    wait_for_time(pg, 0.0)
    pg.get_by_text(spec.describe(other), exact=True).wait_for()

    pg.get_by_role("button", name="Step").click()
    wait_for_time(pg, 1.0)
    pg.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    tmp = SCREENSHOT.with_suffix(".tmp.png")
    pg.screenshot(path=str(tmp), full_page=True)
    tmp.replace(SCREENSHOT)

    assert not pg.failures, pg.failures
