"""A history run beside the history: simulated and observed events side by side by week.

The observed side is the dated record: every row of ``inputs.csv`` (its ``what`` line,
whether or not a mechanism reads it) and the key observations of ``observed.csv`` (protest
sizes, detention counts, political prisoners, the anti-war protest). The simulated side is
the run's events (outcomes, with their causes; purges are counted in the narrative) and the
weeks Lukashenko's support level changes. Both are placed in the week that holds their date.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence

import pandas as pd

from abm.belarus.history.data import InputChange, Observation, week_of

#: Observed patterns worth a line in the timeline (binary facts and polls are in the table).
KEY_PATTERNS = (
    "protest_peak_minsk",
    "protest_sunday_minsk",
    "protest_sunday",
    "detentions_cumulative",
    "detentions_day",
    "detentions_year",
    "political_prisoners",
    "antiwar_protest_2022",
    "security_quits",
)
#: Characters per side.
WIDTH = 62


def observed_lines(
    inputs: Iterable[InputChange], observed: Iterable[Observation]
) -> dict[int, list[str]]:
    """History week -> what was recorded in it (inputs' ``what`` and key observations)."""
    out: dict[int, list[str]] = defaultdict(list)
    for change in inputs:
        out[change.week].append(change.what)
    for o in observed:
        if o.pattern in KEY_PATTERNS:
            out[week_of(o.end)].append(_observation_line(o))
    return out


def _observation_line(o: Observation) -> str:
    span = "" if o.start == o.end else f" {o.start}..{o.end}"
    if o.high == float("inf"):
        amount = f"> {o.low:,.0f}"
    elif o.low == o.high:
        amount = f"{o.value:,.0f}"
    else:
        amount = f"{o.value:,.0f} ({o.low:,.0f}-{o.high:,.0f})"
    return f"{o.pattern}{span}: {amount} {o.unit}"


def protest_line(row: pd.Series) -> str:
    """The week's protest in the run: turnout, and people protesting and detained when the
    run counts them."""
    parts = [f"turnout {row['turnout']:.2%}"]
    for name in ("protesters", "detentions"):
        if name in row.index:
            parts.append(f"{name} {row[name]:,.0f}")
    return ", ".join(parts)


def simulated_lines(
    series: pd.DataFrame,
    events: Sequence[tuple[int, str, str]],
    levels: Sequence[str],
    observed_steps: Iterable[int] = (),
) -> dict[int, list[str]]:
    """Step -> what happened in the run: support changes, events other than purges, and the
    week's protest in the weeks ``observed_steps`` that have an observation to match."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = series.set_index("step")
    for step in observed_steps:
        if step in rows.index:
            out[step].append(protest_line(rows.loc[step]))
    support = series["support_level"].tolist()
    out[0].append(f"support: {levels[support[0]]}")
    for step, (before, now) in enumerate(zip(support, support[1:], strict=False), start=1):
        if now != before:
            out[step].append(f"support: {levels[before]} -> {levels[now]}")
    for step, event, cause in events:
        if event != "purge":
            out[step].append(f"{event}: {cause}")
    return out


def side_by_side(
    series: pd.DataFrame,
    events: Sequence[tuple[int, str, str]],
    levels: Sequence[str],
    inputs: Iterable[InputChange],
    observed: Iterable[Observation],
) -> list[str]:
    """The timeline: one block per week with anything on either side, in date order."""
    start = week_of(str(series["date"].iloc[0]))
    dates = dict(zip(series["step"].tolist(), series["date"].tolist(), strict=True))
    observed = tuple(observed)
    obs = {w: lines for w, lines in observed_lines(inputs, observed).items() if w - start in dates}
    key_steps = {week_of(o.end) - start for o in observed if o.pattern in KEY_PATTERNS}
    simulated = simulated_lines(series, events, levels, key_steps)
    sim = {start + step: lines for step, lines in simulated.items()}
    head = f"{'week of':<10}  {'simulated':<{WIDTH}}  observed"
    out = [head, "-" * len(head)]
    for week in sorted(set(sim) | set(obs)):
        left, right = sim.get(week, []), obs.get(week, [])
        for i in range(max(len(left), len(right))):
            when = dates.get(week - start, "") if i == 0 else ""
            a = textwrap.shorten(left[i], WIDTH, placeholder="...") if i < len(left) else ""
            b = textwrap.shorten(right[i], 100, placeholder="...") if i < len(right) else ""
            out.append(f"{when:<10}  {a:<{WIDTH}}  {b}".rstrip())
    return out
