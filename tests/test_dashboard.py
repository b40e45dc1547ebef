"""The dashboard's parts without a browser: settings, figures, model rebuilds, CLI input."""

from __future__ import annotations

import numpy as np
import pytest

from abm.dashboard import figures
from abm.dashboard.epstein import SPEC as EPSTEIN
from abm.dashboard.spec import Control, ModelSpec, RunSettings, run_class
from abm.errors import ParameterError


# ---------------------------------------------------------------------------- settings
def test_scenario_values_then_overrides_resolve_through_the_models_params():
    s = RunSettings("run1")
    assert EPSTEIN.resolve(s)["legitimacy"].at(0) == pytest.approx(0.89)  # run1's own value
    s = s.with_override("legitimacy", 0.5)
    assert EPSTEIN.resolve(s)["legitimacy"].at(0) == pytest.approx(0.5)
    assert EPSTEIN.control_value(EPSTEIN.controls[0], s) == pytest.approx(0.5)


def test_unknown_scenario_and_bad_override_are_refused_with_the_field_named():
    with pytest.raises(ParameterError, match="scenario"):
        EPSTEIN.resolve(RunSettings("no_such_run"))
    with pytest.raises(ParameterError, match="legitimacy"):
        EPSTEIN.resolve(RunSettings("run2", overrides={"legitimacy": 1.5}))


def test_a_scenario_schedule_is_shown_at_week_0_with_a_note_until_overridden():
    legit = next(c for c in EPSTEIN.controls if c.param == "legitimacy")
    s = RunSettings("run3")  # legitimacy = linear:0.9,0.2,50,120
    assert EPSTEIN.control_value(legit, s) == pytest.approx(0.9)
    assert "linear" in EPSTEIN.control_note(legit, s)
    assert EPSTEIN.control_note(legit, s.with_override("legitimacy", 0.7)) == ""


def test_a_control_must_name_a_real_parameter_and_stay_in_its_range():
    kwargs = {"key": "epstein", "default_scenario": "run2", "model_class": EPSTEIN.model_class}
    with pytest.raises(ValueError, match="unknown"):
        ModelSpec(**kwargs, controls=(Control("no_such_param", "x", 0, 1),))
    with pytest.raises(ParameterError, match="legitimacy"):
        ModelSpec(**kwargs, controls=(Control("legitimacy", "L", 0, 2),))


# ------------------------------------------------------------------------ model rebuild
def test_the_run_class_is_a_pure_function_of_its_settings():
    run = run_class(EPSTEIN)
    s = RunSettings("run2", seed=7, overrides={"legitimacy": 0.7})

    class Reactive:  # what SolaraViz's Reset passes: an object with .value
        value = s

    a, b = run(s), run(Reactive())
    a.run_for(5)
    b.run_for(5)
    assert a.dashboard_settings == b.dashboard_settings == s
    assert a.series().equals(b.series())
    c = run(s.with_seed(8))
    c.run_for(5)
    assert not a.series().equals(c.series())


# ------------------------------------------------------------------------------ figures
def test_grid_codes_tell_quiet_active_police_and_orientation_apart():
    # 2 x 3 grid: cells hold citizen 0, citizen 1, empty, police (index 3), citizen 2, empty
    grid = np.array([0, 1, -1, 3, 2, -1])
    active = np.array([0, 1, 1])
    codes = figures.grid_codes(grid, active, n_citizens=3, height=2, width=3)
    F = figures
    assert codes.tolist() == [[F.QUIET, F.ACTIVE, F.EMPTY], [F.POLICE, F.ACTIVE, F.EMPTY]]
    pro_russian = np.array([True, False, True])
    codes = figures.grid_codes(grid, active, 3, 2, 3, pro_russian=pro_russian)
    assert codes.tolist() == [[F.QUIET_PR, F.ACTIVE, F.EMPTY], [F.POLICE, F.ACTIVE_PR, F.EMPTY]]


def test_region_boundaries_trace_the_border_between_regions():
    # a 4 x 4 grid with a 2 x 2 capital in the top-left corner: its border is 4 cell edges
    regions = np.zeros((4, 4), dtype=int)
    regions[:2, :2] = 1
    segs = figures.region_boundaries(regions)
    assert segs.shape == (4, 2, 2)
    assert figures.region_boundaries(np.zeros((3, 3))).shape == (0, 2, 2)


def test_live_figures_follow_the_run_week_by_week():
    run = run_class(EPSTEIN)(RunSettings("run2", seed=1))
    grid_view, states_view = EPSTEIN.views
    grid, states = grid_view.build(run), states_view.build(run)
    first = (grid.png(), states.png())
    run.run_for(3)
    grid_view.update(grid, run)
    states_view.update(states, run)
    assert grid.png() != first[0] and states.png() != first[1]

    _, active, jailed = run.counts
    assert grid.title.get_text() == f"step 3: {active} active, {jailed} jailed (off the grid)"
    assert [t.get_text() for t in grid.fig.legends[0].get_texts()] == ["quiet", "active", "police"]
    ax = states.ax
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "citizens"
    assert ax.get_xlim() == (0, run.dashboard_horizon)
    assert [t.get_text() for t in states.fig.legends[0].get_texts()] == ["active", "jailed"]
    active_line = ax.get_lines()[0]
    assert list(active_line.get_ydata()) == list(run.series()["active"])
    assert ax.get_ylim()[1] >= max(run.series()["active"].max(), run.series()["jailed"].max())


