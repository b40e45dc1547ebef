"""EpsteinModel: parameters, presets, schedules, determinism and the Mesa agent faces."""

from __future__ import annotations

import math

import mesa
import numpy as np
import pandas as pd
import pytest

from abm.engine.agents import Citizen, Cop
from abm.engine.model import FACE_LIMIT, EpsteinModel
from abm.engine.params import EPSTEIN_PARAMS
from abm.engine.presets import preset, preset_names
from abm.errors import ParameterError
from abm.runner import run
from abm.schedule import Schedule

SMALL = {"width": 20, "height": 20, "vision": 4, "cop_vision": 4}


def series(params, seed, steps) -> pd.DataFrame:
    m = EpsteinModel(params, rng=seed, faces=False)
    m.run_for(steps)
    return m.series()


# ------------------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    ("params", "field", "allowed"),
    [
        ({"legitimacy": 1.5}, "legitimacy", "[0, 1]"),
        ({"legitimacy": "linear:0.9,1.2,5,10"}, "legitimacy", "[0, 1]"),
        ({"arrest_rule": "ceil"}, "arrest_rule", "literal, floor, round"),
        ({"vision_shape": "hex"}, "vision_shape", "von_neumann"),
        ({"jail_draw": "poisson"}, "jail_draw", "uniform, netlogo, fixed"),
        ({"max_jail_term": 2.5}, "max_jail_term", "an integer or inf"),
        ({"width": 2}, "width", "[3, 20000]"),
        ({"legitimacyy": 0.5}, "legitimacyy", "did you mean legitimacy"),
        ({"citizen_density": 0.95, "cop_density": 0.1}, "cop_density", "at most 1 - citizen"),
        ({"width": 10, "height": 30, "vision": 5}, "vision", "below half the grid side"),
        (
            {"jail_location": "in_place", "cop_moves_to_arrest": True},
            "cop_moves_to_arrest",
            "jail_location = in_place",
        ),
    ],
)
def test_bad_parameters_name_field_value_and_allowed(params, field, allowed):
    with pytest.raises(ParameterError) as err:
        EpsteinModel(params, rng=0)
    assert err.value.field == field
    assert allowed in err.value.allowed
    assert field in str(err.value) and allowed in str(err.value)
    assert repr(err.value.value) in str(err.value)  # the value given is named too


def test_unknown_preset_lists_the_presets():
    with pytest.raises(ParameterError, match="run1, run2"):
        preset("run9")


def test_presets_carry_table_2():
    def p(name):
        return EPSTEIN_PARAMS.resolve(preset(name)[0])

    assert set(preset_names()) >= {"run1", "run2", "run3", "run4", "run5", "netlogo"}
    r1 = p("run1")
    assert (r1["vision"], r1["legitimacy"].at(0), r1["max_jail_term"]) == (1.7, 0.89, 15)
    assert r1["movement"] is False and r1["cop_movement"] is True
    r2 = p("run2")
    assert (r2["vision"], r2["legitimacy"].at(0), r2["max_jail_term"]) == (7, 0.82, 30)
    assert r2["cop_density"].at(0) == 0.04 and r2["arrest_rule"] == "literal"
    r3, r4, r5 = p("run3"), p("run4"), p("run5")
    for r in (r3, r4, r5):
        assert r["max_jail_term"] == math.inf and r["cop_density"].at(0) == 0.074
    # run 3: 0.9 -> 0.2 in steps of 0.01 (absolute), run 4: one jump 0.9 -> 0.7
    lg = [r3["legitimacy"].at(t) for t in range(0, 200)]
    assert lg[0] == 0.9 and lg[-1] == pytest.approx(0.2)
    drops = -np.diff(lg)
    assert drops.max() == pytest.approx(0.01) and np.all(drops >= -1e-12)
    l4 = [r4["legitimacy"].at(t) for t in range(200)]
    assert sorted(set(l4)) == [0.7, 0.9] and np.count_nonzero(np.diff(l4)) == 1
    assert r5["legitimacy"].at(0) == 0.8
    assert r5["cop_density"].at(0) == 0.074 and r5["cop_density"].at(200) == 0.0
    nl = p("netlogo")
    assert (nl["arrest_rule"], nl["vision_shape"], nl["jail_draw"]) == (
        "floor",
        "euclidean",
        "netlogo",
    )
    assert nl["cop_moves_to_arrest"] and nl["count_self_twice"]
    me = p("mesa_example")
    assert (me["arrest_rule"], me["vision_shape"], me["order"], me["jail_location"]) == (
        "round",
        "von_neumann",
        "act_then_move",
        "in_place",
    )
    assert (me["cop_density"].at(0), me["legitimacy"].at(0), me["max_jail_term"]) == (
        0.074,
        0.8,
        1000,
    )


@pytest.mark.parametrize(
    "name", ["run1", "run2", "run3", "run4", "run5", "netlogo", "mesa_example"]
)
def test_every_preset_runs_at_its_size(name):
    overrides, steps, description = preset(name)
    assert steps > 0 and description
    m = EpsteinModel(overrides, rng=1, faces=False)
    assert (m.p["width"], m.p["height"]) == (40, 40) and m.world.n_cit == 1120
    m.run_for(3)
    assert len(m.series()) == 4
    m.world.check_consistency()


