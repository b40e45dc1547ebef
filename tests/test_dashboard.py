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
    kwargs = {k: getattr(EPSTEIN, k) for k in ("key", "title", "params", "scenarios")}
    kwargs.update(default_scenario="run2", model_class=EPSTEIN.model_class)
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


def test_figures_render_with_titles_and_legends():
    run = run_class(EPSTEIN)(RunSettings("run2", seed=1))
    run.run_for(3)
    from abm.dashboard.epstein import _grid

    grid_ax = _grid(run).axes[0]
    quiet, active, jailed = run.counts
    assert grid_ax.get_title() == f"step 3: {active} active, {jailed} jailed (off the grid)"
    labels = [t.get_text() for t in grid_ax.figure.legends[0].get_texts()]
    assert labels == ["quiet", "active", "police"]
    fig = figures.series_figure(
        run.series(), [figures.Line("active", "active", "red")], "t", "citizens", horizon=50
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "week" and ax.get_ylabel() == "citizens"
    assert ax.get_xlim()[1] == 50
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["active"]


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
