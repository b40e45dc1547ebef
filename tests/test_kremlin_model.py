"""Moscow inside the model: whose unrest it reads, repeated rescues, and the absorbing
collapse (a run's politics end when Lukashenko falls or Russia occupies Belarus)."""

from __future__ import annotations

import pytest

from abm.belarus.model import SERIES, BelarusModel
from abm.runner import run as run_model

SMALL = {"n_citizens": 1500}
#: Moscow weighs a substitution every week and sees nothing to lose by it.
EAGER = dict(
    sub_opportunity=1.0,
    choice_scale=100.0,
    failure_cost=0.0,
    indispensability_base=0.0,
    indispensability_polarisation=0.0,
    penetration_initial=0.6,
)
#: Every choice to send troops is taken for sure when the street is pro-Western.
DECISIVE = dict(choice_scale=100.0, union_value=10.0)


def model(**params) -> BelarusModel:
    return BelarusModel({**SMALL, **params}, rng=3, faces=False)


def frozen_after(m: BelarusModel, week: int) -> None:
    """Every series from ``week`` on repeats ``week``'s row."""
    df = m.series().set_index("step")[list(SERIES)]
    after = df.loc[week:]
    assert len(after) > 1
    assert (after == after.iloc[0]).all().all(), after.loc[:, (after != after.iloc[0]).any()]


# ---------------------------------------------------------------- whose unrest it reads
def set_street(m: BelarusModel, turnout_ratio: float, pro_western: float) -> None:
    m.turnout = turnout_ratio * m.uprising_threshold
    m.active = 100
    m.active_pw = round(100 * pro_western)


def hazard_on(m: BelarusModel) -> float:
    m.security.coup = None  # an attempt launched by an earlier call would suspend the gamble
    m.kremlin.read_unrest()
    m.kremlin.act(1)
    return m.kremlin.hazard


def test_moscow_reads_a_pro_western_street_as_a_reason_to_back_him_and_mutiny_as_one_to_act():
    m = model(sub_opportunity=0.5, mech_revolt=False)  # no rescue: only the gamble
    m.kremlin.exasperation, m.kremlin.value, m.kremlin.desperation = 0.3, 4.5, 0.8
    set_street(m, 0.0, 0.5)
    calm = hazard_on(m)
    set_street(m, 0.6, 1.0)
    assert hazard_on(m) < calm
    set_street(m, 0.6, 0.0)
    assert hazard_on(m) > calm
    set_street(m, 0.0, 0.5)
    for unit in m.army.units[:6]:
        unit.mutinied = True
    assert m.army.mutinied_share > 0.1
    assert hazard_on(m) > calm


# ------------------------------------------------------------------ repeated rescues
def uprising(m: BelarusModel, on: bool) -> None:
    m.uprising_on = on
    for u in m.security.units[1:]:
        u.defected = on  # the services no longer contain it
    set_street(m, 1.5 if on else 0.0, 0.9)


def test_russian_troops_police_minsk_for_each_uprising_and_leave_after_it():
    m = model(**DECISIVE)
    uprising(m, True)
    m.kremlin.act(5)
    assert m.kremlin.russian_people > 0 and m.occupied
    assert all(not u.defected for u in m.security.units)  # the services fall back in line
    m.kremlin.act(6)
    assert m.kremlin.interventions == 1  # no second entry while they are there
    uprising(m, False)
    m.kremlin.act(9)
    assert m.kremlin.russian_people == 0 and not m.occupied
    uprising(m, True)
    m.kremlin.act(20)
    events = [(s, e) for s, e, _ in m.events]
    assert [s for s, e in events if e == "russian_intervention"] == [5, 20]
    assert [s for s, e in events if e == "russian_withdrawal"] == [9]
    assert m.ruler.in_power and not m.absorbed


def test_moscow_does_not_police_a_pro_russian_uprising():
    m = model(choice_scale=100.0)
    uprising(m, True)
    set_street(m, 1.5, 0.0)
    m.kremlin.act(5)
    assert m.kremlin.interventions == 0


# ------------------------------------------------------------------------- the gamble
def test_no_penetration_means_no_successful_substitution_even_when_moscow_tries():
    m = model(**{**EAGER, "penetration_initial": 0.0, "penetration_effort": 0.0})
    m.run_for(40)
    events = [e for _, e, _ in m.events]
    assert events.count("substitution_attempt") >= 1
    assert "substitution" not in events and m.ruler.in_power


