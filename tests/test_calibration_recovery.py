"""Recovery coverage, contraction and prior sensitivity on a conjugate toy case
(abm.calibration.recovery), and the synthetic targets a recovery fits (Target.synthetic)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from abm.calibration.recovery import (
    ess,
    log_prior_ratio,
    narrow,
    prior_variance,
    recover_one,
    recovery_summary,
    recovery_table,
    reweight,
    sensitivity_table,
)
from abm.priors import Prior

WIDE = Prior("theta", -10.0, 10.0, "linear", "assumption", "toy")


def toy_posteriors(k: int, sd_factor: float = 1.0, seed: int = 0):
    """Normal likelihood y ~ N(theta, 1) under a flat prior on [-10, 10]: the posterior is
    N(y, 1) (truncation negligible). Posterior samples are prior draws weighted by the
    likelihood (weighted particles, as ABC-SMC gives); ``sd_factor`` < 1 fakes an
    over-confident method."""
    rng = np.random.default_rng(seed)
    truths = rng.uniform(-5, 5, k)
    out = {}
    for i, t in enumerate(truths):
        y = t + rng.normal()
        x = rng.uniform(-10, 10, 4000)
        w = np.exp(-0.5 * ((x - y) / sd_factor) ** 2)
        out[i] = (pd.DataFrame({"theta": x}), w / w.sum())
    return pd.DataFrame({"dataset": range(k), "theta": truths}), out


def test_a_calibrated_posterior_covers_at_its_levels():
    truths, posts = toy_posteriors(300)
    table = recovery_table(truths, posts, [WIDE])
    s = recovery_summary(table).iloc[0]
    assert s["coverage50"] == pytest.approx(0.5, abs=0.09)
    assert s["coverage90"] == pytest.approx(0.9, abs=0.05)
    # contraction 1 - 1 / (20^2 / 12)
    assert s["contraction"] == pytest.approx(1 - 12 / 400, abs=0.01)
    assert s["z_rms"] == pytest.approx(1.0, abs=0.12)
    assert set(table.columns) >= {"true", "median", "lo90", "hi90", "in50", "in90", "z", "ess"}


def test_an_over_confident_posterior_misses():
    truths, posts = toy_posteriors(200, sd_factor=0.3, seed=1)
    s = recovery_summary(recovery_table(truths, posts, [WIDE])).iloc[0]
    assert s["coverage90"] < 0.6 and s["z_rms"] > 2


def test_contraction_is_in_log10_units_for_a_log_prior():
    p = Prior("rate", 1e-3, 1e-1, "log", "source", "toy")
    assert prior_variance(p) == pytest.approx(4 / 12)
    samples = 10 ** np.random.default_rng(3).uniform(-3, -1, 20_000)  # the prior itself
    r = recover_one(0.01, samples, None, p)
    assert r["true"] == pytest.approx(-2.0)
    assert r["contraction"] == pytest.approx(0.0, abs=0.03) and r["in90"]


def test_narrowing_and_its_refusal():
    p = narrow(WIDE, {"theta": [-1.0, 1.0]})
    assert (p.low, p.high) == (-1.0, 1.0) and prior_variance(p) == pytest.approx(4 / 12)
    assert narrow(WIDE, None) is WIDE
    with pytest.raises(ValueError, match="not inside the prior"):
        narrow(WIDE, {"theta": [-20.0, 1.0]})


def test_reweighting_under_other_priors():
    rng = np.random.default_rng(4)
    lin = Prior("a", 1.0, 100.0, "linear", "source", "")
    log = Prior("b", 1.0, 100.0, "log", "source", "")
    params = pd.DataFrame({"a": rng.uniform(1, 100, 5000), "b": 10 ** rng.uniform(0, 2, 5000)})
    w = np.full(5000, 1 / 5000)
    # flipping the scale: 'a' becomes log-uniform (mass moves down), 'b' uniform (moves up)
    flip = reweight(w, log_prior_ratio(params, [lin, log], "flip_scale"))
    assert np.sum(flip * params["a"]) < 35 and np.sum(flip * params["b"]) > 35
    # half the width: particles outside the central half get weight 0
    half = reweight(w, log_prior_ratio(params, [lin], "half_width"))
    kept = params["a"][half > 0]
    assert kept.min() >= 25.75 - 1e-9 and kept.max() <= 75.25 + 1e-9
    assert ess(half) == pytest.approx(2500, rel=0.05)
    table = sensitivity_table(params, w, [lin, log])
    assert set(table["prior"]) == {"base", "flip_scale", "half_width", "centred"}
    base = table[table["prior"] == "base"]
    assert np.allclose(base["shift_sd"], 0.0) and np.allclose(base["width_ratio"], 1.0)
    hw = table[(table["prior"] == "half_width") & (table["parameter"] == "a")].iloc[0]
    assert hw["width_ratio"] == pytest.approx(0.5, abs=0.05)
    assert math.isclose(ess(np.ones(10)), 10.0)
    with pytest.raises(ValueError, match="one of"):
        log_prior_ratio(params, [lin], "gaussian")


# ----------------------------------------------------------------- Target.synthetic
def synthetic_values(t):
    """Plausible true values for every statistic of a target (facts as observed)."""
    values = {}
    for s in t.stats:
        o = s.observation
        values[s.key] = o.value if s.binary else (o.low * 1.5 if o.low > 0 else 3.0)
    return values


def test_a_synthetic_target_keeps_scales_and_is_consistent_with_its_truth():
    from abm import catalog

    t = catalog.get("belarus").targets(period="fit")
    values = synthetic_values(t)
    syn = t.synthetic(values, np.random.default_rng(5))
    assert syn.keys == t.keys and np.allclose(syn.scales, t.scales) and syn.hard == t.hard
    assert syn.steps == t.steps and syn.period == t.period
    # the truth itself is consistent with what its observer reported
    assert np.all(syn.discrepancies(values) == 0.0)
    # a run twice as large is not, where the observation is a point or a range
    doubled = {k: 2 * v for k, v in values.items()}
    assert np.any(syn.discrepancies(doubled) > 0)
    by_key = {s.key: s.observation for s in syn.stats}
    for s in t.stats:
        o, n = s.observation, by_key[s.key]
        x = values[s.key]
        assert n.pattern == o.pattern and n.error_model == o.error_model
        if math.isinf(o.high):
            assert math.isinf(n.high) and n.low == n.value  # a floor stays a floor
        if o.error_kind.startswith("viasna") and not s.binary:
            assert 0.75 * x - 1e-9 <= n.value <= 0.85 * x + 1e-9
        if o.error_kind == "range" and math.isfinite(o.high) and o.low > 0:
            assert n.low <= x <= n.high
            assert n.high / n.low == pytest.approx(o.high / o.low)
    # the same stream gives the same data; another, other data
    again = t.synthetic(values, np.random.default_rng(5))
    assert [s.observation for s in again.stats] == [s.observation for s in syn.stats]
    other = t.synthetic(values, np.random.default_rng(6))
    assert [s.observation for s in other.stats] != [s.observation for s in syn.stats]


def test_a_synthetic_target_drops_undefined_values_and_refuses_broken_hard_facts():
    from abm import catalog

    t = catalog.get("belarus").targets(period="fit")
    values = synthetic_values(t)
    gone = t.keys[0]
    values[gone] = math.nan
    syn = t.synthetic(values, np.random.default_rng(0))
    assert gone not in syn.keys and len(syn.keys) == len(t.keys) - 1
    broken = dict(values)
    hard = t.hard[0]
    fact = next(s for s in t.stats if s.key == hard).observation
    broken[hard] = 1.0 - fact.value if fact.unit == "bool" else fact.value + 1.0
    with pytest.raises(ValueError, match="violates the hard facts"):
        t.synthetic(broken, np.random.default_rng(0))


def test_a_model_run_is_consistent_with_its_own_synthetic_data():
    from abm import catalog
    from abm.runner import run

    t = catalog.get("belarus").targets(period="fit")
    r = run("belarus", {"scenario": "history", "n_citizens": 1000}, 3, steps=t.steps)
    values = t.summarise(r.series, r.events)
    syn = t.synthetic(values, np.random.default_rng(1))
    kept = [k for k in t.keys if math.isfinite(values[k])]
    assert syn.keys == tuple(kept)
    assert np.all(syn.discrepancies(values) == 0.0)
