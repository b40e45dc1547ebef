"""The dashboard in a real browser: headless Debian Chromium driven by Playwright.

Starts ``solara run`` on a free local port exactly as ``abm dashboard`` does, loads the page,
checks controls and views, steps the model and switches the scenario, and takes a
screenshot into pytest's temporary folder; ``make screenshot`` runs it with
``ABM_SCREENSHOT=results/dashboard.png`` to regenerate the committed picture, so that
``make test`` leaves the working tree clean. ``make test`` installs Chromium and Solara's
web files first (``make browser``). Every wait has a timeout and the server is killed in
a ``finally``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from abm.dashboard import server, spec_for

TIMEOUT_MS = 30_000
#: Where the screenshot goes: a temporary folder unless ``ABM_SCREENSHOT`` names a file.
SCREENSHOT_ENV = "ABM_SCREENSHOT"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """(url, server log path) of a dashboard serving the Belarus model."""
    log_path = tmp_path_factory.mktemp("dashboard") / "server.log"
    host = "127.0.0.1"
    port = server.free_port(host)
    with open(log_path, "w") as log:
        proc = server.start(host, port, model="belarus", stdout=log, stderr=subprocess.STDOUT)
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
    if not os.access(server.CHROMIUM, os.X_OK):
        pytest.fail(f"{server.CHROMIUM} missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=server.CHROMIUM, args=list(server.CHROMIUM_ARGS), timeout=TIMEOUT_MS
        )
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, dashboard):
    """A fresh page on the dashboard, recording failed requests and script errors."""
    url, _ = dashboard
    context = browser.new_context(viewport={"width": 1600, "height": 2000})
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


def wait_for_time_at_least(pg, t: float) -> None:
    pg.wait_for_function(
        """t => {
            const m = document.body.innerText.match(/Time: ([0-9.]+)/);
            return m !== null && parseFloat(m[1]) >= t;
        }""",
        arg=t,
        timeout=2 * TIMEOUT_MS,
    )


def step_to(pg, t: int) -> None:
    """Click Step once and wait until the page shows week ``t``."""
    pg.get_by_role("button", name="Step").click()
    pg.get_by_text(f"Time: {t:.1f}", exact=True).wait_for()


def view_pixels(pg, name: str) -> bytes:
    img = pg.locator(f".abm-view-{name} img")
    img.wait_for()
    return img.screenshot()


def pick_scenario(pg, name: str) -> None:
    pg.locator(".abm-scenario-panel .v-select .v-field").first.click()
    pg.get_by_role("option", name=name, exact=True).click()
    pg.get_by_text("Time: 0.0", exact=True).wait_for()


def outcome(pg) -> str:
    return pg.locator(".abm-outcome").inner_text()


def event_log(pg) -> str:
    return pg.locator(".abm-view-events").inner_text()


def test_dashboard_in_headless_chromium(page, dashboard, tmp_path):
    from playwright.sync_api import expect

    spec = spec_for("belarus")
    pg = page

    # Controls: scenario picker, every parameter control, seed, and Mesa's step/play/reset.
    panel = pg.locator(".abm-scenario-panel")
    panel.wait_for()
    assert spec.default_scenario in panel.inner_text()
    for control in spec.controls:
        box = pg.locator(f".abm-control-{control.param}")
        assert box.count() == 1, control.param
        assert control.label in box.inner_text(), control.label
        kind = "checkbox" if spec.is_checkbox(control) else "slider"
        assert box.get_by_role(kind).count() == 1, control.param
    assert pg.get_by_label("Seed").count() == 1
    for name in ("Step", "Reset", "▶"):
        assert pg.get_by_role("button", name=name).is_visible(), name

    # Views: the grid, four time plots, the event log and the outcome, all on the page.
    plots = [v.__name__.removesuffix("_view") for v in spec.views if hasattr(v, "build")]
    assert plots == ["grid", "support", "kremlin", "protest", "army"]
    before = {n: view_pixels(pg, n) for n in plots}
    assert model_time(pg) == 0.0
    assert "Outcome so far: STATUS QUO" in outcome(pg)
    assert "No events by week 0" in event_log(pg)

    # Step three weeks: the time advances and every plot redraws.
    for t in (1, 2, 3):
        step_to(pg, t)
    pg.locator(".abm-outcome").get_by_text("week 3 of 104").wait_for()
    after = {n: view_pixels(pg, n) for n in plots}
    unchanged = [n for n in plots if after[n] == before[n]]
    assert not unchanged, f"plots unchanged after 3 steps: {unchanged}"

    # Play runs week after week until paused (while playing, the page may show only some
    # of the weeks it passes, so wait for "at least").
    pg.get_by_role("button", name="▶").click()
    wait_for_time_at_least(pg, 6.0)
    pg.get_by_role("button", name="❚❚").click()
    pg.get_by_role("button", name="▶").wait_for()
    pg.wait_for_timeout(500)  # a week being computed at the click still lands
    paused_at = model_time(pg)
    pg.wait_for_timeout(1000)
    assert model_time(pg) == paused_at >= 6.0

    # A staged change: the NATO-excuse checkbox waits for Reset, which starts a fresh run.
    pg.locator(".abm-control-mech_nato_excuse").get_by_role("checkbox").click()
    pg.get_by_text("Controls changed: press Reset").wait_for()
    assert model_time(pg) == paused_at
    pg.get_by_role("button", name="Reset").click()
    pg.get_by_text("Time: 0.0", exact=True).wait_for()
    assert pg.get_by_text("Controls changed: press Reset").count() == 0

    # Switch the scenario: a fresh run whose controls show the scenario's values.
    pick_scenario(pg, "forced_intervention")
    pg.get_by_text(spec.describe("forced_intervention"), exact=True).wait_for()
    week = spec.scenarios()["forced_intervention"].params["forced_intervention_week"]
    box = pg.locator(".abm-control-forced_intervention_week")
    # the description can render a moment before the controls take the scenario's values
    expect(box).to_contain_text(f": {week}", timeout=15_000)
    expect(pg.locator(".abm-control-mech_nato_excuse").get_by_role("checkbox")).to_be_checked()

    # Step to the forced intervention: the event log and the outcome change.
    log_before = event_log(pg)
    for t in range(1, week + 3):
        step_to(pg, t)
        if "intervention" in event_log(pg):
            break
    log_after = event_log(pg)
    assert log_after != log_before
    assert "intervention" in log_after, log_after
    assert "STATUS QUO" not in outcome(pg)

    pg.mouse.move(1, 1)  # no button caught hovered in the picture
    target = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "dashboard.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.png")
    pg.screenshot(path=str(tmp))
    tmp.replace(target)
    assert target.stat().st_size > 10_000  # a real rendered page, not an empty image

    assert not pg.failures, pg.failures
