"""With every mechanism and extension off, the Belarus citizens ARE Epstein's Model 1.

The brief: "With the extensions switched off, the citizen module must behave as Epstein's
model does." We check it draw for draw: same seed, same grid, same police, same series.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors.citizens import CitizenPopulation, Conditions, legitimacies
from abm.belarus.model import BelarusModel
from abm.belarus.params import BELARUS_PARAMS, epstein_equivalent
from abm.engine.model import EpsteinModel

STEPS = 80


def _epstein_settings(legitimacy: float) -> tuple[dict, dict]:
    common = dict(vision=7, cop_vision=7, k=2.3, threshold=0.1, max_jail_term=30)
    belarus = epstein_equivalent(
        n_citizens=1120,  # 0.7 of a 40 x 40 torus
        citizen_density=0.7,
        capital_share=0.0,  # one region
        police_density=0.074,
        legitimacy_pw=legitimacy,
        legitimacy_pr=legitimacy,
        **common,
    )
    epstein = dict(width=40, height=40, citizen_density=0.7, cop_density=0.074, **common)
    epstein["legitimacy"] = legitimacy
    return belarus, epstein


@pytest.mark.parametrize(("legitimacy", "seed"), [(0.82, 0), (0.7, 5)])
def test_belarus_citizens_reproduce_epstein_series_draw_for_draw(legitimacy, seed):
    b_params, e_params = _epstein_settings(legitimacy)
    b = BelarusModel(b_params, rng=seed, faces=False)
    e = EpsteinModel(e_params, rng=seed, faces=False)
    assert (b.width, b.height, b.n_cit) == (40, 40, e.world.n_cit)
    b.run_for(STEPS)
    e.run_for(STEPS)
    cols = ["quiet", "active", "jailed"]
    got, want = b.series()[cols], e.series()[cols]
    assert want["active"].max() > 0, "the comparison must cover some activity"
    assert got.equals(want)


def test_with_extensions_off_grievance_is_h_times_one_minus_l_whatever_the_state():
    p = BELARUS_PARAMS.resolve(epstein_equivalent(legitimacy_pw=0.8, legitimacy_pr=0.8))
    rng = np.random.default_rng(1)
    hardship = rng.random(500)
    pop = CitizenPopulation(p, hardship, rng)
    # Casualties, repression, hardship, intervention and occupation change nothing.
    c = Conditions(level=5, casualty_memory=0.5, repression_memory=0.3, hardship=0.9, occupied=True)
    lpw, lpr = legitimacies(p, c)
    assert lpw == lpr == 0.8
    grievance, threshold = pop.inputs(lpw, lpr, hardship=0.9, observed_share=0.5)
    np.testing.assert_array_equal(grievance, hardship * (1.0 - 0.8))
    np.testing.assert_array_equal(threshold, np.full(500, p["threshold"]))


def test_extensions_on_change_the_citizen_inputs():
    p = BELARUS_PARAMS.resolve({})
    rng = np.random.default_rng(1)
    hardship = rng.random(2000)
    pop = CitizenPopulation(p, hardship, rng)
    lpw, lpr = legitimacies(p, Conditions(level=3))
    assert lpw < lpr  # pro-Western citizens grant the regime less legitimacy
    g, t = pop.inputs(lpw, lpr, hardship=0.3, observed_share=0.0)
    assert (g >= hardship * (1 - max(lpw, lpr)) - 1e-12).all()
    assert t.max() > p["threshold"]  # preference falsification raises thresholds
