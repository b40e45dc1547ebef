"""`abm run`, `abm scenarios`, `abm params` and the registered runner."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from abm.belarus.outcomes import (
    LOGGED_ONLY,
    OUTCOMES,
    RANK,
    STATUS_QUO,
    classify,
    first_weeks,
)
from abm.cli import main
from abm.runner import models, run


def test_runner_is_registered_and_summarises_outcomes():
    assert "belarus" in models()
    # (seed 1: Moscow's gamble does not end the run before the forced entry at week 12)
    r = run("belarus", {"scenario": "forced_intervention", "n_citizens": 1200}, seed=1, steps=30)
    s = r.summary
    assert s["scenario"] == "forced_intervention" and s["final_class"] in RANK
    assert s["week_intervention"] == 12
    for o in OUTCOMES:
        assert s[f"week_{o}"] is None or 1 <= s[f"week_{o}"] <= 30
    assert s["max_support_level"] == 5 and s["total_casualties"] > 0
    assert len(r.series) == 31 and r.params["forced_intervention_week"] == 12
    assert r.events == sorted(r.events, key=lambda e: e[0])


def test_runner_appends_status_quo_when_nothing_happens():
    r = run("belarus", {"n_citizens": 1000}, seed=0, steps=5)
    assert r.summary["final_class"] == STATUS_QUO
    outcomes = [e for e in r.events if e[1] not in LOGGED_ONLY]  # purges are only logged
    assert outcomes == [(5, STATUS_QUO, "no outcome by week 5")]
    assert r.events[-1] == outcomes[0]


def test_purges_are_logged_and_counted_but_are_not_outcomes():
    """A run with free purges purges (coup-proofing) without any outcome: each purge is an
    event naming the unit and his believed alignment, the series counts them, and the run is still
    status_quo with no week_purge in the summary."""
    r = run("belarus", {"n_citizens": 1000, "ruler_purge_cost": 0.0}, seed=1, steps=20)
    purges = [e for e in r.events if e[1] == "purge"]
    assert len(purges) >= 2
    assert all("rotates the chiefs of" in c and "believed alignment" in c for _, _, c in purges)
    counts = r.series.set_index("step")["purges"]
    assert counts.iloc[0] == 0 and counts.iloc[-1] == len(purges)
    for step, _, _ in purges:
        assert counts[step] - counts[step - 1] >= 1
    assert r.summary["final_class"] == STATUS_QUO and "week_purge" not in r.summary
    assert r.events[-1][1] == STATUS_QUO and "purge" not in OUTCOMES
    assert classify(purges) == STATUS_QUO and first_weeks(purges)["week_mutiny"] is None


def test_classification_takes_the_highest_ranked_outcome():
    events = [(3, "intervention", "x"), (9, "mutiny", "y"), (12, "uprising", "z")]
    assert classify(events) == "uprising" and classify([]) == STATUS_QUO
    weeks = first_weeks(events + [(14, "mutiny", "again")])
    assert weeks["week_mutiny"] == 9 and weeks["week_substitution"] is None


def test_abm_run_writes_series_events_and_summary(tmp_path, capsys):
    out = tmp_path / "fi"
    argv = ["run", "--scenario", "forced_intervention", "--seed", "4", "--steps", "30"]
    code = main(
        argv
        + ["--set", "n_citizens=1200", "--set", "ukraine_strength=90000", "--out", str(out)]
        + ["--set", "ruler_purge_cost=0"]  # free purges: he purges, and the log must show it
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "week 12: intervention" in text and "final classification:" in text
    series = pd.read_csv(out / "series.csv")
    assert series.columns[0] == "step" and len(series) == 31
    assert {"support_level", "active_share", "casualties", "mutinied_share"} <= set(series.columns)
    with open(out / "events.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    outcomes = [row for row in rows[1:] if row[2] not in LOGGED_ONLY]
    assert rows[0] == ["step", "date", "event", "cause"]
    assert outcomes[0][:3] == ["12", series["date"].iloc[12], "intervention"]
    n_purges = sum(row[2] == "purge" for row in rows[1:])
    assert n_purges > 0 and series["purges"].iloc[-1] == n_purges
    assert "week 1: purge" not in text  # purges are summarised in one line
    assert f"purges (rotations of security chiefs): {n_purges}, weeks" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 4 and summary["scenario"] == "forced_intervention"
    assert summary["params"]["ukraine_strength"] == 90000
    assert set(summary["outcomes"]) == set(OUTCOMES) and summary["outcomes"]["intervention"] == 12
    assert summary["final_class"] in RANK
    assert not list(out.glob(".*tmp"))


@pytest.mark.parametrize(
    "bad",
    [
        ["--set", "sanctions=1.5"],
        ["--set", "not_a_param=1"],
        ["--set", "n_army_units=two"],
        ["--set", "novalue"],
        ["--steps", "-3"],
    ],
)
def test_abm_run_refuses_bad_input_before_writing_anything(tmp_path, capsys, bad):
    out = tmp_path / "never"
    assert main(["run", "--out", str(out), *bad]) == 2
    assert "error" in capsys.readouterr().err
    assert not out.exists()


def test_abm_scenarios_and_params_list_everything(capsys):
    assert main(["scenarios"]) == 0
    text = capsys.readouterr().out
    for name in ("baseline", "forced_intervention", "deep_penetration", "no_nato_excuse"):
        assert name in text
    assert main(["params", "--group", "kremlin"]) == 0
    assert "penetration_initial" in capsys.readouterr().out
    assert main(["params", "--markdown"]) == 0
    assert "| `mech_revolt` |" in capsys.readouterr().out
    assert main(["params", "--group", "nope"]) == 2
