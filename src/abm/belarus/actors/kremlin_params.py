"""The Kremlin's parameters: the value of Belarus's support and the cost of pressing (demand),
exasperation, dependence and leverage, penetration, Moscow's hidden resolve and risk
appetite, the gamble of a substitution and its odds, and the interventions inside Belarus
(``actors/kremlin.py``). Values are in units of the value to Moscow of Belarus's full
military support; ``docs/ODD.md`` section 8.2 says where each comes from.
"""

from __future__ import annotations

from abm.belarus.declare import ART, CF, TUNED, integer, real
from abm.params import Param

KREMLIN_PARAMS: list[Param] = [
    real(
        "exasperation_initial",
        0.1,
        "Moscow's exasperation at the start (late 2022: it wanted more than it got)",
        "index",
        0.0,
        5.0,
        source=ART + ": 'Putin expected Belarus's full assistance ... Instead'; assumption",
        group="kremlin",
    ),
    real(
        "demand_base",
        3.0,
        "value of Belarusian support at zero desperation and no doctrine trigger, in the "
        "level Moscow would demand at no instability risk",
        "level",
        0.0,
        5.0,
        source=ART + ": 'Putin expected Belarus's full assistance'; " + TUNED,
        group="kremlin",
    ),
    real(
        "demand_desperation",
        1.0,
        "value of Belarusian support added at full desperation (levels demanded at no risk)",
        "level",
        0.0,
        5.0,
        source=ART + ": desperation",
        group="kremlin",
    ),
    real(
        "doctrine_demand",
        1.0,
        "value of Belarusian support added at full counter-offensive on annexed land (Union "
        "State doctrine; levels demanded at no risk)",
        "level",
        0.0,
        5.0,
        source=ART + ": 'any military offensive against one of its members is an assault on "
        "the entire joint state'",
        group="kremlin",
    ),
    real(
        "desperation_rate",
        0.1,
        "weekly adjustment of desperation toward the war trajectory",
        "1/week",
        source="assumption",
        group="kremlin",
    ),
    real(
        "exasperation_gain",
        0.05,
        "exasperation added per week per level of unmet demand / 5",
        "1/week",
        0.0,
        1.0,
        source=ART + ": 'sufficiently exasperated with Belarus's limited role'; " + TUNED,
        group="kremlin",
    ),
    real(
        "exasperation_decay",
        0.05,
        "weekly decay of exasperation",
        "1/week",
        source="assumption",
        group="kremlin",
    ),
    real(
        "dependence_base",
        0.5,
        "Belarus's economic and political dependence on Moscow without sanctions",
        "index",
        source="Russia ~50 % of Belarus's trade (pre-2020); assumption",
        group="kremlin",
    ),
    real(
        "sanctions_dependence",
        0.4,
        "dependence added per unit of sanctions (mechanism 1)",
        "1/index",
        source=ART + ": 'increased Minsk's economic and political dependence on Moscow'",
        group="kremlin",
    ),
    real(
        "dependence_rate",
        0.05,
        "weekly adjustment of dependence toward its sanctioned target",
        "1/week",
        source="assumption",
        group="kremlin",
    ),
    real(
        "pressure_willingness",
        0.6,
        "share of its leverage Moscow applies against unmet demand",
        "share",
        source="assumption",
        group="kremlin",
    ),
    real(
        "penetration_initial",
        0.3,
        "mean alignment of the security services with Moscow at the start",
        "[0,1]",
        source=ART + ": 'Moscow has penetrated the country's security services'; low "
        "confidence, sweep it",
        group="kremlin",
    ),
    real(
        "penetration_effort",
        0.001,
        "weekly share of the remaining gap in each unit's alignment Moscow closes",
        "1/week",
        source=ART + "; assumption",
        group="kremlin",
    ),
    real(
        "penetration_desperation",
        1.0,
        "relative boost to penetration effort at full desperation",
        "-",
        0.0,
        10.0,
        source="assumption",
        group="kremlin",
    ),
    real(
        "indispensability_base",
        0.4,
        "Lukashenko's perceived indispensability to Moscow before polarisation and warnings",
        "index",
        source=ART + ": 'he is indispensable for maintaining a repressive status quo'",
        group="kremlin",
    ),
    real(
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
    # ------------------------------------------------- Moscow's hidden type and its choices
    integer(
        "resolve_types",
        3,
        "number of Moscow's resolve types: resolve is drawn once per run, uniformly from "
        "the evenly spaced grid 0, 1/(n-1), ..., 1 (one type: resolve 0.5)",
        "types",
        1,
        11,
        source="assumption: a few types, as in the ruler's belief grid (issue 12: 3-5); the "
        "prior is uniform because nothing observed before the war separates them",
        group="kremlin",
    ),
    real(
        "instability_cost",
        1.0,
        "relative marginal cost of pressing Minsk per unit of perceived instability risk: "
        "demand = value / (1 + instability_cost x risk)",
        "1/risk",
        0.0,
        10.0,
        source=ART + ": 'another popular uprising in Belarus ... could endanger the survival "
        "of the Union State'; CF: Aug-Sep 2020 Moscow stopped pressing for integration and "
        "backed him (police reserve, USD 1.5 bn loan); size an assumption",
        group="kremlin",
    ),
    real(
        "warning_risk",
        1.0,
        "relative rise of Moscow's perceived instability risk when Lukashenko warns "
        "(mechanism 7): risk = unrest x (1 + warning_risk), so a warning is worth what the "
        "unrest behind it is worth",
        "-",
        0.0,
        5.0,
        source=ART + ": 'warning Putin that another popular uprising in Belarus may not be "
        "containable'; assumption",
        group="kremlin",
    ),
    real(
        "warning_wear",
        0.0,
        "share of Moscow's credence in Lukashenko's warnings lost per week he warns and no "
        "uprising bears the warning out (mechanism 7): risk = unrest x (1 + warning_risk x "
        "credence); 0 = warnings never wear (cry-wolf off)",
        "1/week",
        0.0,
        0.2,
        source=ART + ": 'Lukashenko may also be warning Putin that another popular uprising "
        "in Belarus may not be containable'; assumption: a warning that nothing bears out "
        "is discounted (cry-wolf), at a rate nothing observed informs",
        group="kremlin",
    ),
    real(
        "warning_recovery",
        0.02,
        "weekly recovery of Moscow's credence in his warnings toward 1 in any week that is "
        "not an unconfirmed warning (he is silent, or an uprising bears him out)",
        "1/week",
        0.0,
        1.0,
        source="assumption (cry-wolf; the same order as nato_recovery)",
        group="kremlin",
    ),
    real(
        "sub_opportunity",
        0.08,
        "weekly probability that Moscow weighs a substitution at all (a plot needs a window: "
        "a crisis, a summit, a prepared network); given the chance it chooses by a logit",
        "1/week",
        0.0,
        1.0,
        source="assumption: about one review a quarter; Svolik 2012: patrons rarely remove "
        "clients, insiders do",
        group="kremlin",
    ),
    real(
        "choice_scale",
        8.0,
        "logit sharpness of Moscow's choices (attempt or keep, rescue, occupy): per unit of "
        "value margin (units: the value of Belarus's full military support)",
        "1/value",
        0.0,
        100.0,
        source="assumption (quantal response, McKelvey & Palfrey 1995); 0 = a coin toss",
        group="kremlin",
    ),
    real(
        "failure_cost",
        2.0,
        "Moscow's cost of a failed substitution (an open rupture with a ruler it cannot "
        "replace; he purges its network), in units of the value of Belarus's full support",
        "value",
        0.0,
        10.0,
        source=ART + ": 'without provoking a direct confrontation'; assumption",
        group="kremlin",
    ),
    real(
        "appetite_resolve",
        0.5,
        "risk appetite per unit of resolve: the share of a failure's cost Moscow discounts",
        "share",
        0.0,
        1.0,
        source="issue 12: Moscow's hidden type; assumption",
        group="kremlin",
    ),
    real(
        "appetite_desperation",
        0.4,
        "risk appetite per unit of desperation (added to the resolve term, capped at 1)",
        "share",
        0.0,
        1.0,
        source=ART + ": 'as desperation mounts in Moscow, the Kremlin may be more willing to "
        "take greater risks in Belarus'",
        group="kremlin",
    ),
    real(
        "back_pw",
        2.0,
        "relative rise in the stability Lukashenko is worth to Moscow per unit of "
        "pro-Western unrest (it backs him against a pro-Western street), and the share of "
        "its economic pressure it withholds meanwhile",
        "-",
        0.0,
        10.0,
        source=CF + ": Aug 2020 Putin announced a reserve of Russian police for Lukashenko "
        "and Moscow lent USD 1.5 bn (Sep 2020); " + ART + ": 'without him polarization ... "
        "would open the floodgates to Western penetration'",
        group="kremlin",
    ),
    real(
        "replace_pr",
        1.0,
        "value of replacing a ruler per unit of pro-Russian unrest (a pro-Russian public "
        "turning on him invites a loyalist it would accept)",
        "value",
        0.0,
        10.0,
        source="issue 12 (comparative politics: a patron replaces a client who loses his own "
        "base); assumption",
        group="kremlin",
    ),
    real(
        "replace_mutiny",
        1.0,
        "value of replacing a ruler who cannot hold his army, at mutinied share = "
        "mass_mutiny_share (linear below, capped there)",
        "value",
        0.0,
        10.0,
        source=ART + ": 'Its defeat could culminate in mutinies ... Lukashenko's ejection, and "
        "Russia's direct intervention'; assumption",
        group="kremlin",
    ),
    real(
        "union_value",
        1.0,
        "value to Moscow of keeping Belarus from a pro-Western successor, in units of the "
        "value of Belarus's full military support",
        "value",
        0.0,
        10.0,
        source=ART + ": 'could endanger the survival of the Union State'; assumption (unit)",
        group="kremlin",
    ),
    real(
        "rescue_cost",
        0.5,
        "cost to Moscow of sending troops to police Minsk for a ruler facing an uprising",
        "value",
        0.0,
        10.0,
        source=CF + ": the 2020 reserve was announced, never sent; assumption",
        group="kremlin",
    ),
    real(
        "occupation_cost",
        1.0,
        "cost to Moscow of occupying Belarus after its ruler has fallen (forces taken from "
        "the war, sanctions, resistance)",
        "value",
        0.0,
        20.0,
        source=ART + ": 'Russia's direct intervention'; assumption",
        group="kremlin",
    ),
    real(
        "pr_support_weight",
        0.1,
        "shift of the expected backing share per unit of pro-Russian legitimacy above 0.5 "
        "(their support decides who can rule after a substitution)",
        "share",
        source="brief: pro-Russian citizens",
        group="kremlin",
    ),
    integer(
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
    real(
        "failed_attempt_relief",
        0.5,
        "share of exasperation spent by a failed substitution attempt",
        "share",
        source="assumption",
        group="kremlin",
    ),
    integer(
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
    real(
        "russian_intervention_backing",
        0.7,
        "Moscow intervenes inside Belarus during an uprising once the share of security "
        "capacity still backing the regime falls below this",
        "share",
        source=ART + ": 'Russia's direct intervention'; assumption",
        group="kremlin",
    ),
    real(
        "occupation_legitimacy_pw",
        0.2,
        "legitimacy lost by pro-Western citizens after a Russian intervention",
        "[0,1]",
        source="assumption",
        group="kremlin",
    ),
]
