"""Outcome probabilities: the Wilson interval against textbook values and exact coverage,
binning of continuous designs, and known probabilities recovered from a results folder."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, binomtest

from abm.analysis.load import load
from abm.analysis.probabilities import levels, outcome_table, wilson_interval

# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score
# interval without continuity correction), 95 %.
NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE)
def test_wilson_matches_newcombe_table(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert float(lo) == pytest.approx(low, abs=5e-5)
    assert float(hi) == pytest.approx(high, abs=5e-5)


def test_wilson_vectorised_agrees_with_scipy_at_other_levels():
    k = np.array([0, 3, 17, 50, 99, 100])
    n = np.full_like(k, 100)
    for conf in (0.8, 0.95, 0.99):
        lo, hi = wilson_interval(k, n, conf)
        for i in range(len(k)):
            ci = binomtest(int(k[i]), int(n[i])).proportion_ci(conf, method="wilson")
            assert lo[i] == pytest.approx(ci.low, abs=1e-12)
            assert hi[i] == pytest.approx(ci.high, abs=1e-12)


@pytest.mark.parametrize("n", [10, 40, 200])
@pytest.mark.parametrize("p", [0.02, 0.1, 0.3, 0.5, 0.85])
def test_wilson_exact_coverage_is_close_to_nominal(n, p):
    """Exact coverage (summing the binomial pmf over every k whose interval holds p)."""
    k = np.arange(n + 1)
    lo, hi = wilson_interval(k, np.full_like(k, n))
    coverage = binom.pmf(k, n, p)[(lo <= p) & (p <= hi)].sum()
    assert coverage >= 0.92  # Brown, Cai & DasGupta (2001): Wilson stays near 0.95
    assert coverage <= 0.99


def test_wilson_edges_and_errors():
    lo, hi = wilson_interval([0, 5, 0], [5, 5, 0])
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert (lo[2], hi[2]) == (0.0, 1.0)  # no runs: know nothing
    with pytest.raises(ValueError, match="0 <= k <= n"):
        wilson_interval(6, 5)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 5, confidence=1.0)


def test_levels_keep_grid_values_and_bin_continuous_ones():
    grid = pd.Series([0.1, 0.5, 0.9] * 4)
    same, edges = levels(grid)
    assert edges is None and same.equals(grid)
    cont = pd.Series(np.linspace(0.0, 1.0, 100))
    binned, edges = levels(cont, bins=4, bounds=(0.0, 1.0))
    assert list(edges) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert sorted(binned.unique()) == [0.125, 0.375, 0.625, 0.875]
    assert binned.iloc[-1] == 0.875  # the upper bound belongs to the last bin


def test_outcome_table_counts_and_flags_thin_cells():
    frame = pd.DataFrame({"x": [1, 1, 1, 2, 2], "happened": [True, False, True, True, True]})
    t = outcome_table(frame, ["x"], ["happened"])
    assert t[["x", "n", "k"]].values.tolist() == [[1, 3, 2], [2, 2, 2]]
    assert t["p"].tolist() == pytest.approx([2 / 3, 1.0])
    assert t["thin"].all()  # fewer than 10 runs each


def test_known_probabilities_fall_inside_their_intervals(known_results):
    """A grid over a with P(uprising) = 0.9 above 0.6 else 0.05, P(mutiny) = 0.6 b."""
    bounds = {"a": (0.2, 0.8), "b": (0.0, 1.0)}
    res = load(known_results("grid", 3, bounds=bounds, replicates=150, keep_series=False))
    table = outcome_table(res.frame(), ["a"], ["uprising"], confidence=0.999)
    truth = np.where(table["a"] > 0.6, 0.9, 0.05)
    assert ((table["low"] <= truth) & (truth <= table["high"])).all()
    table = outcome_table(res.frame(), ["b"], ["mutiny"], confidence=0.999)
    truth = 0.6 * table["b"]
    assert ((table["low"] <= truth) & (truth <= table["high"])).all()
    assert (table["n"] == 450).all() and not table["thin"].any()
