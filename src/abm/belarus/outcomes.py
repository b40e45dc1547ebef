"""Outcomes: detected every week from the model's state, logged with a readable cause.

The brief's outcomes, several per run, in the order they happen:

- ``intervention``: Belarusian units fighting inside Ukraine (first week any unit is sent
  there; logged at deployment, before combat, since units may withdraw the same week);
- ``mutiny``: one unit mutinies (logged per unit); ``mass_mutiny``: mutinied units hold at
  least ``mass_mutiny_share`` of the army's initial strength;
- ``uprising``: failed containment - the people protesting in a week exceed what the loyal
  coercive forces can contain (``containment_ratio`` protesters per loyal coercive person:
  security on duty, obeying soldiers, Russian forces inside Belarus); logged at each onset
  (an uprising ends when turnout falls below half its threshold). Chenoweth's 3.5 %
  (``uprising_share``) is only reported beside it: 2020 reached 2-4 % and was contained;
- ``substitution_attempt`` (each attempt), ``substitution`` (a successful one);
- ``ejection``: Lukashenko loses power (by substitution or by revolt);
- ``russian_intervention``: Russian forces enter Belarus (logged at each entry: to police
  Minsk for a ruler facing an uprising, possibly more than once, or to occupy it the week he
  falls to a revolt);
- ``status_quo``: none of these by the horizon.

Logged only, not outcomes (``LOGGED_ONLY``): ``purge`` (Lukashenko rotates the chiefs of
the unit he believes most penetrated), ``loyalist_ejection`` (a Moscow-installed loyalist
toppled by revolt; unreachable since a collapse is absorbing, kept for old logs),
``russian_withdrawal`` (Russian troops leave when the uprising they policed is over),
``no_occupation`` (Moscow lets Belarus go the week Lukashenko falls to a revolt),
``absorbed`` (the week a collapse ends the run's politics; ``BelarusModel.absorb``) and
``front_collapse`` (the expedition's front is lost).

Each is declared once in ``DECLARED`` (name, rank, description, colour); the run summary,
the narrative, the sweep manifest (hence the report and its figures) and the dashboard all
read that declaration. Final classification: the highest-ranked outcome that happened
(``RANK``), or status_quo.
The ranking orders outcomes by how far the regime changed, and puts the path-specific
``substitution`` above the generic ``ejection`` it implies, so a run's class names the path:
intervention < mutiny < substitution_attempt < uprising < mass_mutiny < ejection
< substitution < russian_intervention.
"""

from __future__ import annotations

from collections.abc import Mapping

from abm.contract import Outcome

STATUS_QUO = "status_quo"
#: Every class a run can end in, declared once: name, rank, description and the one colour
#: every figure and the dashboard use. Listed in the order outcomes usually happen (the
#: order of the summary's ``week_<outcome>`` keys); ``rank`` gives the classification.
DECLARED = (
    Outcome(STATUS_QUO, 0, "none of the outcomes by the horizon", "#7F7F7F"),
    Outcome("intervention", 1, "Belarusian units fighting inside Ukraine", "#FF7F0E"),
    Outcome("mutiny", 2, "an army unit mutinies", "#BCBD22"),
    Outcome(
        "mass_mutiny", 5, "mutinied units hold mass_mutiny_share of the army's strength", "#8C564B"
    ),
    Outcome("uprising", 4, "more people protest than the loyal forces can contain", "#D62728"),
    Outcome("substitution_attempt", 3, "the Kremlin tries to replace Lukashenko", "#17BECF"),
    Outcome("substitution", 7, "a substitution attempt succeeds", "#1F77B4"),
    Outcome("ejection", 6, "Lukashenko loses power (substitution or revolt)", "#111111"),
    Outcome("russian_intervention", 8, "Russian forces intervene inside Belarus", "#2CA02C"),
)
#: The outcomes' names (every declared class but status_quo), in the order above.
OUTCOMES = tuple(o.name for o in DECLARED if o.name != STATUS_QUO)
#: Events logged for the record that are not outcomes: they never classify a run, have no
#: ``week_<event>`` in the summary and do not stop a run from being status_quo.
LOGGED_ONLY = (
    "purge",
    "loyalist_ejection",
    "russian_withdrawal",
    "no_occupation",
    "absorbed",
    "front_collapse",
)
RANK = {o.name: o.rank for o in DECLARED}

Event = tuple[int, str, str]


def uprising_threshold(p: Mapping, loyal_people: float, population: float) -> float:
    """Turnout (share of the population protesting in a week) that makes an uprising: the
    containable share, containment_ratio * loyal coercive people / population.

    ``containment_ratio`` is validated > 0, so the threshold is 0 only when no loyal coercive
    force is left (then nothing can be contained); callers divide by max(1e-9, threshold)."""
    return p["containment_ratio"] * loyal_people / population


def uprising_status(active_share: float, threshold: float, was_on: bool) -> bool:
    """Hysteresis: an uprising starts at the threshold and ends below half of it."""
    if was_on:
        return active_share >= 0.5 * threshold
    return active_share >= threshold


def classify(events: list[Event]) -> str:
    """The highest-ranked outcome among ``events`` (status_quo when there is none)."""
    best = STATUS_QUO
    for _, name, _ in events:
        if RANK.get(name, 0) > RANK[best]:
            best = name
    return best


def first_weeks(events: list[Event]) -> dict[str, int | None]:
    """``week_<outcome>``: the first week each outcome happened, None if never."""
    out: dict[str, int | None] = {f"week_{o}": None for o in OUTCOMES}
    for step, name, _ in events:
        key = f"week_{name}"
        if key in out and out[key] is None:
            out[key] = int(step)
    return out


class OutcomeLog:
    """The event log of one run: (step, event, cause) in the order they happened."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._once: set[str] = set()

    def record(self, step: int, event: str, cause: str) -> None:
        self.events.append((int(step), event, cause))

    def record_once(self, step: int, event: str, cause: str) -> None:
        """Record an outcome that can only happen once per run (e.g. mass_mutiny)."""
        if event not in self._once:
            self._once.add(event)
            self.record(step, event, cause)

    def final_class(self) -> str:
        return classify(self.events)

    def with_status_quo(self, horizon: int) -> list[Event]:
        """The events, plus a closing status_quo entry when nothing happened by ``horizon``."""
        if any(e in OUTCOMES for _, e, _ in self.events):
            return list(self.events)
        return [*self.events, (int(horizon), STATUS_QUO, f"no outcome by week {horizon}")]
