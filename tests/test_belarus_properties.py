"""Invariants of the Belarus model under random parameters (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm.belarus.model import BelarusModel
from abm.belarus.params import EXTENSIONS, INTERVENTION_LEVEL, MECHANISMS

SHARES = [
    "active_share",
    "turnout",
    "mutinied_share",
    "penetration",
    "dependence",
    "nato_credibility",
    "legitimacy_pw",
    "legitimacy_pr",
    "security_loyalty",
    "security_backing",
    "weakness",
    "odds",
    "hazard",
    "hardship",
    "repression",
    "risk_substitution_est",
    "risk_revolt_est",
    "army_morale",
]

unit = st.floats(0.0, 1.0)
params = st.fixed_dictionaries(
    {
        "n_citizens": st.integers(300, 1500),
        "sanctions": unit,
        "war_trajectory": unit,
        "counteroffensive": unit,
        "nato_posture": unit,
        "ukraine_strength": st.floats(0.0, 300_000.0),
        "penetration_initial": unit,
        "legitimacy_pw": unit,
        "legitimacy_pr": unit,
        "police_density": st.floats(0.0, 0.15),
        "pro_western_share": unit,
        "forced_intervention_week": st.integers(-1, 20),
        "capital_share": st.floats(0.0, 0.9),
        "sub_opportunity": unit,
        "resolve_types": st.integers(1, 5),
    },
    optional={name: st.booleans() for name in (*MECHANISMS, *EXTENSIONS)},
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=params, seed=st.integers(0, 2**32 - 1))
def test_no_nan_shares_in_unit_interval_and_conservation(p, seed):
    m = BelarusModel(p, rng=seed, faces=False)
    m.run_for(25)
    df = m.series()
    assert not df.isna().any().any()
    for col in SHARES:
        assert df[col].between(0.0, 1.0).all(), col
    assert df["support_level"].between(0, INTERVENTION_LEVEL).all()
    assert df["demanded_support"].between(0, INTERVENTION_LEVEL).all()
    assert (df["army_strength"] + df["casualties"] == m.army_initial).all()
    assert (df["deployed_strength"] <= df["army_strength"]).all()
    assert (df["quiet"] + df["active"] + df["jailed"] == m.n_cit).all()
    assert (df["active_pw"] + df["active_pr"] == df["active"]).all()
    assert (df["police_on_duty"] <= m.cop_capacity.sum()).all()
    assert np.isfinite(df["exasperation"]).all() and (df["exasperation"] >= 0).all()
    steps = [s for s, _, _ in m.events]
    assert steps == sorted(steps) and all(1 <= s <= 25 for s in steps)
