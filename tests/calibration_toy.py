"""A toy model with a known ABC posterior, registered in the catalogue like any model, so
the calibration tests run it through the same pipeline as Belarus (issue 13).

One run draws y ~ N(mu, 1) (from the run's seed). The observation is y_obs = 1 read
through a uniform error window of half-width 1: a run is consistent when |y - 1| <= 1, and
its discrepancy is how far y lies outside the window (0 inside). ABC-SMC run down to
epsilon = 0 accepts exactly the consistent runs, so its posterior is exact (Wilkinson 2013):
with mu ~ U(-4, 6), p(mu | data) ~ P(|mu + z - 1| <= 1), z ~ N(0, 1), i.e. mu = 1 + u - z
with u ~ U(-1, 1) (the prior's edges are > 4 sd away): mean 1, variance 1/3 + 1 = 4/3.

``junk`` has a prior and no effect: a nuisance parameter whose posterior is its prior.
``boom`` makes a run raise when mu exceeds it (the failures test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm import catalog
from abm.contract import RunResult
from abm.params import Param, ParamSet
from abm.priors import Prior, Priors

NAME = "calibration_toy"
Y_OBS = 1.0
WINDOW = 1.0
POST_MEAN = 1.0
POST_VAR = 1.0 / 3.0 + 1.0

PARAMS = ParamSet(
    [
        Param("mu", 0.0, "float", "mean of y", low=-10, high=10),
        Param("junk", 0.5, "float", "a parameter without effect", low=0, high=1),
        Param("boom", 100.0, "float", "a run raises when mu > boom", low=-100, high=100),
        Param("count", 3, "int", "an integer parameter", low=1, high=10),
    ]
)


def priors() -> Priors:
    return Priors(
        (
            Prior("mu", -4.0, 6.0, "linear", "assumption", "toy"),
            Prior("junk", 0.0, 1.0, "linear", "assumption", "toy"),
            Prior("count", 1, 9, "linear", "assumption", "toy", integer=True),
        ),
        "toy",
    )


def run(setup, seed: int) -> RunResult:
    p = setup.params
    if p["mu"] > p["boom"]:
        raise RuntimeError(f"boom: mu {p['mu']:.3f} > {p['boom']}")
    y = float(p["mu"] + np.random.default_rng(seed).standard_normal())
    series = pd.DataFrame({"step": [0, 1], "y": [np.nan, y]})
    return RunResult(NAME, dict(p), seed, setup.steps, {"y": y}, series, [])


class ToyTarget:
    """Target-like: one statistic, ``y``, in a window of half-width 1 around 1."""

    period = "fit"
    keys = ("y",)
    steps = 1

    def summarise(self, series, events):
        return {"y": float(series["y"].iloc[-1])}

    def discrepancies(self, values):
        y = float(values.get("y", np.nan))
        if np.isnan(y):
            return np.array([5.0])
        return np.array([max(abs(y - Y_OBS) - WINDOW, 0.0)])

    def rows(self):
        return [{"key": "y", "observed": Y_OBS, "scale": 1.0, "hard": False}]


class EmptyTarget(ToyTarget):
    keys = ()


def targets(period: str = "fit", hard=None, exclude=None):
    if period == "fit":
        return ToyTarget()
    if period == "empty":
        return EmptyTarget()
    raise ValueError(f"period {period!r}: one of fit, empty")


ENTRY = catalog.register(
    catalog.Entry(
        name=NAME,
        title="toy with a known posterior",
        params_ref=PARAMS,
        run_ref=run,
        default_steps=1,
        priors_ref=priors,
        targets_ref=targets,
    )
)


def spec(**abc) -> dict:
    """A small spec of the toy (tests override the [abc] table)."""
    return {
        "name": "toy",
        "model": NAME,
        "period": "fit",
        "estimate": ["mu"],
        "nuisance": "prior",
        "imports": ["calibration_toy"],
        "seed": 7,
        "abc": {
            "population": 200,
            "generations": 8,
            "max_simulations": 20_000,
            "min_epsilon": 0.0,
            "quantile": 0.5,
            "workers": 1,
            **abc,
        },
    }
