"""BelarusModel: determinism, conservation, each switch's effect, each mechanism's direction."""

from __future__ import annotations

import numpy as np
import pytest

from abm.belarus.actors.army import UKRAINE
from abm.belarus.actors.kremlin import demanded_support
from abm.belarus.model import SERIES, BelarusModel
from abm.belarus.params import BELARUS_PARAMS, EXTENSIONS, MECHANISMS

SMALL = {"n_citizens": 1500}
REQUIRED_SERIES = [
    "support_level",
    "demanded_support",
    "desperation",
    "exasperation",
    "penetration",
    "dependence",
    "nato_credibility",
    "legitimacy_pw",
    "legitimacy_pr",
    "active",
    "active_pw",
    "active_pr",
    "quiet",
    "jailed",
    "active_share",
    "police_on_duty",
    "army_strength",
    "deployed_strength",
    "casualties",
    "army_morale",
    "mutinied_share",
    "security_loyalty",
]


def run(steps: int = 40, seed: int = 1, **params) -> BelarusModel:
    m = BelarusModel({**SMALL, **params}, rng=seed, faces=False)
    m.run_for(steps)
    return m


def test_series_have_the_documented_names_step_first_one_row_per_week():
    m = run(steps=12)
    df = m.series()
    assert list(df.columns[:1]) == ["step"] and set(REQUIRED_SERIES) <= set(df.columns)
    assert set(SERIES) <= set(df.columns)
    assert df["step"].tolist() == list(range(13))
    assert m.world is not None and m.final_class() == "status_quo"
    assert {e for _, e, _ in m.events} <= {"purge"}  # purges are logged, not outcomes


def test_same_seed_same_run_other_seed_other_run():
    a = run(seed=7, scenario="forced_intervention")
    b = run(seed=7, scenario="forced_intervention")
    c = run(seed=8, scenario="forced_intervention")
    assert a.series().equals(b.series()) and a.events == b.events
    assert not a.series().equals(c.series())


def test_soldiers_and_citizens_are_conserved():
    m = run(steps=50, scenario="forced_intervention")
    df = m.series()
    assert (df["army_strength"] + df["casualties"] == m.army_initial).all()
    assert (df["quiet"] + df["active"] + df["jailed"] == m.n_cit).all()
    assert (df["active_pw"] + df["active_pr"] == df["active"]).all()
    assert df["casualties"].iloc[-1] > 0


def test_faces_are_mesa_agents_with_an_orientation():
    m = BelarusModel({"n_citizens": 400}, rng=0)
    from abm.belarus.actors.citizens import BelarusCitizen

    citizens = m.agents_by_type[BelarusCitizen]
    assert len(citizens) == 400
    shares = citizens.groupby("orientation").count()
    assert set(shares) == {"pro_western", "pro_russian"}
    m.run_for(2)
    assert {a.state for a in citizens} <= {"quiet", "active", "jailed"}


# ------------------------------------------------------------------ mechanism directions
def test_a_stronger_ukraine_raises_deployed_losses():
    """The cap on Ukraine's sector force binds below the expedition (18,600 x kappa 1)."""
    common = dict(steps=30, forced_intervention_week=1, mech_revolt=False)
    weak = run(ukraine_strength=5_000, **common).series()["casualties"].iloc[-1]
    strong = run(ukraine_strength=120_000, **common).series()["casualties"].iloc[-1]
    assert strong > 2 * weak > 0


def test_without_the_nato_excuse_support_rises_sooner():
    def mean_support(**kw):
        return np.mean(
            [
                run(steps=52, seed=s, **kw).series()["support_level"].iloc[1:].mean()
                for s in range(4)
            ]
        )

    assert mean_support(mech_nato_excuse=False) > mean_support()


def test_sanctions_raise_dependence_and_leverage_through_mechanism_one():
    low = run(steps=30, sanctions=0.0).series()
    high = run(steps=30, sanctions=1.0).series()
    assert high["dependence"].iloc[-1] > low["dependence"].iloc[-1]
    assert high["leverage"].iloc[-1] > low["leverage"].iloc[-1]
    off = run(steps=30, sanctions=1.0, mech_sanctions_dependence=False).series()
    assert off["dependence"].iloc[-1] == pytest.approx(low["dependence"].iloc[-1])


