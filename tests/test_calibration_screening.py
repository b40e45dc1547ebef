"""Morris screening (abm.calibration.screening): the ranking finds the known influential
inputs of known-answer functions, the noise floor is what an inert input shows, the rule
caps the selection, and experiments/calibration_screen.py runs end to end at a tiny size."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.test_functions import Sobol_G

from abm.calibration import screening as sc

# -- known-answer functions, openly as test functions (SALib's habit) -----------------------


def problem(d: int) -> dict:
    return {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}


def linear_outputs(x: np.ndarray) -> pd.DataFrame:
    """Three 'statistics': x0 and x1 move them strongly, x2 weakly, x3-x5 not at all."""
    return pd.DataFrame(
        {
            "a": 6.0 * x[:, 0] + 1.5 * x[:, 2],
            "b": 4.0 * x[:, 1] ** 2 + 2.0 * x[:, 0],
            "c": np.abs(x[:, 0] - 0.5) * 3.0 + 1.0 * x[:, 2],
        }
    )


def test_ranking_picks_the_known_influential_inputs_and_flags_the_inert_ones():
    p = problem(6)
    x = morris_sample.sample(p, 20, num_levels=4, seed=1)
    table = sc.morris_indices(p, x, linear_outputs(x))
    sel = sc.select(table, {f"x{i}": ("active" if i < 3 else "inert") for i in range(6)})
    ranked = list(sel.ranking["param"])
    assert ranked[:2] == ["x0", "x1"] and ranked[2] == "x2"
    assert set(sel.selected) == {"x0", "x1", "x2"}  # x2: ~20 % of the top score
    assert set(sel.uninformed) == {"x3", "x4", "x5"}
    assert sel.uninformed_blocks == ("inert",)
    assert "10%" in sel.rule and "at most 8" in sel.rule


def test_sobol_g_function_importance_follows_its_coefficients():
    """Sobol's G: input i matters as 1 / (1 + a_i); a = 0 is decisive, a = 99 negligible."""
    a = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0])
    p = problem(len(a))
    x = morris_sample.sample(p, 40, num_levels=4, seed=3)
    y = pd.DataFrame({"g": Sobol_G.evaluate(x, a)})
    table = sc.morris_indices(p, x, y)
    mu = table.set_index("param")["mu_star"]
    assert list(mu.sort_values(ascending=False).index[:4]) == ["x0", "x1", "x2", "x3"]
    sel = sc.select(table, share=0.1)
    assert sel.selected[:2] == ("x0", "x1")
    assert not set(sel.selected) & {"x4", "x5", "x6", "x7"}


def test_seed_noise_floor_is_what_an_inert_input_shows():
    rng = np.random.default_rng(5)
    p = problem(5)
    x = morris_sample.sample(p, 60, num_levels=4, seed=2)
    noise_sd = 0.5
    y = pd.DataFrame({"s": 8.0 * x[:, 0] + rng.normal(0, noise_sd, len(x))})
    # 60 prior points, two seeds each: the output at a point is its signal plus noise
    u = rng.uniform(size=60)
    pairs = pd.DataFrame(
        {
            "point_id": np.repeat(np.arange(60), 2),
            "replicate": np.tile([0, 1], 60),
            "s": 8.0 * np.repeat(u, 2) + rng.normal(0, noise_sd, 120),
        }
    )
    floor = sc.noise_floor(pairs)
    assert list(floor.index) == ["s"]  # the id columns are not outputs
    # E|e1 - e2| = 2 sd / sqrt(pi), over Delta = 2/3; the signal cancels within a point
    m = 2 * noise_sd / np.sqrt(np.pi) / sc.delta(4)
    assert floor.loc["s", "mean"] == pytest.approx(m, rel=0.2)
    assert floor.loc["s", "sd"] == pytest.approx(m * np.sqrt(np.pi / 2 - 1), rel=0.3)
    table = sc.morris_indices(p, x, y, noise=floor).set_index("param")
    inert = table.loc[["x1", "x2", "x3", "x4"]]
    assert (inert["mu_star"] / floor.loc["s", "mean"]).between(0.7, 1.3).all()
    assert inert["noise_se"].to_numpy() == pytest.approx(floor.loc["s", "sd"] / np.sqrt(60))
    assert inert["negligible"].all() and not table.loc["x0", "negligible"]
    assert sc.select(table.reset_index()).selected == ("x0",)


