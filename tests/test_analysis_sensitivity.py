"""Sobol and Morris through SALib on synthetic sweeps with known answers, and the refusals
that keep SALib from silently returning wrong indices."""

import numpy as np
import pytest

from abm import known_answers
from abm.analysis.load import load
from abm.analysis.sensitivity import SensitivityError, morris, point_outputs, sobol


@pytest.fixture(scope="module")
def sobol_folder(known_results):
    return known_results("sobol", 128, seed=1, replicates=4, keep_series=False)  # 640 points


@pytest.fixture(scope="module")
def gappy(known_results):
    """40 Sobol points, 2 replicates; point 7 lost both runs, point 12 one of them."""
    failed = [(7, 0), (7, 1), (12, 1)]
    return load(known_results("sobol", 8, replicates=2, failed=failed, keep_series=False))


def test_sobol_ranks_the_only_driving_parameter_first(sobol_folder):
    res = load(sobol_folder)
    table = sobol(res, ["uprising", "mutiny"], num_resamples=200)
    up = table[table["output"] == "uprising"].set_index("param")
    assert up["ST"].idxmax() == "a"
    # a's total index clearly above the others', beyond both confidence intervals
    for other in ("b", "c"):
        assert (
            up.loc["a", "ST"] - up.loc["a", "ST_conf"]
            > up.loc[other, "ST"] + up.loc[other, "ST_conf"]
        )
    assert up.loc["a", "S1"] > 0.5
    mut = table[table["output"] == "mutiny"].set_index("param")
    assert mut["ST"].idxmax() == "b"
    # replicate noise is reported: small for the sharp uprising step, larger for mutiny
    assert up["noise_share"].iloc[0] < mut["noise_share"].iloc[0]


def test_constant_output_gets_nan_indices_and_a_note(known_results):
    probabilities = {"never": lambda x: 0.0, "often": lambda x: x["a"]}
    folder = known_results("sobol", 8, probabilities=probabilities, replicates=1, keep_series=False)
    table = sobol(load(folder), num_resamples=50)
    never = table[table["output"] == "never"]
    assert never["ST"].isna().all() and never["note"].str.contains("constant").all()


def test_missing_runs_are_refused_naming_the_points(gappy):
    with pytest.raises(SensitivityError) as err:
        sobol(gappy, ["uprising"])
    msg = str(err.value)
    assert "2 of 40 design points lack some of their 2 replicates" in msg
    assert "(failed or not run; point_id 7, 12)" in msg
    assert "1 have no usable value at all (point_id 7)" in msg
    assert "NaN" not in msg  # nothing returned NaN: only runs are missing
    assert "--resume" in msg and "impute=" in msg


def test_runs_never_written_are_missing_too(known_results):
    folder = known_results("sobol", 8, replicates=1, keep_series=False)
    parts = sorted((folder / "runs").glob("*.parquet"))
    parts[-1].unlink()  # an interrupted sweep: the last batch never ran
    res = load(folder)
    with pytest.raises(
        SensitivityError, match=r"lack some of their 1 replicates \(failed or not run; point_id 2"
    ):
        sobol(res, ["uprising"])


def test_nan_output_is_refused(known_results):
    res = load(known_results("sobol", 8, replicates=2, nan_score=[(3, 0)], keep_series=False))
    with pytest.raises(SensitivityError, match=r"runs at point_id 3 returned NaN") as err:
        sobol(res, ["score"])
    assert "lack some" not in str(err.value)  # no run is missing, one value is NaN
    assert sobol(res, ["uprising"], num_resamples=20)["ST"].notna().all()  # others are fine


def test_imputation_rules_are_explicit_and_recorded(gappy):
    res = gappy
    with pytest.raises(SensitivityError, match=r"no usable run at all \(point_id 7\)"):
        point_outputs(res, ["uprising"], impute="replicates")
    filled = point_outputs(res, ["uprising"], impute="mean")
    assert filled.filled["uprising"] == [7] and filled.incomplete["uprising"] == [12]
    values = filled.values["uprising"]
    others = values.drop(index=7)
    assert values[7] == pytest.approx(others.mean())
    ind = res.indicators()["uprising"].astype(float)
    assert values[12] == ind[(res.runs["point_id"] == 12).to_numpy()].iloc[0]
    table = sobol(res, ["uprising"], impute="mean", num_resamples=20)
    assert table["note"].str.contains("1 points filled with the mean").all()
    with pytest.raises(SensitivityError, match="impute='guess'; allowed"):
        point_outputs(res, ["uprising"], impute="guess")


def test_wrong_design_kind_is_refused(known_results):
    folder = known_results("lhs", 20, replicates=1, keep_series=False)
    with pytest.raises(SensitivityError, match="'sobol' design .* this sweep's design is 'lhs'"):
        sobol(load(folder))
    with pytest.raises(SensitivityError, match="'morris' design"):
        morris(load(folder))


def test_unknown_output_is_refused(sobol_folder):
    with pytest.raises(SensitivityError, match="unknown output 'upriseing'; known: uprising"):
        sobol(load(sobol_folder), ["upriseing"])