# ------------------------------------------------------------------------ schedules
def test_legitimacy_and_police_follow_their_schedules():
    p = SMALL | {
        "legitimacy": "step:0.9,0.7,5",
        "cop_density": "linear:0.02,0.08,3,9",
        "max_jail_term": 3,
    }
    m = EpsteinModel(p, rng=2, faces=False)
    n_cells = 400
    for _ in range(12):
        m.step()
        t = m.time
        assert m.legitimacy == Schedule.parse("step:0.9,0.7,5").at(t)
        want = round(Schedule.parse("linear:0.02,0.08,3,9").at(t) * n_cells)
        assert int(m.world.cops_on_duty().sum()) == want
        np.testing.assert_allclose(m.grievance, m.world.hardship * (1 - m.legitimacy))
        m.world.check_consistency()
    s = m.series()
    assert s["legitimacy"].tolist() == [0.9] * 5 + [0.7] * 8  # row t = after step t
    assert s["cops"].iloc[0] == 8 and s["cops"].iloc[-1] == 32


def test_police_walked_down_leave_the_grid():
    p = SMALL | {"cop_density": "linear:0.074,0,2,8"}
    s = series(p, 3, 10)
    assert s["cops"].iloc[0] == round(0.074 * 400)
    assert s["cops"].iloc[-1] == 0
    assert (np.diff(s["cops"]) <= 0).all()


# ----------------------------------------------------------------------- determinism
def test_same_seed_same_series_different_seed_different():
    p = SMALL | {"arrest_rule": "floor", "legitimacy": 0.75}
    a, b, c = series(p, 7, 40), series(p, 7, 40), series(p, 8, 40)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["quiet", "active", "jailed"]].equals(c[["quiet", "active", "jailed"]])


def test_faces_do_not_change_the_dynamics():
    p = SMALL | {"arrest_rule": "floor", "legitimacy": 0.75}
    with_faces = EpsteinModel(p, rng=9, faces=True)
    with_faces.run_for(20)
    pd.testing.assert_frame_equal(with_faces.series(), series(p, 9, 20))


def test_runner_is_a_pure_function_of_params_and_seed():
    a = run("epstein", {"scenario": "run2", "arrest_rule": "floor"}, seed=4, steps=60)
    b = run("epstein", {"scenario": "run2", "arrest_rule": "floor"}, seed=4, steps=60)
    assert a.summary == b.summary
    pd.testing.assert_frame_equal(a.series, b.series)
    assert a.summary["n_outbursts"] >= 1 and a.params["arrest_rule"] == "floor"


# -------------------------------------------------------------------------- Mesa faces
def test_citizens_and_police_are_registered_mesa_agents():
    m = EpsteinModel(SMALL | {"cop_density": 0.05}, rng=5)
    citizens = m.agents_by_type[Citizen]
    cops = m.agents_by_type[Cop]
    assert isinstance(m, mesa.Model)
    assert issubclass(Citizen, mesa.Agent) and issubclass(Cop, mesa.Agent)
    assert len(citizens) == m.world.n_cit == 280 and len(cops) == 20
    assert len(m.agents) == 300
    assert all(c.model is m for c in citizens)


def test_faces_read_the_arrays_without_going_stale():
    m = EpsteinModel(SMALL | {"legitimacy": 0.6, "arrest_rule": "floor"}, rng=6)
    m.run_for(15)
    w = m.world
    state = w.citizen_state()
    names = np.array(["quiet", "active", "jailed"])[state]
    for c in m.agents_by_type[Citizen]:
        i = c.index
        assert c.state == names[i]
        assert c.hardship == w.hardship[i] and c.risk_aversion == w.risk_aversion[i]
        assert c.grievance == pytest.approx(w.hardship[i] * 0.4)
        if w.pos[i] >= 0:
            assert c.cell == divmod(int(w.pos[i]), w.width)
        else:
            assert c.cell is None and c.state == "jailed"
        assert c.jail_sentence == max(0, int(w.jail_left[i]))
    for cop in m.agents_by_type[Cop]:
        assert cop.on_duty and cop.region == 0 and cop.cell is not None
    # AgentSet idioms work on the faces and agree with the arrays.
    active = m.agents_by_type[Citizen].select(lambda a: a.state == "active")
    assert len(active) == m.counts[1]
    groups = m.agents_by_type[Citizen].groupby("state").count()
    assert groups.get("jailed", 0) == m.counts[2]
    assert m.agents_by_type[Citizen].agg("hardship", np.mean) == pytest.approx(w.hardship.mean())
    before = {c.index: c.cell for c in m.agents_by_type[Citizen]}
    m.step()  # one more step: faces now show the new state
    moved = sum(before[c.index] != c.cell for c in m.agents_by_type[Citizen])
    assert moved > 0


def test_faces_are_optional_and_off_above_the_limit():
    m = EpsteinModel(SMALL, rng=0, faces=False)
    assert len(m.agents) == 0 and m.world.n_cit == 280
    assert FACE_LIMIT >= 250_000
