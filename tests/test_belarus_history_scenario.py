"""The history scenario: its inputs built from inputs.csv, the piecewise schedule form they
use, the new inputs' mechanisms, and the date every output carries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from abm.belarus.actors.citizens import PRO_WESTERN, Conditions, group_legitimacy
from abm.belarus.history import load_inputs, week_of, week_start
from abm.belarus.history.data import HistoryDataError
from abm.belarus.history.patterns import observations
from abm.belarus.history.scenario import (
    NARRATIVE_ONLY,
    SCHEDULED,
    history_params,
    input_schedule,
)
from abm.belarus.model import BelarusModel
from abm.belarus.params import BELARUS_PARAMS
from abm.belarus.scenarios import get_scenario
from abm.belarus.world_params import LATE_2022_WEEK
from abm.runner import prepare
from abm.schedule import Schedule


# ------------------------------------------------------------------ the piecewise form
def test_a_piecewise_schedule_holds_each_value_until_the_next_knot():
    s = Schedule.parse("piecewise:0.1@0,0.2@5,0.15@9")
    assert [s.at(t) for t in (0, 4, 5, 8, 9, 500)] == [0.1, 0.1, 0.2, 0.2, 0.15, 0.15]
    assert s.bounds() == (0.1, 0.2)
    assert Schedule.parse(str(s)) == s


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("piecewise:1@3,2@3", "knot 2 starts at 3, not after the previous one's 3"),
        ("piecewise:1", "'1' is not VALUE@FROM"),
        ("piecewise:", "'' is not VALUE@FROM"),
        ("piecewise:1@0,x@4", "could not convert"),
    ],
)
def test_a_bad_piecewise_schedule_is_refused_with_the_reason(text, message):
    with pytest.raises(ValueError, match=message):
        Schedule.parse(text)


def test_a_piecewise_value_outside_a_parameters_range_names_the_parameter():
    with pytest.raises(ValueError, match="parameter 'sanctions'"):
        BELARUS_PARAMS.resolve({"sanctions": "piecewise:0.1@0,1.5@10"})


# ------------------------------------------------------------------ the builder
def _rows(name):
    return [r for r in load_inputs() if r.input == name]


def test_schedules_take_the_files_values_from_their_weeks():
    p = history_params()
    sanctions = Schedule.parse(p["sanctions"])
    for row in _rows("sanctions"):
        same_week = [r for r in _rows("sanctions") if r.week == row.week]
        assert sanctions.at(row.week) == same_week[-1].value  # the week's last row wins
    war = Schedule.parse(p["war_active"])
    # the invasion's week (Sunday 20 Feb - 26 Feb 2022) is a week of war
    assert war.at(week_of("2022-02-19")) == 0 and war.at(week_of("2022-02-24")) == 1
    reserve = Schedule.parse(p["russian_police_reserve"])
    assert reserve.at(0) == 0 and reserve.at(week_of("2020-08-27")) == 1
    assert p["annexed"] is True and p["annexed_from_week"] == week_of("2022-09-30")


def test_an_event_lasts_its_week_and_a_later_start_shifts_every_knot():
    election = _rows("election")
    s = input_schedule(election)
    w = week_of("2025-01-26")
    assert (s.at(0), s.at(1), s.at(w - 1), s.at(w), s.at(w + 1)) == (1, 0, 0, 1, 0)
    late = input_schedule(_rows("sanctions"), start_week=100)
    full = input_schedule(_rows("sanctions"))
    assert [late.at(t) for t in range(150)] == [full.at(100 + t) for t in range(150)]


def test_every_input_is_wired_or_narrated_and_an_unknown_one_is_refused():
    names = {r.input for r in load_inputs()}
    assert names == {*SCHEDULED, "annexed", *NARRATIVE_ONLY}
    stray = replace(load_inputs()[0], input="martian_landing")
    with pytest.raises(HistoryDataError, match="martian_landing are neither wired"):
        history_params([*load_inputs(), stray])


def test_the_narrative_only_inputs_are_not_parameters():
    # russian_troops is the Kremlin's older constant (the joint grouping's 9,000, seeding a
    # substitution): the replay keeps it and narrates the file's dated troop numbers
    assert set(NARRATIVE_ONLY) & {p.name for p in BELARUS_PARAMS} == {"russian_troops"}
    assert "russian_troops" not in history_params()


def test_the_history_scenario_runs_from_the_election_to_the_end_of_2025():
    sc = get_scenario("history")
    assert sc.steps == week_of("2025-12-31") + 1 == 282  # step 1 is week 0
    setup = prepare("belarus", {"scenario": "history"})
    p = setup.params
    assert p.start_week == -1 and p.initial_support_level == 0
    assert p.crackdown_legitimacy_pw == 0 and p.crackdown_police_boost == 0
    assert str(p.sanctions) == history_params(start_week=-1)["sanctions"]


# ------------------------------------------------------------------ the new mechanisms
def _model(**overrides):
    return BelarusModel({"n_citizens": 400, **overrides}, rng=1, faces=False)


def test_moscow_demands_nothing_before_the_war():
    m = _model(war_active="step:0,1,3")
    demands = []
    for _ in range(4):
        m.step()
        demands.append(m.kremlin.demand)
    assert demands[:2] == [0.0, 0.0] and demands[2] > 0


def test_the_legitimacy_shock_costs_pro_western_citizens_only():
    p = BELARUS_PARAMS.resolve({})
    calm, shocked = Conditions(level=0), Conditions(level=0, legitimacy_shock=0.25)
    assert group_legitimacy(p, PRO_WESTERN, calm, True) - group_legitimacy(
        p, PRO_WESTERN, shocked, True
    ) == pytest.approx(0.25)
    assert group_legitimacy(p, 1, calm, True) == group_legitimacy(p, 1, shocked, True)
    m = _model(legitimacy_shock=0.25)
    assert m.citizens.legit_pw == pytest.approx(_model().citizens.legit_pw - 0.25)


def test_moscows_reserve_counts_among_the_loyal_coercive_people_while_it_stands():
    without = _model()
    with_reserve = _model(russian_police_reserve=1.0, russian_reserve_people=5_000)
    assert with_reserve.loyal_coercive_people() == pytest.approx(
        without.loyal_coercive_people() + 5_000
    )
    assert with_reserve.uprising_threshold >= without.uprising_threshold


def test_the_annexation_holds_from_its_week():
    m = _model(annexed_from_week=3)
    assert not m.inputs.annexed
    for _ in range(3):
        m.step()
    assert m.inputs.annexed


# ------------------------------------------------------------------ dates
def test_outputs_are_dated_from_the_start_week():
    default = _model()
    default.run_for(2)
    df = default.series()
    assert list(df.columns[:2]) == ["step", "date"]
    assert df["date"].tolist() == [week_start(LATE_2022_WEEK + s).isoformat() for s in range(3)]
    assert df["date"].iloc[0] == "2022-10-02"
    replay = _model(start_week=0)
    assert replay.series()["date"].iloc[0] == date(2020, 8, 9).isoformat()


# ------------------------------------------------------------------ abm run --scenario history
def test_abm_run_history_sets_the_run_beside_the_history_and_writes_patterns(tmp_path, capsys):
    from abm.cli import main

    out = tmp_path / "history"
    argv = ["run", "--scenario", "history", "--steps", "17", "--set", "n_citizens=1200"]
    assert main(argv + ["--out", str(out)]) == 0
    text = capsys.readouterr().out
    peak = next(line for line in text.splitlines() if line.startswith("2020-08-16"))
    assert "turnout" in peak and "protest_peak_minsk: 150,000 (100,000-200,000)" in peak
    assert "Moscow declares a reserve of Russian law-enforcement officers" in text
    assert "2022-02-20" not in text  # the 17-step run ends in November 2020
    patterns = pd.read_csv(out / "patterns.csv")
    assert len(patterns) == len(observations())
    late = patterns[patterns["end"] > "2020-11-29"]
    assert (late["note"] == "outside the run's weeks").all()
    events = pd.read_csv(out / "events.csv")
    series = pd.read_csv(out / "series.csv")
    assert list(events.columns) == ["step", "date", "event", "cause"]
    assert set(events["date"]) <= set(series["date"]) and series["date"].iloc[-1] == "2020-11-29"
