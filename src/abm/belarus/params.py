"""Every parameter of the Belarus model: meaning, unit, default, range and source.

One declaration per parameter (``abm.params.Param``) validates user input (CLI ``--set``,
scenario files, sweep specs), gives the model its defaults and generates the ODD parameter
table, so the documentation cannot drift from the code.

Source keys used below:

- ``article``: Bugajski (late 2022), the seed text; quoted where a parameter carries a claim.
- ``CF``: ``CALIBRATION_FACTS.md`` (Belstat, IISS, Viasna, Chatham House polls, press).
- Epstein 2002 (civil violence), Granovetter 1978 (thresholds), Kuran 1991 (preference
  falsification), Lanchester 1916 (attrition), Powell & Thyne 2011 (coup base rate),
  De Bruin 2018 (counterbalancing), Paine 2022 (two kinds of military disloyalty),
  Svolik 2012 (insider exits), Chenoweth & Stephan 2011 (3.5 % participation),
  Singh 2014 (coups as coordination games).
- ``tuned``: set by the calibration (``experiments/calibration.py``) so that the baseline
  reproduces the article's late-2022 picture; the justification is in the meaning or source.

Switches ``mech_*`` turn each of the brief's mechanisms 1-8 on or off; ``ext_*`` turn the
citizen extensions on or off. With every switch off the citizen module is Epstein's Model 1.
"""

from __future__ import annotations

from abm.params import Param, ParamSet

ART = "article"
CF = "CALIBRATION_FACTS"
EP = "Epstein 2002, PNAS 99(s3)"
TUNED = "tuned (experiments/calibration.py)"

#: Belstat population on 1 January 2022 (CALIBRATION_FACTS): one agent per inhabitant at full scale.
POPULATION_2022 = 9_255_524

#: The support levels Lukashenko chooses from, in order (brief, actor table; article para. 4).
SUPPORT_LEVELS = (
    "none",
    "hosting Russian troops",
    "logistics and airfields",
    "supplying hardware",
    "joint military group / mobilisation",
    "direct intervention",
)
INTERVENTION_LEVEL = len(SUPPORT_LEVELS) - 1
MOBILISATION_LEVEL = 4

#: The brief's mechanisms 1-8, one switch each (name -> short description).
MECHANISMS = {
    "mech_sanctions_dependence": "1 sanctions deepen dependence on Moscow, scaling its leverage",
    "mech_graded_complicity": "2 graded complicity: support levels between none and intervention",
    "mech_union_doctrine": "3 Union State doctrine raises the demand once annexed land is attacked",
    "mech_substitution": "4 fear one: Moscow's penetration and an engineered substitution",
    "mech_revolt": "5 fear two: defeat, mutiny, security splits, revolt, ejection, Russian entry",
    "mech_nato_excuse": "6 NATO-threat rhetoric excuses keeping troops home (wears with use)",
    "mech_warning": "7 warnings that an uprising may be uncontainable, weighed by Moscow",
    "mech_repression": "8 the 2020 crackdown's coercive capacity and repression orders",
}

#: Citizen extensions to Epstein's rule; all off (with mechanisms off) = Epstein's Model 1.
EXTENSIONS = {
    "ext_orientations": "pro-Western and pro-Russian citizens with their own legitimacy",
    "ext_casualties": "casualties lower legitimacy",
    "ext_mobilisation": "mobilisation (level 4+) adds hardship and lowers legitimacy",
    "ext_hardship": "economic hardship from sanctions and Kremlin pressure",
    "ext_cascades": "Granovetter/Kuran cascades: falsified preferences revealed as others act",
}


def _f(name, default, meaning, unit="-", low=0.0, high=1.0, source="", group=""):
    return Param(name, default, "float", meaning, unit, low, high, source=source, group=group)


def _i(name, default, meaning, unit="-", low=0, high=10**9, source="", group=""):
    return Param(name, default, "int", meaning, unit, low, high, source=source, group=group)


def _s(name, default, meaning, unit="-", low=0.0, high=1.0, source="", group=""):
    return Param(name, default, "schedule", meaning, unit, low, high, source=source, group=group)


def _b(name, default, meaning, source="", group=""):
    return Param(name, default, "bool", meaning, source=source, group=group)


_SWITCHES = [
    _b(name, True, f"switch: mechanism {text}", source="brief, mechanisms 1-8", group="switches")
    for name, text in MECHANISMS.items()
] + [
    _b(name, True, f"switch: citizen extension - {text}", source="brief", group="switches")
    for name, text in EXTENSIONS.items()
]