# ------------------------------------------------------------------- absorbing collapse
def test_a_successful_substitution_freezes_the_run_and_its_loyalist_is_never_ejected():
    m = model(**EAGER)
    m.run_for(40)
    assert "substitution" in [e for _, e, _ in m.events]
    week = m.absorbed_week
    assert week is not None and m.regime == "loyalist"
    frozen_after(m, week)
    assert all(s <= week for s, _, _ in m.events)
    assert "loyalist_ejection" not in [e for _, e, _ in m.events]
    series = m.series()
    assert series["absorbed"].tolist() == [int(s >= week) for s in series["step"]]
    assert len(series) == 41  # every array stays full length


def revolt_at(m: BelarusModel, week: int) -> list[int]:
    """Make the services abandon Lukashenko in ``week``'s security phase; count the weeks
    the citizens are swept."""
    swept: list[int] = []
    security_week, citizens_week = m.security.week, m.citizens.week

    def week_of_security(t: int) -> None:
        security_week(t)
        if t == week:
            m.eject(t, "revolt (constructed)", "transitional")

    def week_of_citizens(*args, **kw):
        swept.append(int(round(m.time)))
        return citizens_week(*args, **kw)

    m.security.week = week_of_security
    m.citizens.week = week_of_citizens
    return swept


@pytest.mark.parametrize(("pro_western", "occupied"), [(1.0, True), (0.0, False)])
def test_the_week_he_falls_moscow_decides_on_occupation_then_the_run_freezes(pro_western, occupied):
    m = model(**DECISIVE)
    swept = revolt_at(m, 6)
    m.run_for(5)
    m.active, m.active_pw = 100, round(100 * pro_western)  # the street he falls to
    m.run_for(25)
    events = [(s, e) for s, e, _ in m.events]
    assert (6, "ejection") in events and (6, "absorbed") in events
    assert ((6, "russian_intervention") in events) is occupied
    assert ((6, "no_occupation") in events) is not occupied
    assert m.regime == ("occupied" if occupied else "transitional")
    assert all(s <= 6 for s, _ in events)
    assert max(swept) == 5  # no citizen sweep in the week he falls nor after: cheap
    frozen_after(m, 6)
    assert m.series()["in_power"].iloc[6:].eq(0).all()


def test_the_summary_names_the_week_of_absorption():
    result = run_model("belarus", {**SMALL, **EAGER}, seed=3, steps=40)
    assert result.summary["absorbed_week"] == result.series["absorbed"].idxmax()
    quiet = run_model("belarus", SMALL, seed=3, steps=10)
    assert quiet.summary["absorbed_week"] is None


# ------------------------------------------------------------ credence in his warnings
def warned_weeks(m: BelarusModel, weeks: int) -> list[float]:
    """Moscow reads ``weeks`` warnings in a row from a street that is not in uprising."""
    set_street(m, 0.5, 1.0)
    m.uprising_on = False
    seen = []
    for _ in range(weeks):
        m.ruler.warning = True
        m.kremlin.read_unrest()
        seen.append(m.kremlin.warning_credence)
    return seen


def test_unconfirmed_warnings_wear_moscows_credence_only_with_warning_wear():
    worn = warned_weeks(model(warning_wear=0.1), 5)
    assert worn == pytest.approx([0.9 ** (i + 1) for i in range(5)])
    m = model()
    assert m.p.warning_wear == 0.0 and warned_weeks(m, 5) == [1.0] * 5
    # an uprising bears the warning out: no wear
    m = model(warning_wear=0.1)
    set_street(m, 1.5, 1.0)
    m.uprising_on = True
    m.ruler.warning = True
    m.kremlin.read_unrest()
    assert m.kremlin.warning_credence == 1.0


def test_a_worn_warning_moves_moscows_perceived_risk_less():
    fresh, worn = model(warning_wear=0.2), model(warning_wear=0.2)
    warned_weeks(worn, 4)  # credence 0.8^4 before the next warning
    risks = []
    for m in (fresh, worn):
        set_street(m, 0.3, 1.0)
        m.ruler.warning = True
        m.kremlin.read_unrest()
        risks.append(m.kremlin.instability)
    assert risks[1] < risks[0]
    assert risks[0] == pytest.approx(0.3 * (1 + fresh.p.warning_risk))


def test_warning_credence_is_a_series_and_with_the_lever_off_the_wear_does_not_matter():
    runs = [
        run_model("belarus", {**SMALL, "mech_warning": False, "warning_wear": w}, 4, 12)
        for w in (0.0, 0.2)
    ]
    assert "warning_credence" in runs[0].series.columns
    assert (runs[0].series["warning_credence"] == 1.0).all()
    a, b = (r.series.drop(columns=["date"]) for r in runs)
    assert a.equals(b)
