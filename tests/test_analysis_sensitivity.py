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
