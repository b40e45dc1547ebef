"""PRIM boxes and feature scores on synthetic sweeps whose answer we know."""

import numpy as np
import pandas as pd
import pytest

from abm import known_answers
from abm.analysis.discovery import feature_scores, prim_box, prim_boxes
from abm.analysis.load import load


@pytest.fixture(scope="module")
def results(known_results):
    never = {**known_answers.TOY_PROBABILITIES, "never": lambda x: 0.0}
    return load(
        known_results("lhs", 400, seed=4, probabilities=never, replicates=3, keep_series=False)
    )


def test_prim_box_restricts_only_the_driving_parameter(results):
    boxes, skipped = prim_boxes(results, ["uprising", "never"])
    box = boxes["uprising"]
    assert box.box["param"].tolist() == ["a"]  # the only restricted dimension
    assert box.box.loc[0, "low"] == pytest.approx(0.6, abs=0.05)
    assert box.box.loc[0, "qp_low"] < 1e-6
    s = box.stats
    assert s["density"] > 0.85 and s["coverage"] > 0.8
    assert s["mass"] == pytest.approx(0.4, abs=0.05)
    assert s["res_dim"] == 1 and s["k"] <= s["n"]
    assert "never" in skipped and "0 of 1200" in skipped["never"]


def test_box_statistics_agree_with_a_direct_count(results):
    box = prim_boxes(results, ["uprising"])[0]["uprising"]
    frame = results.frame()
    lo, hi = box.box.loc[0, "low"], box.box.loc[0, "high"]
    inside = frame["a"].between(lo, hi)
    hit = frame["uprising"]
    assert box.stats["n"] == inside.sum()
    assert box.stats["density"] == pytest.approx(hit[inside].mean())
    assert box.stats["coverage"] == pytest.approx(hit[inside].sum() / hit.sum())
    assert box.stats["mass"] == pytest.approx(inside.mean())


def test_chosen_box_has_only_significant_restrictions():
    """With pure noise in b and c, PRIM's last peels restrict them; the rule must not."""
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(size=(3000, 3)), columns=["a", "b", "c"])
    y = rng.random(3000) < np.where(x["a"] > 0.6, 0.9, 0.1)
    result = prim_box(x, y, "noisy")
    assert result.box["param"].tolist() == ["a"]
    peeled = result.trajectory[~result.trajectory["dropped"]]
    assert peeled["res_dim"].iloc[-1] > 1  # PRIM itself went on to peel noise
    assert result.trajectory.loc[result.chosen, "significant"]


def test_insignificant_restrictions_of_the_chosen_box_are_dropped():
    """Here the best-balanced box on PRIM's trajectory also restricts a noise parameter;
    dropping it leaves a box on a alone, with statistics recomputed (checked by counting)."""
    rng = np.random.default_rng(0)
    x = pd.DataFrame({k: rng.uniform(size=2000) for k in ("a", "b", "c")})
    y = rng.random(2000) < np.where(x["a"] > 0.7, 0.5, 0.03)
    result = prim_box(x, y, "rare")
    assert result.trajectory["dropped"].any()
    assert result.trajectory.loc[result.chosen, "dropped"]
    assert result.box["param"].tolist() == ["a"]
    lo, hi = result.box.loc[0, "low"], result.box.loc[0, "high"]
    inside = x["a"].between(lo, hi)
    assert result.stats["n"] == inside.sum()
    assert result.stats["density"] == pytest.approx(y[inside].mean())
    assert result.stats["coverage"] == pytest.approx(y[inside].sum() / y.sum())


def test_feature_scores_rank_the_driving_parameter_first(results):
    scores = feature_scores(results, ["uprising", "mutiny", "never"])
    assert list(scores.index) == ["a", "b", "c"]
    assert "never" not in scores.columns  # no information in a constant outcome
    assert scores["uprising"].idxmax() == "a"
    assert scores["mutiny"].idxmax() == "b"
    assert scores["uprising"].sum() == pytest.approx(1.0)
