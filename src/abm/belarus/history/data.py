"""Belarus, August 2020 - 2025, as data: the dated exogenous inputs and the observed patterns.

The history replay (issue 11) drives the model week by week from ``inputs.csv`` and holds
its output against ``observed.csv``. Both files carry a source on every row, so a number
can always be traced; this module reads them into typed, immutable rows and refuses a bad
file before any run starts, naming the file, the line and the field.

Week convention: week 0 is the week of the stolen election, Sunday 9 August 2020 to
Saturday 15 August; week k starts on Sunday 9 August 2020 + 7k days. The weekly Sunday
marches (from 16 August) therefore open their week. ``week_of`` gives the index that a
schedule is evaluated at (``Schedule.at(week)``).

The fit period runs from week 0 to 30 September 2022; an observation belongs to it only if
it ends by then. Everything ending later is held out for the estimation issue.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

#: Sunday 9 August 2020, election day: the first day of week 0.
WEEK_ZERO = date(2020, 8, 9)
#: The last day any row may refer to.
HISTORY_END = date(2025, 12, 31)
#: The last day of the fit period; observations ending later are held out.
FIT_END = date(2022, 9, 30)

#: How sure the source is of the dated fact (not of the model value: see the note).
CONFIDENCE = ("high", "medium", "low", "approximate")
#: How an observed figure relates to the truth a run produces (see README.md).
ERROR_MODELS = ("exact", "range", "lower_bound", "viasna_undercount", "official_count", "poll")
PERIODS = ("fit", "holdout")

INPUT_COLUMNS = (
    "date",
    "input",
    "value",
    "low",
    "high",
    "unit",
    "what",
    "confidence",
    "source",
    "note",
)
OBSERVED_COLUMNS = (
    "pattern",
    "date",
    "period_start",
    "period_end",
    "value",
    "low",
    "high",
    "unit",
    "error_model",
    "period",
    "source",
    "note",
)

#: A note containing this marks the value as a modelling judgement with a range to sweep.
ASSUMPTION = "assumption:"
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


class HistoryDataError(ValueError):
    """A history data file is malformed; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class InputChange:
    """From ``date`` on, the model input ``input`` takes ``value`` (an ``event`` lasts a week)."""

    date: date
    input: str
    value: float
    low: float
    high: float
    unit: str
    what: str
    confidence: str
    source: str
    note: str

    @property
    def week(self) -> int:
        return week_of(self.date)

    @property
    def is_assumption(self) -> bool:
        """True when the value is a modelling judgement to sweep over [low, high]."""
        return ASSUMPTION in self.note


@dataclass(frozen=True, slots=True)
class Observation:
    """An observed figure over [start, end] (one day when start == end) and its error model."""

    pattern: str
    start: date
    end: date
    value: float
    low: float
    high: float
    unit: str
    error_model: str
    period: str
    source: str
    note: str

    @property
    def error_kind(self) -> str:
        """The error model's name, one of ERROR_MODELS (the text before any ':')."""
        return self.error_model.split(":", 1)[0].strip()

    @property
    def weeks(self) -> range:
        """The model weeks the observation covers."""
        return range(week_of(self.start), week_of(self.end) + 1)


def week_of(day: date | str) -> int:
    """Index of the model week holding ``day`` (week 0 = 9-15 August 2020; earlier days have
    negative weeks: the history run's initial state is week -1)."""
    when = date.fromisoformat(day) if isinstance(day, str) else day
    return (when - WEEK_ZERO).days // 7


def week_start(week: int) -> date:
    """The Sunday that opens model week ``week``."""
    return WEEK_ZERO + timedelta(days=7 * week)


def period_of(end: date) -> str:
    """``fit`` for an observation ending by FIT_END, ``holdout`` otherwise."""
    return "fit" if end <= FIT_END else "holdout"


def load_inputs(path: str | Path | None = None) -> tuple[InputChange, ...]:
    """The exogenous timeline, sorted by date; the packaged file unless ``path`` is given."""
    rows = [_input(row) for row in _rows(path, "inputs.csv", INPUT_COLUMNS)]
    _check_inputs_consistent(rows)
    return tuple(sorted((change for change, _ in rows), key=lambda c: (c.date, c.input)))


def load_observed(path: str | Path | None = None) -> tuple[Observation, ...]:
    """The observed patterns, in file order; the packaged file unless ``path`` is given."""
    return tuple(_observation(row) for row in _rows(path, "observed.csv", OBSERVED_COLUMNS))


