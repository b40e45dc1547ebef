"""History matching (abm.calibration.matching): the implausibility rule, the hard facts'
neighbourhood rule, a toy model with a known non-implausible region recovered as a box
inside the priors, and experiments/calibration_wave.py end to end at a tiny size."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from SALib.sample import latin

from abm.calibration import matching as hm
from abm.priors import Prior, Priors


def test_implausibility_is_the_gap_over_the_combined_scale():
    gaps = np.array([[0.0, 0.3, 0.8], [0.5, 0.0, 0.0]])
    obs = np.array([0.1, 0.3, 0.4])
    model = np.array([0.0, 0.4, 0.3])
    imp = hm.implausibility(gaps, obs, model)
    assert imp[0] == pytest.approx([0.0, 0.3 / 0.5, 0.8 / 0.5])
    assert imp[1, 0] == pytest.approx(5.0)


def test_point_implausibility_max_and_second_max():
    imp = np.array([[9.0, 1.0, 2.0], [4.0, 3.5, 0.0], [np.nan, 1.0, 0.5]])
    assert hm.point_implausibility(imp, "max") == pytest.approx([9.0, 4.0, 1.0])
    assert hm.point_implausibility(imp, "second") == pytest.approx([2.0, 3.5, 0.5])
    ruled = hm.rule_out(hm.point_implausibility(imp, "second"))
    assert ruled.tolist() == [False, True, False]  # one structural miss passes, two do not
    assert hm.rule_out(hm.point_implausibility(imp, "max")).tolist() == [True, True, False]
    with pytest.raises(ValueError):
        hm.point_implausibility(imp, "third")


def test_a_statistic_missed_everywhere_is_set_aside_not_ruling_out_all():
    rng = np.random.default_rng(2)
    good = rng.uniform(0, 5, size=(200, 3))  # three informative statistics
    missed = np.full((200, 2), 8.0)  # two the model misses at every point
    imp = np.hstack([good, missed])
    assert not (~hm.rule_out(hm.point_implausibility(imp, "second"))).any()  # all ruled out
    over, used = hm.usable(imp)
    assert used.tolist() == [True, True, True, False, False]
    assert over[3:] == pytest.approx([1.0, 1.0])
    kept = ~hm.rule_out(hm.point_implausibility(imp[:, used], "second"))
    inside = np.sort(good, axis=1)[:, -2] <= 3
    assert kept.tolist() == inside.tolist() and 0 < kept.mean() < 1
    assert hm.usable(imp, missed_share=1.01)[1].all()


def test_model_scales_are_the_seed_sd_with_a_floor():
    logs = np.array([[1.0, 5.0, np.nan], [1.0, 7.0, np.nan], [1.0, 6.0, 2.0]])
    s = hm.model_scales(logs)
    assert s[0] == hm.MODEL_SCALE_FLOOR  # no spread
    assert s[1] == pytest.approx(1.0)
    assert s[2] == hm.MODEL_SCALE_FLOOR  # one value: no sd


def test_one_failing_run_does_not_rule_out_a_point_but_a_failing_region_does():
    rng = np.random.default_rng(0)
    u = rng.uniform(size=(400, 2))
    fails = (u[:, 0] > 0.7).astype(float)  # the region x0 > 0.7 always breaks a fact
    fails[np.argmin(np.abs(u[:, 0] - 0.2))] = 1.0  # and one unlucky run far from it
    rate = hm.local_rate(u, fails, k=10)
    ruled = hm.rule_out(np.zeros(len(u)), rate)
    lone = np.argmin(np.abs(u[:, 0] - 0.2))
    assert not ruled[lone]
    assert ruled[u[:, 0] > 0.8].all()
    assert not ruled[u[:, 0] < 0.6].any()


def toy_priors() -> Priors:
    return Priors(
        (
            Prior("a", 0.0, 1.0, "linear", "assumption", "test"),
            Prior("b", 0.01, 10.0, "log", "assumption", "test"),
            Prior("n", 1.0, 20.0, "linear", "assumption", "test", integer=True),
        )
    )


def test_toy_model_known_region_is_recovered_as_a_box_inside_the_priors():
    """Two statistics, each observed with error scale 0.1 and a model scale 0.05:
    a's statistic is a, observed 0.4 - 0.5; b's is log10(b), observed -1 to 0. The
    non-implausible region is a in 0.4 -/+ 3 x 0.112 (clipped) x b in 0.1/10^0.336 .. 10^0.336,
    n free."""
    priors = toy_priors()
    n = 800
    x = latin.sample(
        {"num_vars": 3, "names": ["a", "b", "n"], "bounds": [[0, 1], [-2, 1], [1, 20]]}, n, seed=1
    )
    problem = {"names": ["a", "b", "n"], "bounds": [[0, 1], [-2, 1], [1, 20]]}
    a, logb = x[:, 0], x[:, 1]
    gaps = np.stack(
        [np.maximum.reduce([0.4 - a, a - 0.5, 0 * a]), np.maximum.reduce([-1 - logb, logb, 0 * a])],
        axis=1,
    )
    imp = hm.implausibility(gaps, np.array([0.1, 0.1]), np.array([0.05, 0.05]))
    keep = ~hm.rule_out(hm.point_implausibility(imp, "max"))
    reach = 3 * np.hypot(0.1, 0.05)
    assert keep.mean() == pytest.approx((0.1 + 2 * reach) * (1 + 2 * reach) / 3, abs=0.03)
    u = hm.unit_of(x, problem, ["a", "b", "n"])
    box = hm.narrowed_bounds(priors, ["a", "b", "n"], u, keep, n)
    assert box["a"][0] == pytest.approx(0.4 - reach, abs=0.01)
    assert box["a"][1] == pytest.approx(0.5 + reach, abs=0.01)
    assert np.log10(box["b"][0]) == pytest.approx(-1 - reach, abs=0.02)
    assert np.log10(box["b"][1]) == pytest.approx(reach, abs=0.02)
    assert box["n"] == (1.0, 20.0)  # uninformative: the whole prior
    for name, (lo, hi) in box.items():
        assert priors[name].low <= lo < hi <= priors[name].high
    assert all(float(v).is_integer() for v in box["n"])


def test_bounds_with_no_point_kept_are_the_priors_and_the_toml_parses():
    priors = toy_priors()
    u = np.random.default_rng(1).uniform(size=(10, 2))
    box = hm.narrowed_bounds(priors, ["a", "b"], u, np.zeros(10, bool), 10)
    assert box == {"a": (0.0, 1.0), "b": (0.01, 10.0)}
    pts = pd.DataFrame({"implausible": [True] * 10})
    wave = hm.Wave(pts, pd.DataFrame(), box, ("a", "b"), "rule", {})
    data = tomllib.loads(hm.bounds_toml(wave, priors, ["a header"]))
    assert data == {"bounds": {"a": [0.0, 1.0], "b": [0.01, 10.0]}}
    assert wave.share == 0.0


def test_calibration_wave_runs_end_to_end_tiny(experiment, tmp_path):
    wave = experiment("calibration_wave")
    work, out = tmp_path / "work", tmp_path / "out"
    argv = ["--points", "6", "--n-citizens", "500", "--replicates", "2", "--workers", "1"]
    argv += ["--selected", "legitimacy_shock,threshold", "--nuisance", "default"]
    argv += ["--statistics", "protest,ruler", "--work", str(work), "--out", str(out)]
    argv += ["--no-progress"]
    assert wave.main(argv) == 0
    table = pd.read_csv(out / "wave.csv")
    assert len(table) == 6 and {"legitimacy_shock", "threshold", "implausible"} <= set(table)
    bounds = tomllib.loads((out / "bounds.toml").read_text())["bounds"]
    assert set(bounds) == {"legitimacy_shock", "threshold"}
    assert 0.1 <= bounds["legitimacy_shock"][0] < bounds["legitimacy_shock"][1] <= 0.4
    summary = json.loads((out / "wave.json").read_text())
    assert summary["nuisance"] == "default" and summary["points"] == 6
    assert 0.0 <= summary["non_implausible_share"] <= 1.0
    for name in ("pairs.png", "implausibility.png", "statistics.csv"):
        assert (out / name).is_file()
    readme = (out / "README.md").read_text()
    assert readme.splitlines()[3].startswith(".venv/bin/python experiments/calibration_wave.py")
    runs = pd.read_parquet(work / "lhs" / "runs")
    assert len(runs) == 6 and [c for c in runs.columns if c.startswith("param_")] == [
        "param_legitimacy_shock",
        "param_threshold",
    ]