def test_morris_ranks_the_driving_parameter_first(known_results):
    folder = known_results("morris", 40, levels=4, seed=2, replicates=6, keep_series=False)
    res = load(folder)
    table = morris(res, ["uprising", "mutiny"], num_resamples=200)
    up = table[table["output"] == "uprising"].set_index("param")
    assert up["mu_star"].idxmax() == "a"
    assert up.loc["a", "mu_star"] > 3 * max(up.loc["b", "mu_star"], up.loc["c", "mu_star"])
    mut = table[table["output"] == "mutiny"].set_index("param")
    assert mut["mu_star"].idxmax() == "b"
    # X is the sampler's matrix from design.parquet, row per point_id
    sampled = known_answers.make_design("morris", dict.fromkeys("abc", (0.0, 1.0)), 40, seed=2).x
    assert np.allclose(res.points.sort_values("point_id")["x_a"], sampled[:, 0])


# -- given-data indices and the parameters/seeds split: known answers ------------------------


def correlated_sample(n: int = 600, seed: int = 3):
    """x1, x2 correlated (rho ~ 0.5) and x3 independent; y reads x1 only."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    x1 = rng.random(n)
    x2 = np.clip(0.5 * x1 + 0.5 * rng.random(n), 0, 1)
    x3 = rng.random(n)
    x = pd.DataFrame({"x1": x1, "x2": x2, "x3": x3})
    y = pd.DataFrame(
        {
            "level": np.sin(3 * x1) + 0.1 * rng.standard_normal(n),
            "event": (rng.random(n) < 0.1 + 0.8 * x1).astype(float),
        }
    )
    return x, y


@pytest.mark.parametrize("method", ["delta", "pawn"])
def test_given_data_finds_the_only_input_the_output_reads(method):
    from abm.analysis.sensitivity import DUMMY, given_data

    x, y = correlated_sample()
    table = given_data(x, y, method, num_resamples=30)
    key = "delta" if method == "delta" else "median"
    for out in ("level", "event") if method == "pawn" else ("level",):
        t = table[table["output"] == out].set_index("param")
        assert t[key].idxmax() == "x1"
        floor = t.loc[DUMMY, key]
        assert t.loc["x1", key] > 3 * floor  # far above the noise floor
        assert t.loc["x3", key] < 2 * floor + 0.05  # the independent input ~ the floor
        # x2 borrows some of x1's signal through their correlation: between the two
        assert t.loc["x3", key] < t.loc["x2", key] < t.loc["x1", key]
    if method == "delta":
        ev = table[table["output"] == "event"].set_index("param")
        assert ev["delta"].isna().all() and ev["note"].str.contains("two-valued").all()
        assert ev["S1"].idxmax() == "x1" and ev.loc["x1", "S1"] > 0.12  # true S1 = 0.21
        assert abs(ev.loc["x3", "S1"]) < 0.1


def test_given_data_refuses_bad_input():
    import pandas as pd

    from abm.analysis.sensitivity import given_data

    x, y = correlated_sample(100)
    with pytest.raises(SensitivityError, match="method='sobol'; allowed: delta, pawn"):
        given_data(x, y, "sobol")
    with pytest.raises(SensitivityError, match=r"input\(s\) c are constant"):
        given_data(x.assign(c=1.0), y, "pawn")
    with pytest.raises(SensitivityError, match="x has 100 rows and y 99"):
        given_data(x, y.iloc[:99], "pawn")
    t = given_data(x, pd.DataFrame({"never": np.zeros(100)}), "pawn")
    assert t["median"].isna().all() and (t["note"] == "constant (0)").all()


def test_variance_split_recovers_a_known_split_and_corrects_for_few_seeds():
    import pandas as pd

    from abm.analysis.sensitivity import variance_split

    rng = np.random.default_rng(5)
    draws, reps = 400, 4
    group = np.repeat(np.arange(draws), reps)
    mu = rng.standard_normal(draws)  # parameters' part: variance 1
    y = pd.DataFrame(
        {
            "quarter": mu[group] + np.sqrt(3.0) * rng.standard_normal(draws * reps),  # 1 / 4
            "seeds_only": rng.standard_normal(draws * reps),  # 0
        }
    )
    # a 0/1 outcome whose probability is Beta(2, 6) across draws: known split
    p = rng.beta(2.0, 6.0, draws)
    y["event"] = (rng.random(draws * reps) < p[group]).astype(float)
    a, b = 2.0, 6.0
    m = a / (a + b)
    var_p = a * b / ((a + b) ** 2 * (a + b + 1))
    true_event = var_p / (m * (1 - m))
    t = variance_split(y, group, boot=500).set_index("output")
    q = t.loc["quarter"]
    assert abs(q["param_share"] - 0.25) < 0.06 and q["low"] < 0.25 < q["high"]
    assert q["high"] - q["low"] < 0.2
    assert abs(q["variance"] - 4.0) < 0.5 and abs(q["within"] - 3.0) < 0.3
    assert q["param_share"] + q["seed_share"] == pytest.approx(1.0)
    e = t.loc["event"]
    assert e["low"] < true_event < e["high"]
    s = t.loc["seeds_only"]
    # uncorrected, R = 4 seeds leave ~1/(R+1) = 0.2 of pure noise in the draw means
    assert abs(s["uncorrected_share"] - 0.2) < 0.05
    assert s["param_share"] < 0.05 and s["low"] == 0.0


def test_variance_split_refuses_single_replicates():
    import pandas as pd

    from abm.analysis.sensitivity import variance_split

    y = pd.DataFrame({"a": [0.0, 1.0, 1.0, 0.0, 1.0]})
    with pytest.raises(SensitivityError, match=r"1 draw\(s\) have fewer than 2 replicates"):
        variance_split(y, [0, 0, 1, 1, 2])
