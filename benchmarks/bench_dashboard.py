"""How long one dashboard step takes to compute and render, at the default scale.

Two measurements:

- server (default): what the server does per click on "Step" - the model's step, then each
  view's in-place update and PNG - timed directly over ``--steps`` weeks, after the figures
  are built (first render, reported separately);
- ``--browser``: the whole round trip in headless Chromium - click "Step", wait until the
  page shows the new week and every view's image has changed - over ``--steps`` clicks.

    .venv/bin/python benchmarks/bench_dashboard.py [--scenario NAME] [--steps N]
        [--set NAME=VALUE ...] [--browser]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time


def summary(label: str, seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    p90 = ms[min(len(ms) - 1, round(0.9 * (len(ms) - 1)))]
    return (
        f"{label}: median {statistics.median(ms):.0f} ms, p90 {p90:.0f} ms, "
        f"max {ms[-1]:.0f} ms over {len(ms)} steps"
    )


def bench_server(
    model_key: str, scenario: str, steps: int, seed: int, overrides: dict[str, str]
) -> None:
    from abm.dashboard import spec_for
    from abm.dashboard.spec import RunSettings, run_class

    spec = spec_for(model_key)
    run = run_class(spec)(RunSettings(scenario, seed, overrides))
    figure_views = [v for v in spec.views if hasattr(v, "build")]  # live figure views
    lives = []
    t0 = time.perf_counter()
    for view in figure_views:
        live = view.build(run)
        view.update(live, run)
        live.png()
        lives.append((live, view.update))
    print(f"first render (build {len(lives)} figures): {1000 * (time.perf_counter() - t0):.0f} ms")
    step_t, render_t, total_t = [], [], []
    for _ in range(steps):
        t = time.perf_counter()
        run.step()
        t1 = time.perf_counter()
        for live, update in lives:
            update(live, run)
            live.png()
        t2 = time.perf_counter()
        step_t.append(t1 - t)
        render_t.append(t2 - t1)
        total_t.append(t2 - t)
    print(summary("model step", step_t))
    print(summary(f"render {len(lives)} figures", render_t))
    print(summary("step + render", total_t))


def bench_browser(model_key: str, scenario: str, steps: int) -> None:
    from playwright.sync_api import sync_playwright

    from abm.dashboard import server

    host, port = "127.0.0.1", server.free_port()
    out = subprocess.DEVNULL
    proc = server.start(host, port, model=model_key, stdout=out, stderr=out)
    try:
        url = server.url_for(host, port)
        server.wait_until_serving(url, proc, timeout=90)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=server.CHROMIUM, args=list(server.CHROMIUM_ARGS)
            )
            page = browser.new_page(viewport={"width": 1600, "height": 1300})
            page.set_default_timeout(30_000)
            page.goto(url)
            page.get_by_role("button", name="Step").wait_for()
            if scenario:
                page.locator(".abm-scenario-panel .v-select .v-field").first.click()
                page.get_by_role("option", name=scenario, exact=True).click()
            imgs = page.locator("[class*='abm-view-'] img")
            imgs.first.wait_for()
            n_img = imgs.count()
            times = []
            for k in range(1, steps + 1):
                before = [imgs.nth(i).get_attribute("src") for i in range(n_img)]
                t = time.perf_counter()
                page.get_by_role("button", name="Step").click()
                page.get_by_text(f"Time: {k:.1f}", exact=True).wait_for()
                page.wait_for_function(
                    """([sel, before]) => {
                        const now = [...document.querySelectorAll(sel)].map(i => i.src);
                        return now.length === before.length && now.every((s, i) => s !== before[i]);
                    }""",
                    arg=["[class*='abm-view-'] img", before],
                )
                times.append(time.perf_counter() - t)
            browser.close()
        print(summary(f"browser round trip (click -> {n_img} new images)", times))
    finally:
        server.stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="belarus")
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--browser", action="store_true", help="time the round trip in Chromium")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (server timing only), e.g. n_citizens=100000",
    )
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    if a.browser:
        bench_browser(a.model, a.scenario, a.steps)
    else:
        from abm.params import parse_assignments

        bench_server(a.model, a.scenario, a.steps, a.seed, parse_assignments(a.set))


if __name__ == "__main__":
    main()