def test_forced_intervention_puts_units_in_ukraine_and_breeds_mutiny():
    m = run(steps=40, forced_intervention_week=5)
    weeks = {e: s for s, e, _ in reversed(m.events)}
    assert weeks["intervention"] == 5
    assert weeks["mutiny"] > 5
    baseline = run(steps=40)
    assert "mutiny" not in [e for _, e, _ in baseline.events]


def test_an_intervention_is_logged_even_when_all_deployed_units_mutiny_that_week():
    """Against a huge Ukrainian force the expedition is routed and mauled in its first week,
    so no unit is in Ukraine at the week's end; the intervention must still be logged, in
    the first week with casualties."""
    huge = dict(ukraine_strength=1_000_000, ukraine_sector_initial=1_000_000)
    m = run(steps=14, seed=1, forced_intervention_week=12, **huge)
    df = m.series()
    first_fight = int(df.loc[df["casualties"] > 0, "step"].iloc[0])
    assert df["deployed_strength"].iloc[first_fight] == 0  # all withdrew by the week's end
    weeks = [s for s, e, _ in m.events if e == "intervention"]
    assert weeks == [first_fight]
    names = [e for _, e, _ in m.events]
    assert names.index("intervention") < names.index("mutiny")


def test_a_loyalist_toppled_by_revolt_is_logged_but_is_not_an_outcome():
    m = BelarusModel(SMALL, rng=0, faces=False)
    m.regime, m.uprising_on = "loyalist", True
    for u in m.security:  # every service has stopped defending the regime
        u.defected = True
    m.security.defect(7)
    assert m.regime == "transitional"
    assert [(s, e) for s, e, _ in m.events] == [(7, "loyalist_ejection")]
    assert "loyalist loses power" in m.events[0][2] and "0%" in m.events[0][2]
    assert m.final_class() == "status_quo"


def test_the_initial_demand_is_recorded_at_step_zero():
    """Step 0 of the series records Moscow's demand from the initial state (it was 0.0,
    computed first in week 1); week 1 recomputes it from the same inputs."""
    m = BelarusModel(SMALL, rng=1, faces=False)
    p, k = m.p, m.kremlin
    expected = demanded_support(p, k.desperation, p.counteroffensive.at(0), p.annexed, 0.0)
    assert expected > 0
    assert m.series()["demanded_support"].iloc[0] == pytest.approx(expected)


def test_desperation_raises_the_demand():
    calm = run(steps=30, war_trajectory=0.1).series()["demanded_support"].iloc[-1]
    desperate = run(steps=30, war_trajectory=1.0).series()["demanded_support"].iloc[-1]
    assert desperate > calm


# ------------------------------------------------------------------------------ switches
def _diff(col: str, steps: int = 30, **params):
    def effect(switch: str) -> tuple:
        on = run(steps=steps, **params).series()[col]
        off = run(steps=steps, **{switch: False}, **params).series()[col]
        return on, off

    return effect


