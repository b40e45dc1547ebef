"""experiments/fit_revolt_emulator.py: the fit recovers a known logistic law, the label
counts revolts and not Moscow's substitutions, the script writes the emulator file in the
contract's form (and resumes to the same file), and ``forced_level`` holds the level."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from abm.errors import ParameterError
from abm.runner import run

CONTRACT_FEATURES = ["level", "unrest", "illegitimacy", "expected_loss_share", "mutinied_share"]


@pytest.fixture
def fit(experiment):
    return experiment("fit_revolt_emulator")


def test_the_fit_recovers_known_logistic_coefficients(fit):
    rng = np.random.default_rng(5)
    n = 40_000
    x = np.column_stack(
        [
            rng.integers(0, 6, n),  # level
            rng.exponential(0.5, n),  # unrest
            rng.uniform(0.1, 0.5, n),  # illegitimacy
            rng.uniform(0.0, 0.6, n),  # expected loss share
            rng.uniform(0.0, 0.4, n),  # mutinied share
        ]
    ).astype(float)
    intercept, coef = -4.0, np.array([0.4, 1.5, 3.0, 2.0, -1.0])
    p = 1.0 / (1.0 + np.exp(-(intercept + x @ coef)))
    y = (rng.random(n) < p).astype(int)
    f = fit.fit_logistic(x, y)
    assert f.intercept == pytest.approx(intercept, abs=0.35)
    np.testing.assert_allclose(f.coef, coef, atol=0.35)
    # unweighted maximum likelihood: the mean prediction matches the event share
    assert fit.predict(f, x).mean() == pytest.approx(y.mean(), abs=1e-4)
    assert fit.auc(y, fit.predict(f, x)) > 0.7


def test_a_fit_without_contrast_is_refused_with_a_reason(fit):
    with pytest.raises(ValueError, match="widen the design"):
        fit.fit_logistic(np.ones((10, 5)), np.zeros(10, dtype=int))


def series(weeks: int, level: int, forced: int, ejected: int | None) -> pd.DataFrame:
    """A run's kept series: the level held from ``forced``, the ruler out from ``ejected``."""
    step = np.arange(weeks + 1)
    in_power = np.ones(step.size, dtype=int)
    if ejected is not None:
        in_power[step >= ejected] = 0
    return pd.DataFrame(
        {
            "step": step,
            "support_level": np.where(step >= forced, level, 3),
            "turnout": 0.01,
            "uprising_threshold": 0.02,
            "legitimacy_pw": 0.6,
            "legitimacy_pr": 0.9,
            "casualties": 100.0 * step,
            "deployed_strength": np.where(step >= forced, 1000.0, 0.0),
            "mutinied_share": 0.0,
            "in_power": in_power,
        }
    )


def test_the_label_counts_a_revolt_and_never_a_substitution(fit):
    assert fit.revolt_week(12, None) == 12
    assert fit.revolt_week(12, float("nan")) == 12
    assert fit.revolt_week(12, 12) is None  # Moscow's replacement, logged in the same week
    assert fit.revolt_week(None, None) is None
    s = series(30, level=2, forced=5, ejected=12)
    revolt = fit.run_rows(s, 2, 0.5, fit.revolt_week(12, None), 5, weeks=10, horizon=4)
    # rows from the decision week 4 while in power (steps 4..11); a revolt in week 12 falls
    # within the horizon of weeks 8..11
    assert list(revolt["step"]) == list(range(4, 12))
    assert list(revolt["revolt"]) == [0, 0, 0, 0, 1, 1, 1, 1]
    replaced = fit.run_rows(s, 2, 0.5, fit.revolt_week(12, 12), 5, weeks=10, horizon=4)
    assert list(replaced["step"]) == list(range(4, 12))
    assert replaced["revolt"].sum() == 0


