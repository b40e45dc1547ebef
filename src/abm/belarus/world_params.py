"""What the model is built on: scale, the civil-violence engine's grid and rules, and the
exogenous inputs (schedules) that drive each week (``model.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from abm.belarus.declare import ART, CF, EP, TUNED, flag, integer, real, schedule
from abm.belarus.history.data import week_of
from abm.engine.params import VISION_SHAPE
from abm.params import Param, Values

#: The history week (weeks since Sunday 9 August 2020) the defaults stand for: the article's
#: "late 2022", the autumn after the annexation (Sunday 2 October 2022).
LATE_2022_WEEK = week_of("2022-10-02")
#: History's source key: the dated inputs of the replay (``belarus/history/inputs.csv``).
HISTORY = "history/inputs.csv"

#: Belstat population on 1 January 2022 (CALIBRATION_FACTS): one agent per inhabitant at full scale.
POPULATION_2022 = 9_255_524

SCALE_PARAMS: list[Param] = [
    integer(
        "n_citizens",
        10_000,
        "citizen agents on the grid; each stands for population / n_citizens people "
        "(about 926 at the default; 1 at full scale)",
        "agents",
        100,
        12_000_000,
        source="design: keeps a 104-week run well under a second",
        group="scale",
    ),
    integer(
        "population",
        POPULATION_2022,
        "inhabitants of Belarus (sets people per agent)",
        "people",
        1_000_000,
        20_000_000,
        source=CF + ": Belstat, 1 Jan 2022",
        group="scale",
    ),
    real(
        "capital_share",
        0.216,
        "share of grid cells forming the capital region (Minsk); 0 = one region",
        "share",
        0.0,
        0.9,
        source=CF + ": Minsk ~2.0 M of 9.26 M (Belstat)",
        group="scale",
    ),
]

ENGINE_PARAMS: list[Param] = [
    real(
        "citizen_density",
        0.7,
        "share of grid cells holding a citizen",
        "share",
        0.01,
        0.95,
        EP,
        "engine",
    ),
    real(
        "vision",
        7.0,
        "citizen vision v: a neighbourhood size (the ~N sites, 112 at von Neumann radius 7, "
        "from which a citizen reads the ratio of police to actives), held constant across "
        "scales so the statistics of that intensive ratio mean the same at every scale; the "
        "people the sites stand for do not enter the ratio",
        "cells",
        0.0,
        50.0,
        EP,
        "engine",
    ),
    real("cop_vision", 7.0, "police vision v*", "cells", 0.0, 50.0, EP, "engine"),
    VISION_SHAPE.grouped("engine"),
    real("k", 2.3, "arrest constant in P = 1 - exp(-k C/A)", "-", 0.0, 100.0, EP, "engine"),
    Param(
        "arrest_rule",
        "literal",
        "choice",
        "f in P = 1 - exp(-k f(C/A))",
        choices=("literal", "floor", "round"),
        source=EP + " (literal)",
        group="engine",
    ),
    real("threshold", 0.1, "activation threshold T in G - R P > T", "-", 0.0, 1.0, EP, "engine"),
    Param(
        "max_jail_term",
        4,
        "int_or_inf",
        "maximum weeks a citizen agent whose protest was broken up sits out (the engine's "
        "jail term); terms drawn U{0..max}, mean 2 weeks, like the administrative arrests of "
        "up to 15 days most of the > 33,000 detained in 2020 served (detainees themselves are "
        "counted in people: detention_share; criminal sentences: sentence_weeks)",
        "weeks",
        0,
        10**9,
        source=CF + ": Viasna 2020",
        group="engine",
    ),
    Param(
        "jail_draw",
        "uniform",
        "choice",
        "how a term is drawn",
        choices=("uniform", "fixed"),
        source=EP,
        group="engine",
    ),
    flag("movement", True, "rule M: citizens and police move to a random empty cell", EP, "engine"),
    real(
        "police_density",
        0.035,
        "police on duty per grid cell at the services' baseline capacity, before the 2020 "
        "crackdown's boost (x 1.35 -> 0.047): turnout stays ~0.5 % at late-2022 legitimacy and "
        "reaches the 2020 peak of 2-4 % when pro-Western legitimacy falls to ~0.45",
        "share",
        0.0,
        0.3,
        source=CF + ": 2020 peak turnout; " + TUNED,
        group="engine",
    ),
]

SCALE_PARAMS.append(
    integer(
        "start_week",
        LATE_2022_WEEK,
        "the history week (weeks since Sunday 9 August 2020, the stolen election) that step 0 "
        "stands for; dates the outputs (``date`` = the Sunday opening the week). Step 0 is the "
        "initial state and step 1 the first simulated week, so the history scenario starts at "
        "-1 (the week before the election) and simulates the election week as step 1. "
        "Default: the article's late 2022 (2 Oct 2022), which the defaults describe",
        "week",
        -1,
        10_000,
        source=ART + " (late 2022); " + HISTORY,
        group="scale",
    )
)

EXOGENOUS_PARAMS: list[Param] = [
    schedule(
        "ukraine_strength",
        60_000.0,
        "Ukrainian forces the wider war lets Ukraine spare for a Belarusian sector: the cap "
        "on its sector force (which shifts toward front_kappa x the expedition); 'his "
        "Belarusian army is no match for Ukrainian forces'",
        "troops",
        0.0,
        1_000_000.0,
        source=ART + "; sized at > 1.2x Belarus's whole army (IISS 2022); the Kyiv defence "
        "of March 2022 drew tens of thousands; low confidence, range 15,000-120,000",
        group="exogenous",
    ),
    real(
        "ukraine_sector_initial",
        15_000.0,
        "Ukrainian forces already on the northern border when a Belarusian expedition "
        "crosses (the sector force's opening strength, at most ukraine_strength)",
        "troops",
        0.0,
        1_000_000.0,
        source="assumption: Ukraine has kept and fortified a northern grouping since 2022 "
        "(a few brigades plus territorial defence); on 24 Feb 2022 the Kyiv axis was held by "
        "~5,000-15,000; range 5,000-30,000",
        group="exogenous",
    ),
    schedule(
        "nato_posture",
        0.5,
        "visibility of NATO deployments on the western border (0 none, 1 maximal); makes "
        "the NATO-threat excuse more believable",
        "index",
        source=ART + ": tirades against Poland and Lithuania",
        group="exogenous",
    ),
    schedule(
        "sanctions",
        0.8,
        "Western sanctions intensity; 'Belarus has been comprehensively sanctioned'",
        "index",
        source=ART,
        group="exogenous",
    ),
    schedule(
        "war_trajectory",
        0.5,
        "how badly the war goes for Russia (0 winning, 1 collapsing); drives desperation. "
        "Late 2022: Kharkiv and Kherson counter-offensives",
        "index",
        source=ART + ": 'as desperation mounts in Moscow'",
        group="exogenous",
    ),
    schedule(
        "counteroffensive",
        0.6,
        "intensity of Ukraine's counter-offensive on annexed territory",
        "index",
        source=ART + ": 'Ukraine's counter-offensive to regain its territories'",
        group="exogenous",
    ),
    flag(
        "annexed",
        True,
        "the four provinces are annexed (Sept 2022), so the doctrine can be invoked; from "
        "annexed_from_week on",
        source=ART,
        group="exogenous",
    ),
    integer(
        "annexed_from_week",
        0,
        "step from which the annexation holds when annexed is true (the date form: the "
        "history replay annexes on 30 Sep 2022, its week 111)",
        "week",
        0,
        10_000,
        source=HISTORY + ": annexation 30 Sep 2022 (AFP)",
        group="exogenous",
    ),
    schedule(
        "war_active",
        1.0,
        "Russia's war on Ukraine is under way (1) or not yet (0): before 24 Feb 2022 Moscow "
        "demands no military support of Belarus",
        "bool (0/1)",
        source=HISTORY + ": the invasion, 24 Feb 2022",
        group="exogenous",
    ),
    schedule(
        "legitimacy_shock",
        0.0,
        "legitimacy the stolen election of Aug 2020 and the first nights' violence cost "
        "pro-Western citizens (subtracted from their legitimacy while it holds); 0 in the "
        "late-2022 baseline, where crackdown_legitimacy_pw carries the legacy",
        "[0,1]",
        source=HISTORY + ": assumption, sweep 0.10-0.40",
        group="exogenous",
    ),
    schedule(
        "russian_police_reserve",
        0.0,
        "Moscow's declared reserve of Russian law-enforcement officers stands ready (1) or "
        "not (0); while it does, russian_reserve_people count among the loyal coercive "
        "people an uprising must outnumber (never deployed)",
        "bool (0/1)",
        source=HISTORY + ": Putin, 27 Aug 2020 (Reuters, Belsat)",
        group="exogenous",
    ),
    real(
        "russian_reserve_people",
        3_000.0,
        "officers in Moscow's 2020 police reserve; never published: an assumption to sweep "
        "(a few Rosgvardia/OMON regiments)",
        "people",
        0.0,
        30_000.0,
        source="assumption: size never published (Putin, 27 Aug 2020); sweep 500-20,000",
        group="exogenous",
    ),
    integer(
        "forced_intervention_week",
        -1,
        "week at which Belarus is made to go into Ukraine regardless of Lukashenko's choice "
        "(-1: never)",
        "week",
        -1,
        10_000,
        source="brief: scenario 'forced intervention at a chosen week'",
        group="exogenous",
    ),
]


class Inputs(NamedTuple):
    """The exogenous inputs' values in one week (read from their schedules)."""

    ukraine_strength: float
    nato_posture: float
    sanctions: float
    war_trajectory: float
    counteroffensive: float
    war_active: float
    legitimacy_shock: float
    russian_police_reserve: float
    annexed: bool

    @classmethod
    def at(cls, p: Values, t: float) -> Inputs:
        schedules = (getattr(p, name).at(t) for name in cls._fields[:-1])
        return cls(*schedules, annexed=bool(p.annexed) and t >= p.annexed_from_week)
