"""The history data (issue 11): sourced, dated, ordered, split, and refused when corrupted."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from importlib import resources

import pytest

from abm.belarus.history import (
    HistoryDataError,
    load_inputs,
    load_observed,
    period_of,
    week_of,
    week_start,
)
from abm.belarus.params import BELARUS_PARAMS

INPUTS = load_inputs()
OBSERVED = load_observed()


def _traceable(source: str) -> bool:
    """A source names a page, the shared facts file, the seed article or a named report."""
    return bool(
        re.search(r"https?://|CALIBRATION_FACTS|article \(Bugajski|params\.py|Viasna", source)
    )


def test_every_row_has_a_source_that_can_be_traced():
    for change in INPUTS:
        assert _traceable(change.source), (change.date, change.input, change.source)
    for obs in OBSERVED:
        assert _traceable(obs.source), (obs.pattern, obs.start, obs.source)


def test_every_date_falls_inside_the_history():
    first, last = date(2020, 8, 9), date(2025, 12, 31)
    for change in INPUTS:
        assert first <= change.date <= last
    for obs in OBSERVED:
        assert first <= obs.start <= obs.end <= last


def test_ranges_are_ordered_and_assumptions_have_a_range_to_sweep():
    for change in INPUTS:
        assert change.low <= change.value <= change.high, change
        if change.is_assumption:
            assert change.low < change.high, change
    for obs in OBSERVED:
        assert obs.low <= obs.value <= obs.high, obs


def test_fit_and_holdout_split_at_the_end_of_september_2022():
    for obs in OBSERVED:
        expected = "fit" if obs.end <= date(2022, 9, 30) else "holdout"
        assert obs.period == expected, obs
    periods = {obs.period for obs in OBSERVED}
    assert periods == {"fit", "holdout"}
    assert period_of(date(2022, 9, 30)) == "fit"
    assert period_of(date(2022, 10, 1)) == "holdout"


def test_week_zero_is_the_election_week_and_sundays_open_each_week():
    assert week_of(date(2020, 8, 9)) == 0  # election day, a Sunday
    assert week_of("2020-08-15") == 0
    assert week_of("2020-08-16") == 1  # the first great Sunday march
    assert week_of("2021-08-08") == 52
    assert week_of("2022-02-24") == 80  # the invasion, a Thursday
    assert week_start(80) == date(2022, 2, 20)
    assert week_start(80).weekday() == 6
    for week in range(300):
        assert week_of(week_start(week)) == week
    # the week before the election: the history run's initial state (step 0)
    assert week_of("2020-08-08") == -1 and week_start(-1) == date(2020, 8, 2)


def test_inputs_the_model_already_has_stay_inside_their_declared_ranges():
    shared = {c.input for c in INPUTS} & {p.name for p in BELARUS_PARAMS}
    assert {"sanctions", "war_trajectory", "counteroffensive", "annexed"} <= shared
    for change in INPUTS:
        if change.input not in shared:
            continue
        param = BELARUS_PARAMS[change.input]
        if param.kind == "bool":
            assert change.value in (0.0, 1.0), change
            continue
        assert param.low <= change.low and change.high <= param.high, (change, param)


def test_the_timeline_holds_the_events_the_replay_needs_on_their_dates():
    dated = {(c.input, c.date.isoformat()): c.value for c in INPUTS}
    assert dated[("election", "2020-08-09")] == 1
    assert ("legitimacy_shock", "2020-08-09") in dated
    assert dated[("russian_police_reserve", "2020-08-27")] == 1
    assert dated[("invasion_from_belarus", "2022-02-24")] == 1
    assert dated[("invasion_from_belarus", "2022-04-02")] == 0
    assert dated[("mobilisation_russia", "2022-09-21")] == 300_000
    assert dated[("annexed", "2022-09-30")] == 1
    assert dated[("joint_grouping", "2022-10-10")] == 1
    assert dated[("russian_troops", "2022-10-10")] == 9_000
    assert dated[("wagner_mutiny", "2023-06-24")] == 1
    assert dated[("election", "2025-01-26")] == 1
    sanction_rounds = sorted(c.date for c in INPUTS if c.input == "sanctions")
    assert len(sanction_rounds) >= 10
    levels = [c.value for c in sorted(INPUTS, key=lambda c: c.date) if c.input == "sanctions"]
    assert levels == sorted(levels), "sanctions only tighten in 2020-2025"


def test_observed_patterns_cover_the_fit_period_issue_11_lists():
    fit = {obs.pattern for obs in OBSERVED if obs.period == "fit"}
    assert {
        "protest_peak_minsk",
        "detentions_cumulative",
        "detentions_year",
        "political_prisoners",
        "security_quits",
        "army_defections",
        "troops_in_ukraine",
        "substitution",
        "ruler_in_power",
        "antiwar_protest_2022",
    } <= fit
    viasna = [o for o in OBSERVED if o.error_kind == "viasna_undercount"]
    assert viasna and all("U(0.75, 0.85)" in o.error_model for o in viasna)


# ------------------------------------------------------------------ corrupted copies
def _corrupt(tmp_path, packaged, index, edit):
    """Write a copy of a packaged file with row ``index`` edited; return (path, line)."""
    text = resources.files("abm.belarus.history").joinpath(packaged).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    edit(rows[index])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / packaged
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, index + 2


def _set(**fields):
    return lambda row: row.update(fields)


LOADERS = {"inputs.csv": load_inputs, "observed.csv": load_observed}
CORRUPTIONS = [
    ("inputs.csv", 0, _set(date="2020-13-01"), "date", "not an ISO date"),
    ("inputs.csv", 0, _set(date="2019-12-31"), "date", "outside the history"),
    ("inputs.csv", 2, _set(source=" "), "source", "is empty"),
    ("inputs.csv", 2, _set(low="0.9"), "low", "is above value"),
    ("inputs.csv", 2, _set(high="0.0"), "high", "is below value"),
    ("inputs.csv", 2, _set(low="0.1", high="0.1"), "high", "needs a range to sweep"),
    ("inputs.csv", 2, _set(confidence="sure"), "confidence", "not one of"),
    ("inputs.csv", 2, _set(value="nan"), "value", "finite number"),
    ("inputs.csv", 2, _set(input="Sanctions"), "input", "not a name"),
    ("inputs.csv", 6, _set(value="0.5", high="1"), "value", "unit 'bool'"),
    ("inputs.csv", 12, _set(date="2020-09-29"), "input", "already changes on 2020-09-29"),
    ("inputs.csv", 12, _set(unit="percent"), "unit", "differs from 'index'"),
    ("observed.csv", 0, _set(period="training"), "period", "not one of fit, holdout"),
    ("observed.csv", 0, _set(period="holdout"), "period", "this row is 'fit'"),
    ("observed.csv", 5, _set(period="fit"), "period", "this row is 'holdout'"),
    ("observed.csv", 0, _set(source=""), "source", "is empty"),
    ("observed.csv", 0, _set(low="8000"), "low", "is above value"),
    ("observed.csv", 0, _set(high="6000"), "high", "is below value"),
    ("observed.csv", 1, _set(high="-inf"), "high", "finite number or inf"),
    ("observed.csv", 0, _set(date="2020-08-10"), "date", "give either date or both"),
    ("observed.csv", 1, _set(date=""), "date", "give either date or both"),
    ("observed.csv", 0, _set(period_start="2020-08-20"), "period_end", "before period_start"),
    ("observed.csv", 0, _set(error_model="guess"), "error_model", "not one of exact, range"),
    ("observed.csv", 1, _set(date="31/12/2020"), "date", "not an ISO date"),
]


@pytest.mark.parametrize(("packaged", "index", "edit", "field", "problem"), CORRUPTIONS)
def test_a_corrupted_copy_names_file_line_and_field(
    tmp_path, packaged, index, edit, field, problem
):
    path, line = _corrupt(tmp_path, packaged, index, edit)
    with pytest.raises(HistoryDataError) as caught:
        LOADERS[packaged](path)
    message = str(caught.value)
    assert str(path) in message and f"line {line}," in message
    assert f"field '{field}'" in message and problem in message


def test_an_unquoted_comma_or_a_wrong_header_is_refused_with_its_line(tmp_path):
    text = resources.files("abm.belarus.history").joinpath("inputs.csv").read_text()
    lines = text.splitlines()
    lines[2] = lines[2].replace('"', "")  # unquote a 'what' holding commas
    broken = tmp_path / "inputs.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(HistoryDataError, match=r"inputs\.csv, line 3: \d+ fields, expected 10"):
        load_inputs(broken)
    header = tmp_path / "observed.csv"
    header.write_text("pattern,date,value\nx,2020-08-16,1\n")
    with pytest.raises(HistoryDataError, match=r"line 1: header .* \(missing: period_start"):
        load_observed(header)
