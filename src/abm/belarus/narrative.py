"""The Belarus model's account of one run in a few readable lines: the setting, the path
of Lukashenko's support, the events with their causes, and the final classification; for a
history replay also the run beside the dated history and its patterns' verdicts.

It lives beside the declared outcomes it narrates; ``abm run`` only prints it.
"""

from __future__ import annotations

import textwrap
from collections import Counter

from abm.belarus.history import load_inputs, load_observed
from abm.belarus.history.patterns import LEFT, Comparison, Run, compare, split
from abm.belarus.history.timeline import side_by_side
from abm.belarus.outcomes import DECLARED
from abm.belarus.params import SUPPORT_LEVELS
from abm.belarus.scenarios import get_scenario
from abm.contract import RunResult

#: How many individual mutinies a narrative prints per week before summarising the rest.
MUTINY_LINES = 2
#: The scenario that replays the dated history (``scenarios/history.toml``).
HISTORY_SCENARIO = "history"


def replays_history(result: RunResult) -> bool:
    """True for a run of the history scenario, which abm run sets beside the history."""
    return result.summary.get("scenario") == HISTORY_SCENARIO


def history_patterns(result: RunResult) -> list[Comparison]:
    """Every observed pattern (and the derived autumn half-life) beside this run."""
    return compare(Run(result.series, result.events))


def history_timeline(result: RunResult, comparisons: list[Comparison]) -> str:
    """The run's events beside the dated history, week by week, then the patterns' tally."""
    lines = side_by_side(
        result.series, result.events, SUPPORT_LEVELS, load_inputs(), load_observed()
    )
    for period, rows in split(comparisons).items():
        judged = [c for c in rows if c.inside is not None]
        inside = sum(bool(c.inside) for c in judged)
        left = sum(c.note.startswith(LEFT) for c in rows)
        lines.append(
            f"patterns ({period}): {inside} of {len(judged)} compared inside what was "
            f"observed; {len(rows) - len(judged) - left} without a simulated counterpart yet"
            + (f"; {left} after the run had left history (collapsed)" if left else "")
        )
    return "\n".join(lines)


def narrative(result: RunResult) -> str:
    """A few readable lines: the setting, the weeks and events, the classification."""
    s, df = result.summary, result.series
    lines = [
        f"{s['scenario']}: {get_scenario(s['scenario']).description}",
        f"seed {result.seed}, {result.steps} weeks, one citizen agent = "
        f"{s['people_per_agent']:,.0f} people",
    ]
    levels = df["support_level"].tolist()
    path = [f"{SUPPORT_LEVELS[levels[0]]} (week 0)"]
    path += [
        f"{SUPPORT_LEVELS[lv]} (week {w})"
        for w, (prev, lv) in enumerate(zip(levels, levels[1:], strict=False), start=1)
        if lv != prev
    ]
    shown = path if len(path) <= 6 else path[:3] + ["..."] + path[-2:]
    lines.append("support: " + " -> ".join(shown))
    extra: Counter = Counter()  # mutinies beyond MUTINY_LINES, per week
    shown_mutinies: Counter = Counter()
    purge_weeks = [step for step, event, _ in result.events if event == "purge"]
    events = [e for e in result.events if e[1] != "purge"]  # summarised in one line below
    for i, (step, event, cause) in enumerate(events):
        if event == "mutiny" and shown_mutinies[step] >= MUTINY_LINES:
            extra[step] += 1
        else:
            shown_mutinies[step] += event == "mutiny"
            lines.append(textwrap.shorten(f"week {step}: {event} - {cause}", 160))
        last_of_week = i + 1 == len(events) or events[i + 1][0] != step
        if last_of_week and extra[step]:
            lines.append(f"week {step}: ... and {extra[step]} more units mutiny")
    if purge_weeks:
        shown_weeks = ", ".join(str(w) for w in purge_weeks[:8])
        more = ", ..." if len(purge_weeks) > 8 else ""
        lines.append(
            f"purges (rotations of security chiefs): {len(purge_weeks)}, weeks {shown_weeks}{more}"
        )
    meaning = {o.name: o.description for o in DECLARED}[s["final_class"]]
    lines.append(
        f"final classification: {s['final_class']}: {meaning} (peak turnout "
        f"{s['peak_turnout']:.1%}, casualties {s['total_casualties']:,}, exasperation "
        f"{s['final_exasperation']:.2f})"
    )
    return "\n".join(lines)