def test_a_run_stops_at_its_scenario_horizon():
    run = run_class(EPSTEIN)(RunSettings("run2", seed=1))
    run.dashboard_horizon = 2
    run.step()
    assert run.running
    run.step()
    assert not run.running  # SolaraViz disables play and step


# ---------------------------------------------------------------------------------- CLI
def test_cli_refuses_a_bad_port_before_starting_anything(capsys):
    from abm.cli import main

    assert main(["dashboard", "--port", "70000"]) == 2
    assert "'--port'" in capsys.readouterr().err


def test_cli_refuses_a_port_in_use(capsys):
    import socket

    from abm.cli import main

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
    assert "in use" in capsys.readouterr().err


def test_npm_tarball_names_follow_npm_pack():
    from pathlib import Path

    from abm.dashboard.assets import _tarball_for

    with pytest.raises(RuntimeError, match="widgetti-solara-vuetify3-app-5.2.0.tgz"):
        _tarball_for("@widgetti/solara-vuetify3-app@5.2.0", Path("/nonexistent"))


# ---------------------------------------------------------------------- Belarus model
def test_belarus_scenarios_and_controls_are_the_models_own():
    from abm.belarus.params import BELARUS_PARAMS
    from abm.belarus.scenarios import get_scenario, scenario_names
    from abm.dashboard.belarus import SPEC

    assert SPEC.scenario_names() == scenario_names()
    assert SPEC.horizon("baseline") == get_scenario("baseline").steps
    assert all(c.param in BELARUS_PARAMS for c in SPEC.controls)
    # a scenario's values show on the controls until the user moves one
    s = RunSettings("deep_penetration")
    pen = next(c for c in SPEC.controls if c.param == "penetration_initial")
    assert SPEC.control_value(pen, s) == get_scenario("deep_penetration").params[pen.param]


def test_belarus_grid_shows_the_models_actives_police_and_orientation():
    from abm.dashboard import figures as F
    from abm.dashboard.belarus import SPEC, grid_state

    run = run_class(SPEC)(RunSettings("baseline", seed=3, overrides={"n_citizens": 2000}))
    run.run_for(4)
    codes, title = grid_state(run)
    assert codes.shape == (run.height, run.width)
    assert np.isin(codes, (F.ACTIVE, F.ACTIVE_PR)).sum() == run.active
    assert (codes == F.POLICE).sum() == run.world.cops_on_duty().sum()
    on_grid = run.n_cit - run.jailed
    assert np.isin(codes, (F.QUIET, F.ACTIVE, F.QUIET_PR, F.ACTIVE_PR)).sum() == on_grid
    assert np.isin(codes, (F.ACTIVE_PR,)).sum() == run.active_pr
    assert title.startswith(f"week 4: {run.active:,} active")


def test_belarus_views_render_and_plot_people_not_agents():
    from abm.dashboard.belarus import SPEC, people_frame

    run = run_class(SPEC)(RunSettings("forced_intervention", seed=1))
    lives = [(v, v.build(run)) for v in SPEC.views if hasattr(v, "build")]
    run.run_for(3)
    for view, live in lives:
        view.update(live, run)
        assert live.png().startswith(b"\x89PNG"), view.__name__
    df = people_frame(run)
    last = run.series().iloc[-1]
    assert df["jailed"].iloc[-1] == pytest.approx(last["jailed"] * run.people_per_agent)
    assert df["uprising"].iloc[-1] == pytest.approx(last["uprising_threshold"] * run.population)


def test_a_figure_redrawn_week_by_week_equals_one_drawn_afresh():
    """Blitting leaves no trace of earlier weeks: the same state gives the same pixels."""
    from abm.dashboard.belarus import SPEC

    settings = RunSettings("forced_intervention", seed=2, overrides={"n_citizens": 2000})
    run = run_class(SPEC)(settings)
    views = [v for v in SPEC.views if hasattr(v, "build")]
    lives = [v.build(run) for v in views]
    for _ in range(14):
        for view, live in zip(views, lives, strict=True):
            view.update(live, run)
            live.png()
        run.step()
    for view, live in zip(views, lives, strict=True):
        view.update(live, run)
        fresh = view.build(run)
        view.update(fresh, run)
        assert live.png() == fresh.png(), view.__name__


def test_docs_name_every_dashboard_control():
    from pathlib import Path

    from abm.dashboard.belarus import SPEC

    doc = (Path(__file__).resolve().parents[1] / "docs" / "dashboard.md").read_text()
    missing = [c.param for c in SPEC.controls if f"`{c.param}`" not in doc]
    assert not missing, f"docs/dashboard.md does not describe {missing}"


def test_a_control_moved_back_to_the_scenario_value_is_no_change():
    s = RunSettings("run1")
    assert EPSTEIN.same_run(s, s.with_override("legitimacy", 0.89))  # run1's own value
    assert not EPSTEIN.same_run(s, s.with_override("legitimacy", 0.5))
    assert not EPSTEIN.same_run(s, s.with_seed(1))