def test_noise_floor_of_identical_replicates_is_zero_and_delta_is_salibs():
    assert sc.noise_floor(pd.DataFrame({"a": [1.0, 1.0, 1.0]})).loc["a", "mean"] == 0.0
    two = sc.noise_floor(pd.DataFrame({"a": [0.0, 2.0]}))
    assert two.loc["a", "mean"] == pytest.approx(2 / (2 / 3)) and two.loc["a", "sd"] == 0.0
    assert sc.delta(4) == pytest.approx(2 / 3)


def test_selection_is_capped_at_eight_and_needs_a_share_of_the_top():
    d = 12
    p = problem(d)
    x = morris_sample.sample(p, 6, num_levels=4, seed=4)
    w = np.linspace(1.0, 2.0, d)
    y = pd.DataFrame({"a": x @ w})
    table = sc.morris_indices(p, x, y)
    sel = sc.select(table)
    assert len(sel.selected) == 8
    assert sel.selected == tuple(f"x{i}" for i in range(d - 1, d - 9, -1))  # largest weights
    assert sc.select(table, share=0.95).selected == ("x11", "x10")  # within 5 % of the top
    data = sel.to_dict()
    assert data["selected"] == list(sel.selected) and data["max_selected"] == 8


def test_hard_fact_outputs_are_reported_not_aggregated():
    p = problem(3)
    x = morris_sample.sample(p, 10, num_levels=4, seed=6)
    disc = sc.morris_indices(p, x, pd.DataFrame({"a": 5.0 * x[:, 0]}))
    fails = sc.morris_indices(
        p, x, pd.DataFrame({"h": (x[:, 2] > 0.5).astype(float)}), output="hard_fails"
    )
    sel = sc.select(pd.concat([disc, fails], ignore_index=True))
    assert sel.selected == ("x0",)
    ranking = sel.ranking.set_index("param")
    assert ranking.loc["x2", "score"] == 0.0 and ranking.loc["x2", "informed"]  # informs a fact
    assert "x1" in sel.uninformed


# -- the Belarus screen end to end, tiny -------------------------------------------------------


def test_calibration_screen_runs_end_to_end_tiny(experiment, tmp_path):
    screen = experiment("calibration_screen")
    work, out = tmp_path / "work", tmp_path / "out"
    argv = ["--trajectories", "2", "--n-citizens", "500", "--noise-points", "2", "--workers", "1"]
    argv += ["--params", "legitimacy_shock,threshold", "--statistics", "protest,ruler"]
    argv += ["--work", str(work), "--out", str(out), "--no-progress"]
    assert screen.main(argv) == 0
    table = pd.read_csv(out / "screening.csv")
    assert set(table["param"]) == {"legitimacy_shock", "threshold"}
    assert set(table["output"]) == {"discrepancy", "hard_fails"}
    assert all("protest" in s or "ruler" in s for s in table["statistic"])
    for col in ("mu_star", "sigma", "noise", "signal", "relative", "negligible"):
        assert col in table.columns
    assert np.isfinite(table["mu_star"]).all()
    chosen = json.loads((out / "selected.json").read_text())
    assert 1 <= len(chosen["selected"]) <= 2 and chosen["runs"] == 6
    again = pd.read_csv(work / "noise.csv")  # 2 design points rerun with a second seed
    assert len(again) == 2 and set(again["replicate"]) == {1}
    assert sc.read_selected(out) == chosen["selected"]
    for name in ("mu_sigma.png", "heatmap.png", "ranking.csv"):
        assert (out / name).is_file()
    readme = (out / "README.md").read_text()
    assert readme.splitlines()[3].startswith(".venv/bin/python experiments/calibration_screen.py")
    assert "--no-progress" not in readme.splitlines()[3]
    assert "## What the fit period cannot inform" in readme


def test_a_stored_run_scores_as_the_run_itself():
    """Target.summarise_stored reads what a sweep keeps (series + the runs-table row) and
    gives the values Target.summarise gives from the run's own series and event log."""
    from abm import catalog, runner

    target = catalog.get("belarus").targets(period="fit")
    r = runner.run("belarus", {"scenario": "history", "n_citizens": 500}, 3, steps=target.steps)
    kept = r.series[["step", *target.series]]
    stored = target.summarise_stored(kept, dict(r.summary))
    direct = target.summarise(r.series, r.events)
    assert stored.keys() == direct.keys()
    for key, value in direct.items():
        assert stored[key] == pytest.approx(value, nan_ok=True), key
    runs = pd.DataFrame([{"run_id": "p0r0", **dict(r.summary)}])
    both = target.summarise_sweep(kept.assign(run_id="p0r0"), runs)
    assert list(both) == ["p0r0"] and both["p0r0"] == pytest.approx(stored, nan_ok=True)