# ----------------------------------------------------------------------------- parsing
class _Row:
    """One CSV record with the position needed to name it in an error."""

    def __init__(self, fields: dict[str, str], where: str, line: int):
        self.fields = fields
        self.where = where
        self.line = line

    def fail(self, field: str, problem: str) -> HistoryDataError:
        value = self.fields.get(field, "")
        return HistoryDataError(
            f"{self.where}, line {self.line}, field '{field}': {value!r} {problem}"
        )

    def text(self, field: str, required: bool = True) -> str:
        value = self.fields[field].strip()
        if required and not value:
            raise self.fail(field, "is empty; every row needs one")
        return value

    def name(self, field: str) -> str:
        value = self.text(field)
        if not _NAME.match(value):
            raise self.fail(field, "is not a name (lower-case letters, digits and _)")
        return value

    def day(self, field: str) -> date:
        value = self.text(field)
        try:
            when = date.fromisoformat(value)
        except ValueError:
            raise self.fail(field, "is not an ISO date (YYYY-MM-DD)") from None
        if not WEEK_ZERO <= when <= HISTORY_END:
            raise self.fail(field, f"is outside the history, {WEEK_ZERO} to {HISTORY_END}")
        return when

    def number(self, field: str, allow_inf: bool = False) -> float:
        value = self.text(field)
        try:
            out = float(value)
        except ValueError:
            raise self.fail(field, "is not a number") from None
        if math.isnan(out) or (math.isinf(out) and not (allow_inf and out > 0)):
            allowed = "a finite number or inf" if allow_inf else "a finite number"
            raise self.fail(field, f"is not allowed; give {allowed}")
        return out

    def choice(self, field: str, options: Iterable[str], value: str | None = None) -> str:
        picked = self.text(field) if value is None else value
        if picked not in options:
            raise self.fail(field, "is not one of " + ", ".join(options))
        return picked

    def ordered(self, low: float, value: float, high: float) -> None:
        if low > value:
            raise self.fail("low", f"is above value {value:g}; need low <= value <= high")
        if value > high:
            raise self.fail("high", f"is below value {value:g}; need low <= value <= high")


def _rows(path: str | Path | None, packaged: str, columns: tuple[str, ...]) -> list[_Row]:
    if path is None:
        where = packaged
        text = resources.files(__package__).joinpath(packaged).read_text(encoding="utf-8")
    else:
        where = str(path)
        text = Path(path).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = tuple(name.strip() for name in next(reader, []))
    if set(header) != set(columns) or len(header) != len(columns):
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        raise HistoryDataError(
            f"{where}, line 1: header {', '.join(header) or '(none)'} does not match the "
            f"columns {', '.join(columns)} (missing: {', '.join(missing) or '-'}; "
            f"unknown: {', '.join(extra) or '-'})"
        )
    rows = []
    for fields in reader:
        if not fields:
            continue
        if len(fields) != len(header):
            raise HistoryDataError(
                f"{where}, line {reader.line_num}: {len(fields)} fields, expected "
                f"{len(header)} (quote a field that contains a comma)"
            )
        rows.append(_Row(dict(zip(header, fields, strict=True)), where, reader.line_num))
    return rows


def _input(row: _Row) -> tuple[InputChange, _Row]:
    change = InputChange(
        date=row.day("date"),
        input=row.name("input"),
        value=row.number("value"),
        low=row.number("low"),
        high=row.number("high"),
        unit=row.text("unit"),
        what=row.text("what"),
        confidence=row.choice("confidence", CONFIDENCE),
        source=row.text("source"),
        note=row.text("note", required=False),
    )
    row.ordered(change.low, change.value, change.high)
    if change.is_assumption and not change.low < change.high:
        raise row.fail("high", f"equals low; an '{ASSUMPTION}' value needs a range to sweep")
    _check_unit_value(row, change.unit, change.value)
    return change, row


def _observation(row: _Row) -> Observation:
    start, end = _span(row)
    obs = Observation(
        pattern=row.name("pattern"),
        start=start,
        end=end,
        value=row.number("value"),
        low=row.number("low"),
        high=row.number("high", allow_inf=True),
        unit=row.text("unit"),
        error_model=row.text("error_model"),
        period=row.choice("period", PERIODS),
        source=row.text("source"),
        note=row.text("note", required=False),
    )
    row.choice("error_model", ERROR_MODELS, obs.error_kind)
    row.ordered(obs.low, obs.value, obs.high)
    _check_unit_value(row, obs.unit, obs.value)
    if obs.period != period_of(end):
        raise row.fail(
            "period",
            f"does not match the end date {end}: the fit period ends {FIT_END}, so this "
            f"row is '{period_of(end)}'",
        )
    return obs


def _span(row: _Row) -> tuple[date, date]:
    has_day = bool(row.text("date", required=False))
    has_span = bool(
        row.text("period_start", required=False) or row.text("period_end", required=False)
    )
    if has_day == has_span:
        raise row.fail("date", "conflicts: give either date or both period_start and period_end")
    if has_day:
        day = row.day("date")
        return day, day
    start, end = row.day("period_start"), row.day("period_end")
    if start > end:
        raise row.fail("period_end", f"is before period_start {start}")
    return start, end


def _check_unit_value(row: _Row, unit: str, value: float) -> None:
    allowed: dict[str, Callable[[float], bool]] = {
        "bool": lambda v: v in (0.0, 1.0),
        "event": lambda v: v == 1.0,
    }
    check = allowed.get(unit)
    if check is not None and not check(value):
        raise row.fail("value", f"is not allowed for unit '{unit}' (bool: 0 or 1; event: 1)")


def _check_inputs_consistent(rows: list[tuple[InputChange, _Row]]) -> None:
    """One change per input and day, and one unit per input across the file."""
    seen: dict[tuple[date, str], int] = {}
    units: dict[str, tuple[str, int]] = {}
    for change, row in rows:
        key = (change.date, change.input)
        if key in seen:
            raise row.fail("input", f"already changes on {change.date} at line {seen[key]}")
        seen[key] = row.line
        unit, line = units.setdefault(change.input, (change.unit, row.line))
        if change.unit != unit:
            raise row.fail("unit", f"differs from '{unit}' given for {change.input} at line {line}")