def test_rows_carry_the_contract_features(fit):
    s = series(40, level=5, forced=3, ejected=None)
    rows = fit.run_rows(s, 5, 0.5, None, 3, weeks=5, horizon=10)
    assert list(rows["step"]) == [2, 3, 4, 5, 6]
    assert rows["decision"].tolist() == [True, False, False, False, False]
    np.testing.assert_allclose(rows["unrest"], 0.5)  # turnout / uprising threshold
    np.testing.assert_allclose(rows["illegitimacy"], 0.5 * 0.4 + 0.5 * 0.1)
    # 100 lost a week of an expedition of 1,000: 10 weeks lose all of it
    np.testing.assert_allclose(rows["expected_loss_share"], 1.0)
    below = fit.run_rows(series(40, 4, 3, None), 4, 0.5, None, 3, weeks=5, horizon=10)
    assert (below["expected_loss_share"] == 0).all()
    with pytest.raises(ValueError, match="forced_level did not hold"):
        fit.run_rows(series(40, 4, 3, None), 2, 0.5, None, 3, weeks=5, horizon=10)


def test_the_script_writes_the_emulator_file_in_the_contract_form_and_resumes(fit, tmp_path):
    work, out, target = tmp_path / "work", tmp_path / "out", tmp_path / "revolt_emulator.json"
    argv = ["--points", "8", "--levels", "0", "5", "--n-citizens", "300"]
    argv += ["--first-week", "1", "--last-week", "3", "--weeks", "2", "--horizon", "6"]
    argv += ["--baseline-week", "2", "--baseline-seeds", "1", "--bootstrap", "5"]
    argv += ["--range", "legitimacy_shock=0.0,0.4", "--rows", "all", "--workers", "1"]
    argv += ["--work", str(work), "--out", str(out), "--json", str(target)]
    assert fit.main(argv) == 0
    data = json.loads(target.read_text())
    assert data["model"] == "logistic"
    assert data["features"] == CONTRACT_FEATURES
    assert isinstance(data["intercept"], float)
    assert len(data["coef"]) == 5 and all(isinstance(c, float) for c in data["coef"])
    assert data["horizon_weeks"] == 6
    prov = data["provenance"]
    assert prov["command"].startswith(".venv/bin/python experiments/fit_revolt_emulator.py")
    assert isinstance(prov["commit"], str) and prov["commit"]
    assert prov["runs"] == 2 * 8 and 0 < prov["events"] <= prov["runs"]
    assert 0.0 <= prov["auc"] <= 1.0 and 0.0 <= prov["brier"] <= 1.0
    assert prov["n_citizens"] == 300
    assert prov["design"]["inputs"]["legitimacy_shock"][:2] == [0.0, 0.4]
    readme = (out / "README.md").read_text()
    assert readme.splitlines()[3].startswith(".venv/bin/python experiments/fit_revolt_emulator")
    for name in ("calibration.png", "coefficients.csv", "per_level_default.csv"):
        assert (out / name).is_file()
    runs_before = len(pd.read_parquet(work / "level_5" / "runs"))
    assert fit.main(argv) == 0  # resumes: nothing to rerun, the same emulator
    assert len(pd.read_parquet(work / "level_5" / "runs")) == runs_before == 8
    assert json.loads(target.read_text()) == data


def test_forced_level_holds_the_level_from_the_forced_week():
    r = run("belarus", {"n_citizens": 300, "forced_intervention_week": 4, "forced_level": 2}, 3, 12)
    level = r.series.set_index("step")["support_level"]
    assert (level.loc[4:] == 2).all()
    assert level.loc[0] == 3  # his own choice before it (the initial level)
    default = run("belarus", {"n_citizens": 300, "forced_intervention_week": 4}, 3, 12)
    assert (default.series.set_index("step")["support_level"].loc[4:] == 5).all()


def test_a_forced_level_outside_the_levels_is_refused():
    with pytest.raises(ParameterError, match="forced_level"):
        run("belarus", {"forced_level": 6}, 1, 1)
