"""The estimation's figures are written from plain tables (abm.plots.posterior)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from abm.calibration.recovery import recovery_table, sensitivity_table
from abm.plots import posterior as figs
from abm.priors import Prior

PRIORS = [
    Prior("legitimacy_shock", 0.1, 0.4, "linear", "assumption", "toy"),
    Prior("arrest_rate", 1e-3, 1e-1, "log", "source", "toy"),
]


def particles(n=200, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "legitimacy_shock": rng.uniform(0.2, 0.3, n),
            "arrest_rate": 10 ** rng.uniform(-2.5, -1.5, n),
        }
    )
    w = rng.uniform(0.5, 1.5, n)
    return df, w / w.sum()


def written(paths):
    assert paths and all(p.endswith((".png", ".svg")) for p in paths)
    from pathlib import Path

    assert all(Path(p).stat().st_size > 1000 for p in paths)


def test_marginals_pairs_and_sensitivity(tmp_path):
    df, w = particles()
    units = {"legitimacy_shock": "share", "arrest_rate": "per week"}
    assert figs.axis_label(PRIORS[1], units) == "log10 arrest_rate (per week)"
    written(figs.marginals(df, w, PRIORS, str(tmp_path / "m"), units, truths={"arrest_rate": 0.01}))
    written(figs.pairs(df, w, PRIORS, str(tmp_path / "p"), units))
    written(figs.sensitivity(sensitivity_table(df, w, PRIORS), str(tmp_path / "s"), units))


def test_recovery_and_contraction(tmp_path):
    truths = pd.DataFrame(
        {"dataset": [0, 1, 2], "legitimacy_shock": [0.22, 0.25, 0.35], "arrest_rate": [0.01] * 3}
    )
    posts = {k: particles(seed=k) for k in range(3)}
    table = recovery_table(truths, posts, PRIORS)
    written(figs.recovery(table, str(tmp_path / "r")))
    written(figs.contraction(table, str(tmp_path / "c")))


def test_predictive_and_scores(tmp_path):
    rows = []
    for check, f in (("prior", 3.0), ("posterior", 1.2)):
        rows += [
            dict(
                check=check,
                key="crowd",
                label="crowd (2020-09-20)",
                kind="range",
                observed=75e3,
                observed_low=5e4,
                observed_high=1e5,
                pi_low=75e3 / f,
                median=75e3,
                pi_high=75e3 * f,
                p_event=math.nan,
                covered=True,
            ),
            dict(
                check=check,
                key="floor",
                label="detained (2020-12-31)",
                kind="floor",
                observed=33e3,
                observed_low=33e3,
                observed_high=math.inf,
                pi_low=1e4,
                median=3e4,
                pi_high=5e4 * f,
                p_event=0.4,
                covered=True,
            ),
            dict(
                check=check,
                key="fact",
                label="no substitution",
                kind="exact",
                observed=0.0,
                observed_low=0.0,
                observed_high=0.0,
                pi_low=0.0,
                median=0.0,
                pi_high=0.0,
                p_event=1 - 0.2 / f,
                covered=True,
            ),
        ]
    table = pd.DataFrame(rows)
    written(figs.predictive(table, str(tmp_path / "pp"), title="fit period"))
    scores = pd.DataFrame(
        {
            "label": ["crowd", "detained", "no substitution"],
            "score_kind": ["crps (log)", "brier (floor reached)", "brier"],
            "skill": [0.5, -3.5, 0.2],
            "covered_posterior": [True, False, True],
            "covered_prior": [True, True, True],
        }
    )
    written(figs.scores(scores, str(tmp_path / "sc"), title="held out"))