SWITCH_CHECKS = {
    "mech_sanctions_dependence": ("dependence", {}, lambda on, off: on.iloc[-1] > off.iloc[-1]),
    "mech_graded_complicity": (
        "support_level",
        {},
        lambda on, off: set(off.iloc[1:]) <= {0, 5} and set(on.iloc[1:]) & {1, 2, 3, 4},
    ),
    # the demand answers the unrest of a run that diverges: compare it on average
    "mech_union_doctrine": (
        "demanded_support",
        {},
        lambda on, off: on.iloc[1:].mean() > off.iloc[1:].mean(),
    ),
    "mech_substitution": ("penetration", {}, lambda on, off: on.iloc[-1] != off.iloc[-1]),
    "mech_revolt": (
        "mutinied_share",
        {"forced_intervention_week": 2},
        lambda on, off: on.iloc[-1] > 0 and (off == 0).all(),
    ),
    # The excuse and the warning are his choices (issue 12): switch them where they pay -
    # the excuse at any relief, the warning at any revolt risk - while Moscow asks for more
    # than he gives (a wider demand).
    # At a level held fixed (forced 3) the excuse forgives part of the unmet demand, so
    # Moscow's exasperation grows more slowly (left free, he may answer the excuse by
    # giving less, which says nothing about the switch).
    "mech_nato_excuse": (
        "exasperation",
        {
            "demand_base": 4.5,
            "ruler_excuse_threshold": 0.0,
            "forced_intervention_week": 1,
            "forced_level": 3,
        },
        lambda on, off: on.iloc[-1] < off.iloc[-1],
    ),
    # a warning raises Moscow's perceived risk by the unrest behind it (mechanism 7)
    "mech_warning": (
        "instability",
        {"demand_base": 3.6, "ruler_warning_risk": 0.0},
        lambda on, off: on.iloc[1:].mean() > off.iloc[1:].mean(),
    ),
    "mech_repression": ("police_on_duty", {}, lambda on, off: on.iloc[-1] > off.iloc[-1]),
    "ext_orientations": (
        "legitimacy_pw",
        {},
        lambda on, off: on.iloc[-1] < off.iloc[-1],  # off: one shared legitimacy
    ),
    "ext_casualties": (
        "legitimacy_pr",
        {"forced_intervention_week": 2, "mech_revolt": False},
        lambda on, off: on.iloc[-1] < off.iloc[-1],
    ),
    "ext_mobilisation": (
        "hardship",
        {"forced_intervention_week": 2},
        lambda on, off: on.iloc[-1] > off.iloc[-1],
    ),
    "ext_hardship": ("hardship", {}, lambda on, off: on.iloc[-1] > 0 and (off == 0).all()),
    "ext_cascades": ("turnout", {}, lambda on, off: not on.equals(off)),
    "ext_fatigue": ("turnout", {}, lambda on, off: not on.equals(off)),
    "ext_prosecution": (
        "political_prisoners",
        {},
        lambda on, off: on.iloc[-1] > on.iloc[0] and (off.diff().iloc[1:] <= 0).all(),
    ),
}


def test_every_switch_is_checked():
    assert set(SWITCH_CHECKS) == set(MECHANISMS) | set(EXTENSIONS)


@pytest.mark.parametrize("switch", sorted(SWITCH_CHECKS))
def test_each_switch_switches_its_mechanism(switch):
    col, params, check = SWITCH_CHECKS[switch]
    on, off = _diff(col, **params)(switch)
    assert check(on, off), (switch, on.tail(3).tolist(), off.tail(3).tolist())


# ------------------------------------------------------------------------------ outcomes
def test_outcomes_are_detected_from_a_constructed_state():
    m = BelarusModel(SMALL, rng=0, faces=False)
    m.army.units[0].location = UKRAINE
    m.army.record_intervention(1)  # logged at deployment (week 1), once
    m.army.record_intervention(2)
    m._detect(1)
    assert [e for _, e, _ in m.events] == ["intervention"]
    for u in m.army.units[:12]:
        u.mutiny("refuse", f"{u.name} refuses (constructed)")
    m._detect(2)
    names = [e for _, e, _ in m.events]
    assert names.count("mutiny") == 12 and names.count("mass_mutiny") == 1
    m._detect(3)  # nothing new: each unit's mutiny and the mass mutiny are logged once
    assert len(m.events) == len(names)
    m.turnout = 2 * m.uprising_threshold
    m._detect(4)
    m.turnout = 0.4 * m.uprising_threshold  # below half the threshold: the uprising ends
    m._detect(5)
    m.turnout = 2 * m.uprising_threshold  # a second onset is a second uprising
    m._detect(6)
    assert [s for s, e, _ in m.events if e == "uprising"] == [4, 6]
    assert m.final_class() == "mass_mutiny"
    assert all(isinstance(c, str) and c for _, _, c in m.events)


def test_resolved_parameters_are_taken_as_they_are_and_run_as_the_raw_ones_do():
    values = BELARUS_PARAMS.resolve(SMALL)
    given = BelarusModel(values, rng=3, faces=False)
    raw = BelarusModel(SMALL, rng=3, faces=False)
    assert given.p is values  # not validated (copied) again
    given.run_for(8)
    raw.run_for(8)
    assert given.series().equals(raw.series()) and given.events == raw.events