_SCALE = [
    _i(
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
    _i(
        "population",
        POPULATION_2022,
        "inhabitants of Belarus (sets people per agent)",
        "people",
        1_000_000,
        20_000_000,
        source=CF + ": Belstat, 1 Jan 2022",
        group="scale",
    ),
    _f(
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

_ENGINE = [
    _f(
        "citizen_density",
        0.7,
        "share of grid cells holding a citizen",
        "share",
        0.01,
        0.95,
        EP,
        "engine",
    ),
    _f("vision", 7.0, "citizen vision v", "cells", 0.0, 50.0, EP, "engine"),
    _f("cop_vision", 7.0, "police vision v*", "cells", 0.0, 50.0, EP, "engine"),
    Param(
        "vision_shape",
        "von_neumann",
        "choice",
        "cells a vision spans",
        choices=("von_neumann", "moore", "euclidean", "cross"),
        source="Mesa example (von Neumann)",
        group="engine",
    ),
    _f("k", 2.3, "arrest constant in P = 1 - exp(-k C/A)", "-", 0.0, 100.0, EP, "engine"),
    Param(
        "arrest_rule",
        "literal",
        "choice",
        "f in P = 1 - exp(-k f(C/A))",
        choices=("literal", "floor", "round"),
        source=EP + " (literal)",
        group="engine",
    ),
    _f("threshold", 0.1, "activation threshold T in G - R P > T", "-", 0.0, 1.0, EP, "engine"),
    Param(
        "max_jail_term",
        4,
        "int_or_inf",
        "maximum jail term; terms drawn U{0..max}, mean 2 weeks: most of the > 33,000 "
        "detained in 2020 served administrative arrests of up to 15 days (the > 900 criminal "
        "cases are a tail the engine's single distribution leaves out)",
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
    _b("movement", True, "rule M: citizens and police move to a random empty cell", EP, "engine"),
    _f(
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

_EXOGENOUS = [
    _s(
        "ukraine_strength",
        60_000.0,
        "Ukrainian force (quality-adjusted troops) a Belarusian expedition would face; "
        "'his Belarusian army is no match for Ukrainian forces'",
        "troops",
        0.0,
        1_000_000.0,
        source=ART + "; sized at > 1.2x Belarus's whole army (IISS 2022); low confidence",
        group="exogenous",
    ),
    _s(
        "nato_posture",
        0.5,
        "visibility of NATO deployments on the western border (0 none, 1 maximal); makes "
        "the NATO-threat excuse more believable",
        "index",
        source=ART + ": tirades against Poland and Lithuania",
        group="exogenous",
    ),
    _s(
        "sanctions",
        0.8,
        "Western sanctions intensity; 'Belarus has been comprehensively sanctioned'",
        "index",
        source=ART,
        group="exogenous",
    ),
    _s(
        "war_trajectory",
        0.5,
        "how badly the war goes for Russia (0 winning, 1 collapsing); drives desperation. "
        "Late 2022: Kharkiv and Kherson counter-offensives",
        "index",
        source=ART + ": 'as desperation mounts in Moscow'",
        group="exogenous",
    ),
    _s(
        "counteroffensive",
        0.6,
        "intensity of Ukraine's counter-offensive on annexed territory",
        "index",
        source=ART + ": 'Ukraine's counter-offensive to regain its territories'",
        group="exogenous",
    ),
    _b(
        "annexed",
        True,
        "the four provinces are annexed (Sept 2022), so the doctrine can be invoked",
        source=ART,
        group="exogenous",
    ),
    _i(
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

_CITIZENS = [
    _f(
        "pro_western_share",
        0.5,
        "share of citizens oriented to the West (the rest pro-Russian); Chatham House Sept "
        "2020: Russia only 27 %, EU only 9 %, both 41 %, neither 23 % - splitting 'both' "
        "and 'neither' evenly gives ~0.5; low confidence, sweep it",
        "share",
        source=CF + ": Chatham House 2020",
        group="citizens",
    ),
    _f(
        "legitimacy_pw",
        0.87,
        "regime legitimacy for pro-Western citizens before the crackdown's legacy (at level 3 "
        "with the legacy ~0.71: quiet - turnout ~0.3-0.5 % - but aggrieved against 0.92 for "
        "pro-Russian citizens)",
        "[0,1]",
        source="Chatham House 2022: 3-6 % back joining the war; " + TUNED,
        group="citizens",
    ),
    _f(
        "legitimacy_pr",
        0.9,
        "regime legitimacy for pro-Russian citizens",
        "[0,1]",
        source="Chatham House 2022: 23-32 % back Russia's war; " + TUNED,
        group="citizens",
    ),
    _f(
        "crackdown_legitimacy_pw",
        0.06,
        "legitimacy the 2020 crackdown cost pro-Western citizens ('quiet but aggrieved')",
        "[0,1]",
        source="brief mechanism 8; " + TUNED,
        group="citizens",
    ),
    _f(
        "complicity_legitimacy_pw",
        0.10,
        "legitimacy lost by pro-Western citizens per support level 0..4 at full (4)",
        "[0,1]",
        source=ART + ": complicity; " + TUNED,
        group="citizens",
    ),
    _f(
        "alignment_legitimacy_pr",
        0.04,
        "legitimacy gained by pro-Russian citizens from support short of war, at level 4",
        "[0,1]",
        source="Chatham House 2022: 23-32 % back Russia's war",
        group="citizens",
    ),
    _f(
        "intervention_legitimacy_pw",
        0.05,
        "legitimacy lost by pro-Western citizens when the army fights in Ukraine (the "
        "announcement alone lifts turnout toward, not past, the 2020 level; casualties do the "
        "rest)",
        "[0,1]",
        source=CF + ": Sept 2022 phone poll, 85 % against direct participation; " + TUNED,
        group="citizens",
    ),
    _f(
        "intervention_legitimacy_pr",
        0.03,
        "legitimacy lost by pro-Russian citizens when the army fights in Ukraine",
        "[0,1]",
        source=CF + ": Sept 2022 phone poll, 85 % against (only 11 % for); " + TUNED,
        group="citizens",
    ),
    _f(
        "casualty_legitimacy_pw",
        2.0,
        "legitimacy lost by pro-Western citizens per unit of remembered casualty share "
        "(casualties / initial army)",
        "1/share",
        0.0,
        20.0,
        source="brief: casualties; " + TUNED,
        group="citizens",
    ),
    _f(
        "casualty_legitimacy_pr",
        1.5,
        "legitimacy lost by pro-Russian citizens per unit of remembered casualty share",
        "1/share",
        0.0,
        20.0,
        source="brief: casualties; " + TUNED,
        group="citizens",
    ),
    _f(
        "casualty_memory",
        0.04,
        "weekly decay of the remembered casualty share (half-life ~17 weeks)",
        "1/week",
        0.0,
        1.0,
        source="assumption",
        group="citizens",
    ),
    _f(
        "mobilisation_legitimacy_pw",
        0.03,
        "legitimacy lost by pro-Western citizens while mobilisation (level 4+) runs",
        "[0,1]",
        source="brief: mobilisation",
        group="citizens",
    ),
    _f(
        "mobilisation_legitimacy_pr",
        0.02,
        "legitimacy lost by pro-Russian citizens while mobilisation runs",
        "[0,1]",
        source="brief: mobilisation",
        group="citizens",
    ),
    _f(
        "repression_legitimacy_pw",
        0.5,
        "legitimacy lost by pro-Western citizens per unit of remembered arrest share "
        "(kept small: the crackdown's lasting cost is crackdown_legitimacy_pw)",
        "1/share",
        0.0,
        100.0,
        source="brief: repression moves legitimacy; " + TUNED,
        group="citizens",
    ),
    _f(
        "repression_legitimacy_pr",
        0.3,
        "legitimacy lost by pro-Russian citizens per unit of remembered arrest share",
        "1/share",
        0.0,
        100.0,
        source="brief: repression moves legitimacy",
        group="citizens",
    ),
    _f(
        "repression_memory",
        0.2,
        "weekly decay of the remembered arrest share",
        "1/week",
        source="assumption",
        group="citizens",
    ),
    _f(
        "hardship_legitimacy_pw",
        0.10,
        "legitimacy lost by pro-Western citizens per unit of economic hardship index",
        "1/index",
        source="brief: hardship moves legitimacy",
        group="citizens",
    ),
    _f(
        "hardship_legitimacy_pr",
        0.03,
        "legitimacy lost by pro-Russian citizens per unit of hardship (they blame sanctions)",
        "1/index",
        source="brief: hardship moves legitimacy",
        group="citizens",
    ),
    _f(
        "sanctions_hardship",
        0.10,
        "hardship index per unit of sanctions: H_eff = 1 - (1 - H)(1 - h)",
        "1/index",
        source="brief: hardship from sanctions",
        group="citizens",
    ),
    _f(
        "pressure_hardship",
        0.15,
        "hardship index per unit of Kremlin economic pressure",
        "1/index",
        source="brief: Kremlin economic pressure",
        group="citizens",
    ),
    _f(
        "mobilisation_hardship",
        0.08,
        "hardship index while mobilisation (level 4+) runs",
        "index",
        source="brief: mobilisation",
        group="citizens",
    ),
    _f(
        "falsification_premium",
        0.10,
        "extra threshold of a citizen who still falsifies her preference (Kuran): she acts "
        "only once the active share she sees nationally reaches her personal threshold",
        "-",
        source="Kuran 1991; Granovetter 1978; " + TUNED,
        group="citizens",
    ),
    _f(
        "cascade_threshold_max",
        0.1,
        "personal revelation thresholds are U(0, this) in national active share",
        "share",
        0.0,
        1.0,
        source="Granovetter 1978; 2020 peak ~2-4 % (CF)",
        group="citizens",
    ),
]

_KREMLIN = [
    _f(
        "exasperation_initial",
        0.1,
        "Moscow's exasperation at the start (late 2022: it wanted more than it got)",
        "index",
        0.0,
        5.0,
        source=ART + ": 'Putin expected Belarus's full assistance ... Instead'; assumption",
        group="kremlin",
    ),
    _f(
        "demand_base",
        3.0,
        "support level Moscow demands at zero desperation and no doctrine trigger",
        "level",
        0.0,
        5.0,
        source=ART + ": 'Putin expected Belarus's full assistance'; " + TUNED,
        group="kremlin",
    ),
    _f(
        "demand_desperation",
        1.0,
        "extra demanded levels at full desperation",
        "level",
        0.0,
        5.0,
        source=ART + ": desperation",
        group="kremlin",
    ),
    _f(
        "doctrine_demand",
        1.0,
        "extra demanded levels at full counter-offensive on annexed land (Union State doctrine)",
        "level",
        0.0,
        5.0,
        source=ART + ": 'any military offensive against one of its members is an assault on "
        "the entire joint state'",
        group="kremlin",
    ),
    _f(
        "desperation_rate",
        0.1,
        "weekly adjustment of desperation toward the war trajectory",
        "1/week",
        source="assumption",
        group="kremlin",
    ),
    _f(
        "exasperation_gain",
        0.05,
        "exasperation added per week per level of unmet demand / 5",
        "1/week",
        0.0,
        1.0,
        source=ART + ": 'sufficiently exasperated with Belarus's limited role'; " + TUNED,
        group="kremlin",
    ),
    _f(
        "exasperation_decay",
        0.05,
        "weekly decay of exasperation",
        "1/week",
        source="assumption",
        group="kremlin",
    ),
    _f(
        "dependence_base",
        0.5,
        "Belarus's economic and political dependence on Moscow without sanctions",
        "index",
        source="Russia ~50 % of Belarus's trade (pre-2020); assumption",
        group="kremlin",
    ),
    _f(
        "sanctions_dependence",
        0.4,
        "dependence added per unit of sanctions (mechanism 1)",
        "1/index",
        source=ART + ": 'increased Minsk's economic and political dependence on Moscow'",
        group="kremlin",
    ),
    _f(
        "dependence_rate",
        0.05,
        "weekly adjustment of dependence toward its sanctioned target",
        "1/week",
        source="assumption",
        group="kremlin",
    ),
    _f(
        "pressure_willingness",
        0.6,
        "share of its leverage Moscow applies against unmet demand",
        "share",
        source="assumption",
        group="kremlin",
    ),
    _f(
        "penetration_initial",
        0.3,
        "mean alignment of the security services with Moscow at the start",
        "[0,1]",
        source=ART + ": 'Moscow has penetrated the country's security services'; low "
        "confidence, sweep it",
        group="kremlin",
    ),
    _f(
        "penetration_effort",
        0.001,
        "weekly share of the remaining gap in each unit's alignment Moscow closes",
        "1/week",
        source=ART + "; assumption",
        group="kremlin",
    ),
    _f(
        "penetration_desperation",
        1.0,
        "relative boost to penetration effort at full desperation",
        "-",
        0.0,
        10.0,
        source="assumption",
        group="kremlin",
    ),
    _f(
        "indispensability_base",
        0.4,
        "Lukashenko's perceived indispensability to Moscow before polarisation and warnings",
        "index",
        source=ART + ": 'he is indispensable for maintaining a repressive status quo'",
        group="kremlin",
    ),
    _f(
        "indispensability_polarisation",
        1.0,
        "indispensability per unit of polarisation (legitimacy gap pro-Russian minus "
        "pro-Western): without him polarisation 'would open the floodgates to Western "
        "penetration'",
        "1/index",
        0.0,
        5.0,
        source=ART,
        group="kremlin",
    ),
    _f(
        "sub_bias",
        -9.0,
        "log-odds of a substitution attempt per week with no exasperation, desperation or odds",
        "logit",
        -50.0,
        50.0,
        source=TUNED + ": baseline attempts rare (Svolik 2012: insiders, not patrons, "
        "remove most autocrats)",
        group="kremlin",
    ),
    _f(
        "sub_w_exasperation",
        8.0,
        "log-odds per unit of exasperation ('desired')",
        "logit",
        0.0,
        50.0,
        source=ART + "; " + TUNED,
        group="kremlin",
    ),
    _f(
        "sub_w_desperation",
        2.0,
        "log-odds per unit of desperation ('more willing to take greater risks')",
        "logit",
        0.0,
        50.0,
        source=ART,
        group="kremlin",
    ),
    _f(
        "sub_w_odds",
        4.0,
        "log-odds per unit of estimated success odds ('feasible')",
        "logit",
        0.0,
        50.0,
        source=ART,
        group="kremlin",
    ),
    _f(
        "sub_w_indispensability",
        3.0,
        "log-odds lost per unit of perceived indispensability ('restrains')",
        "logit",
        0.0,
        50.0,
        source=ART,
        group="kremlin",
    ),
    _f(
        "pr_support_weight",
        0.1,
        "shift of the expected backing share per unit of pro-Russian legitimacy above 0.5 "
        "(their support decides who can rule after a substitution)",
        "share",
        source="brief: pro-Russian citizens",
        group="kremlin",
    ),
    _i(
        "russian_troops",
        9_000,
        "Russian troops in Belarus while it hosts them (level >= 1); they seed Moscow's side "
        "in a substitution",
        "troops",
        0,
        200_000,
        source=CF + ": ~9,000 in the joint grouping from Oct 2022",
        group="kremlin",
    ),
    _f(
        "failed_attempt_relief",
        0.5,
        "share of exasperation spent by a failed substitution attempt",
        "share",
        source="assumption",
        group="kremlin",
    ),
    _i(
        "russian_intervention_force",
        30_000,
        "Russian forces (police-equivalents) sent into Belarus in a direct intervention",
        "troops",
        0,
        500_000,
        source=CF + ": reserve of Russian law enforcement announced 27 Aug 2020; Feb 2022 "
        "exercise ~30,000",
        group="kremlin",
    ),
    _f(
        "russian_intervention_backing",
        0.7,
        "Moscow intervenes inside Belarus during an uprising once the share of security "
        "capacity still backing the regime falls below this",
        "share",
        source=ART + ": 'Russia's direct intervention'; assumption",
        group="kremlin",
    ),
    _f(
        "occupation_legitimacy_pw",
        0.2,
        "legitimacy lost by pro-Western citizens after a Russian intervention",
        "[0,1]",
        source="assumption",
        group="kremlin",
    ),
]

_LUKASHENKO = [
    _i(
        "initial_support_level",
        3,
        "support level at the start: late 2022 complicity up to supplying hardware (the joint "
        "group announced in Oct 2022 is level 4, which he may choose)",
        "level",
        0,
        5,
        source=ART + ": hosting troops, territory, logistics, airfields, tanks and hardware",
        group="lukashenko",
    ),
    _f(
        "noise_exasperation",
        0.1,
        "s.d. of Lukashenko's error in estimating Moscow's exasperation",
        "index",
        0.0,
        5.0,
        source="brief: 'noisy estimate'",
        group="lukashenko",
    ),
    _f(
        "noise_penetration",
        0.1,
        "s.d. of his error in estimating each unit's alignment with Moscow",
        "index",
        0.0,
        5.0,
        source="brief: 'noisy estimate'",
        group="lukashenko",
    ),
    _i(
        "planning_horizon",
        26,
        "weeks over which he weighs both fears",
        "weeks",
        1,
        520,
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "revolt_w_unrest",
        2.0,
        "revolt-risk index per unit of active share / containable share",
        "-",
        0.0,
        50.0,
        source=ART + ": fear of internal revolt",
        group="lukashenko",
    ),
    _f(
        "revolt_w_illegitimacy",
        3.0,
        "revolt-risk index per unit of population-weighted illegitimacy at a level",
        "-",
        0.0,
        50.0,
        source=ART,
        group="lukashenko",
    ),
    _f(
        "revolt_w_defeat",
        6.0,
        "revolt-risk index per unit of expected loss share of a deployed army over the horizon",
        "-",
        0.0,
        50.0,
        source=ART + ": 'his Belarusian army is no match for Ukrainian forces'",
        group="lukashenko",
    ),
    _f(
        "revolt_mid",
        1.6,
        "revolt-risk index at which he puts the risk of revolt at one half",
        "-",
        0.0,
        50.0,
        source=TUNED,
        group="lukashenko",
    ),
    _f(
        "revolt_slope",
        4.0,
        "slope of the logistic revolt-risk estimate",
        "-",
        0.0,
        50.0,
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "econ_weight",
        0.1,
        "survival-equivalent cost of a unit of Kremlin economic pressure",
        "-",
        0.0,
        10.0,
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "switch_cost",
        0.01,
        "survival-equivalent cost of changing the support level by one",
        "-",
        0.0,
        1.0,
        source="assumption: inertia",
        group="lukashenko",
    ),
    _f(
        "nato_credibility_base",
        0.3,
        "credibility of the NATO-threat excuse with no NATO posture",
        "[0,1]",
        source=ART + ": 'charges that the two NATO members are preparing to invade'",
        group="lukashenko",
    ),
    _f(
        "nato_credibility_posture",
        0.5,
        "extra credibility at full NATO posture",
        "[0,1]",
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "nato_wear",
        0.01,
        "share of credibility lost per week the excuse is used",
        "1/week",
        source="brief: 'its credibility wears out with use'",
        group="lukashenko",
    ),
    _f(
        "nato_recovery",
        0.02,
        "weekly recovery of credibility toward its ceiling when unused",
        "1/week",
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "excuse_relief",
        1.0,
        "demanded levels Moscow forgives at full credibility of the excuse",
        "level",
        0.0,
        5.0,
        source=ART + ": 'troops cannot be deployed in Ukraine as this would leave the country "
        "vulnerable'",
        group="lukashenko",
    ),
    _f(
        "border_share",
        0.3,
        "share of army units kept on the western border while the excuse is in use",
        "share",
        source=ART,
        group="lukashenko",
    ),
    _f(
        "warning_relief",
        0.5,
        "demanded levels Moscow forgives per unit of its perceived uprising risk",
        "level",
        0.0,
        5.0,
        source=ART + ": 'another popular uprising in Belarus may not be containable'",
        group="lukashenko",
    ),
    _f(
        "warning_indispensability",
        0.5,
        "indispensability added per unit of perceived uprising risk when he warns",
        "index",
        0.0,
        5.0,
        source=ART + ": 'could endanger the survival of the Union State'",
        group="lukashenko",
    ),
    _f(
        "repression_trigger",
        0.003,
        "active share at which he orders repression",
        "share",
        source=CF + ": 2020 response to protest",
        group="lukashenko",
    ),
    _f(
        "repression_rise",
        0.5,
        "weekly rise of repression intensity toward 1 while above the trigger",
        "1/week",
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "repression_decay",
        0.1,
        "weekly decay of repression intensity below the trigger",
        "1/week",
        source="assumption",
        group="lukashenko",
    ),
    _f(
        "repression_surge",
        0.5,
        "extra police on duty at full repression intensity",
        "share",
        0.0,
        5.0,
        source=CF + ": 2020 mass deployment of OMON and internal troops",
        group="lukashenko",
    ),
    _f(
        "repression_k_boost",
        0.5,
        "relative rise of the arrest constant k at full repression intensity",
        "share",
        0.0,
        5.0,
        source=CF + ": ~7,000 detained in the first days of Aug 2020",
        group="lukashenko",
    ),
    _f(
        "crackdown_police_boost",
        0.35,
        "extra police presence left by the 2020 crackdown (mechanism 8)",
        "share",
        0.0,
        5.0,
        source=CF + ": > 33,000 detained in 2020; BYPOL 46,128 certified MVD staff; " + TUNED,
        group="lukashenko",
    ),
    _f(
        "purge_odds",
        0.25,
        "his estimated success odds of a substitution above which he purges",
        "share",
        source="brief: coup-proofing",
        group="lukashenko",
    ),
    _f(
        "purge_alignment",
        0.5,
        "estimated alignment of a unit with Moscow above which he rotates its chiefs",
        "[0,1]",
        source="brief: coup-proofing",
        group="lukashenko",
    ),
    _f(
        "purge_effect",
        0.5,
        "share of a purged unit's alignment removed by rotating its chiefs",
        "share",
        source="De Bruin 2018: counterbalancing lowers coup success",
        group="lukashenko",
    ),
    _f(
        "purge_exasperation",
        0.05,
        "Moscow's exasperation added by a purge",
        "index",
        source="brief: 'coup-proofing, which annoys Moscow'",
        group="lukashenko",
    ),
    _i(
        "purge_cooldown",
        6,
        "minimum weeks between purges",
        "weeks",
        0,
        520,
        source="assumption",
        group="lukashenko",
    ),
]

_ARMY = [
    _i(
        "army_strength",
        46_500,
        "active armed forces",
        "soldiers",
        1_000,
        1_000_000,
        source=CF + ": IISS Military Balance 2022 / CIA 2022, 45,000-48,000",
        group="army",
    ),
    _i(
        "n_army_units",
        36,
        "army units (battalion to brigade scale); three per brigade network cluster",
        "units",
        3,
        500,
        source="brief: dozens",
        group="army",
    ),
    _f(
        "army_pw_share",
        0.3,
        "mean share of pro-Western soldiers in a unit (conscripts mirror the population, "
        "contract soldiers and officers lean loyal)",
        "share",
        source="assumption from " + CF + " opinion polls",
        group="army",
    ),
    _f("morale_initial", 0.75, "mean initial morale", "[0,1]", source="assumption", group="army"),
    _f(
        "loyalty_army",
        0.75,
        "mean loyalty of army units to Lukashenko",
        "[0,1]",
        source=CF + ": no army unit defected in 2020",
        group="army",
    ),
    _f(
        "mutiny_threshold",
        0.35,
        "mean morale below which a unit mutinies (unit thresholds U(+-0.1))",
        "[0,1]",
        source="Granovetter 1978 thresholds; assumption",
        group="army",
    ),
    _f(
        "morale_recovery",
        0.1,
        "weekly recovery of morale toward its initial level",
        "1/week",
        source="assumption",
        group="army",
    ),
    _f(
        "morale_w_losses",
        2.5,
        "morale lost per unit of the week's loss share",
        "1/share",
        0.0,
        100.0,
        source=ART + ": 'its defeat could culminate in mutinies'; " + TUNED,
        group="army",
    ),
    _f(
        "morale_w_contagion",
        0.06,
        "weekly morale lost per unit of mutinied share among network neighbours (one of four "
        "neighbours mutinied lowers a unit's settled morale by 0.15)",
        "1/week",
        0.0,
        5.0,
        source="brief: comrades' mutinies; " + TUNED,
        group="army",
    ),
    _f(
        "morale_w_protest",
        0.02,
        "weekly morale lost at a nationwide uprising, scaled by the unit's pro-Western share "
        "x 2 (2020-level protest leaves units above their thresholds: no unit defected)",
        "1/week",
        0.0,
        5.0,
        source="brief: protests at home; CF: no army unit defected in 2020; " + TUNED,
        group="army",
    ),
    _f(
        "morale_w_weakness",
        0.03,
        "weekly morale lost per unit of regime weakness",
        "1/week",
        0.0,
        5.0,
        source="brief: regime's apparent weakness",
        group="army",
    ),
    _f(
        "deploy_share",
        0.4,
        "share of the army's strength sent into Ukraine at direct intervention",
        "share",
        source="assumption: an expeditionary corps of ~20,000",
        group="army",
    ),
    _f(
        "lanchester_alpha",
        0.008,
        "Belarusian losses per week per Ukrainian-to-Belarusian force ratio (aimed fire)",
        "1/week",
        0.0,
        1.0,
        source="Lanchester 1916; ~1 %/week at parity, 2022 attrition reports; low confidence",
        group="army",
    ),
    _f(
        "lanchester_beta",
        0.004,
        "Ukrainian losses per week per Belarusian-to-Ukrainian force ratio (reported only)",
        "1/week",
        0.0,
        1.0,
        source="Lanchester 1916; assumption",
        group="army",
    ),
    _f(
        "army_internal_share",
        0.25,
        "share of army strength ordered against protesters in an uprising",
        "share",
        source="Paine 2022",
        group="army",
    ),
    _f(
        "refusal_mid",
        1.0,
        "refusal index (pro-Western share + disloyalty + demoralisation) at which an ordered "
        "unit refuses with probability one half",
        "-",
        0.0,
        3.0,
        source="Paine 2022: not defending the ruler; assumption",
        group="army",
    ),
    _f(
        "army_police_factor",
        0.5,
        "police-equivalents per soldier ordered against protesters",
        "-",
        0.0,
        5.0,
        source="assumption",
        group="army",
    ),
    _f(
        "clash_damage",
        0.2,
        "security capacity lost per week per clashing soldier",
        "-",
        0.0,
        5.0,
        source=ART + ": 'conflicts between military and internal security forces'",
        group="army",
    ),
]

_SECURITY = [
    _f(
        "security_scale",
        1.0,
        "multiplier on the security units' table capacities (~99,000 people)",
        "-",
        0.1,
        5.0,
        source=CF + ": ~87,000 police + 11,000 internal troops",
        group="security",
    ),
    _i(
        "kgb_size",
        8_000,
        "KGB staff",
        "people",
        0,
        100_000,
        source=CF + ": not public; sweep it",
        group="security",
    ),
    _f(
        "loyalty_security",
        0.5,
        "mean loyalty of security units to Lukashenko (elite units higher)",
        "[0,1]",
        source=CF + ": > 700 officials quit in 2020, no unit defected",
        group="security",
    ),
    _f(
        "coordination_slope",
        0.5,
        "how much a unit's own leaning (loyalty minus alignment) moves the share of others "
        "it needs to see on a side before joining it (threshold 0.5 + slope x leaning)",
        "-",
        0.0,
        5.0,
        source="Granovetter 1978; Singh 2014 (coups as coordination games)",
        group="security",
    ),
    _f(
        "coordination_noise",
        0.15,
        "s.d. of a unit's private threshold shock at the moment of decision",
        "share",
        0.0,
        1.0,
        source="Powell & Thyne 2011: ~48 % of coup attempts succeed",
        group="security",
    ),
    _f(
        "weakness_discount",
        0.3,
        "threshold reduction at full regime weakness",
        "share",
        source="brief: 'defect when the regime looks doomed'",
        group="security",
    ),
    _f(
        "protest_pressure",
        0.5,
        "defection seed per unit of active share above the containable share",
        "share",
        0.0,
        5.0,
        source="assumption",
        group="security",
    ),
]

_OUTCOMES = [
    _f(
        "uprising_share",
        0.035,
        "active share that counts as an uprising (whatever security could contain); "
        "> 0: at 0 every week, even with nobody out, would be an uprising, so the floor is "
        "0.1 % (~9,000 people), far below any mass protest",
        "share",
        0.001,
        1.0,
        source="Chenoweth & Stephan 2011: 3.5 % rule; CF: 2020 peak 2-4 %",
        group="outcomes",
    ),
    _f(
        "containment_ratio",
        4.0,
        "protesters one loyal security officer can contain: 2020's ~90,000 contained peaks of "
        "2-4 % of the population, so >= 4; 4 x 90,500 / 9.26 M = 3.9 %, just above the 3.5 % "
        "rule, which therefore binds at baseline; >= 0.1: at 0 nothing could be contained "
        "and every week would be an uprising (0.1 = ten officers per protester, far below "
        "any observed policing)",
        "people/officer",
        0.1,
        100.0,
        source=CF + ": 2020 peak 100-200,000 in Minsk, contained; " + TUNED,
        group="outcomes",
    ),
    _f(
        "mass_mutiny_share",
        0.25,
        "mutinied share of army strength that counts as a mass mutiny",
        "share",
        source="assumption (a quarter of the army: no longer one unit's affair)",
        group="outcomes",
    ),
    _f(
        "ejection_backing",
        0.5,
        "share of security capacity backing the ruler below which he is ejected",
        "share",
        source="Singh 2014: a coup or revolt wins once most armed actors join it",
        group="outcomes",
    ),
    _f(
        "substitution_success_share",
        0.5,
        "share of security capacity that must back Moscow for a substitution to succeed",
        "share",
        source="Singh 2014; Powell & Thyne 2011",
        group="outcomes",
    ),
]

BELARUS_PARAMS = ParamSet(
    _SWITCHES
    + _SCALE
    + _ENGINE
    + _EXOGENOUS
    + _CITIZENS
    + _KREMLIN
    + _LUKASHENKO
    + _ARMY
    + _SECURITY
    + _OUTCOMES
)


def epstein_equivalent(**overrides) -> dict:
    """Overrides that switch off every mechanism and extension (the Epstein reduction).

    With these, the citizen module is Epstein's Model 1: constant legitimacy L (give both
    ``legitimacy_pw`` and ``legitimacy_pr`` the same value), grievance H (1 - L), threshold
    T, police at ``police_density`` per cell, arrests with constant k.
    """
    out: dict = {name: False for name in (*MECHANISMS, *EXTENSIONS)}
    out.update(overrides)
    return out
