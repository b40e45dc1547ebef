"""The Kremlin: demands Belarus's help, applies leverage, penetrates, may replace Lukashenko.

Article claims implemented here:

- "Putin expected Belarus's full assistance in the war against Ukraine" -> a demanded support
  level that rises with desperation (``demanded_support``).
- "the Kremlin can now assert that Ukraine's counter-offensive ... constitutes an attack on the
  Russia-Belarus Union State" -> the doctrine term of the demand (mechanism 3).
- "Putin could replace Lukashenko with a more dependable loyalist if he becomes sufficiently
  exasperated with Belarus's limited role" -> exasperation accumulates with the unmet demand
  (``exasperation_step``); "Moscow has penetrated the country's security services" ->
  penetration effort; "he is indispensable ... without him polarization ... would open the
  floodgates to Western penetration" -> indispensability (``indispensability``); "as
  desperation mounts in Moscow, the Kremlin may be more willing to take greater risks" ->
  the desperation term of the attempt hazard (``substitution_hazard``). Mechanism 4.
- "another popular uprising in Belarus may not be containable ... could endanger the survival
  of the Union State" -> Moscow weighs Lukashenko's warnings (mechanism 7) and intervenes in
  Belarus when an uprising threatens the Union State (mechanism 5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import mesa


def logistic(x: float) -> float:
    """Numerically safe 1 / (1 + exp(-x))."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def demanded_support(
    p: Mapping, desperation: float, counteroffensive: float, annexed: bool, relief: float
) -> float:
    """The support level Moscow demands this week, in [0, 5].

    demand = demand_base + demand_desperation * D + doctrine_demand * counteroffensive
    (the doctrine term only once annexed land exists and mechanism 3 is on) - relief
    (what Lukashenko's warnings talk Moscow down, mechanism 7).
    """
    doctrine = (
        p["doctrine_demand"] * counteroffensive if (annexed and p["mech_union_doctrine"]) else 0
    )
    d = p["demand_base"] + p["demand_desperation"] * desperation + doctrine - relief
    return min(5.0, max(0.0, d))


def exasperation_step(p: Mapping, exasperation: float, gap_levels: float, purged: bool) -> float:
    """E' = (1 - decay) E + gain * gap / 5 (+ purge_exasperation after a purge)."""
    e = (1.0 - p["exasperation_decay"]) * exasperation + p["exasperation_gain"] * gap_levels / 5.0
    if purged:
        e += p["purge_exasperation"]
    return max(0.0, e)


def projected_exasperation(p: Mapping, exasperation: float, gap_levels: float, weeks: int) -> float:
    """Exasperation after holding a constant gap for ``weeks`` (closed form of
    ``exasperation_step``): E_ss + (E - E_ss)(1 - decay)^weeks, E_ss = gain gap / (5 decay)."""
    decay = p["exasperation_decay"]
    if decay <= 0:
        return exasperation + weeks * p["exasperation_gain"] * gap_levels / 5.0
    e_ss = p["exasperation_gain"] * gap_levels / (5.0 * decay)
    return e_ss + (exasperation - e_ss) * (1.0 - decay) ** weeks


def indispensability(p: Mapping, polarisation: float, warning: float) -> float:
    """How indispensable Lukashenko looks to Moscow.

    indispensability_base + indispensability_polarisation * polarisation, plus
    warning_indispensability * warning when he warns (mechanism 7). Polarisation is the gap
    between pro-Russian and pro-Western legitimacy: the wider it is, the more Moscow fears
    the floodgates opening without him.
    """
    extra = p["warning_indispensability"] * warning if p["mech_warning"] else 0.0
    return p["indispensability_base"] + p["indispensability_polarisation"] * polarisation + extra


def substitution_hazard(
    p: Mapping, exasperation: float, desperation: float, odds: float, indispensability_: float
) -> float:
    """Weekly probability that Moscow attempts a substitution (mechanism 4).

    logistic(sub_bias + w_E E + w_D D + w_odds odds - w_I I): desired (exasperation), risk
    taking (desperation), feasible (estimated success odds, from penetration), restrained
    (indispensability). Zero when the mechanism is off.
    """
    if not p["mech_substitution"]:
        return 0.0
    x = (
        p["sub_bias"]
        + p["sub_w_exasperation"] * exasperation
        + p["sub_w_desperation"] * desperation
        + p["sub_w_odds"] * odds
        - p["sub_w_indispensability"] * indispensability_
    )
    return logistic(x)


class Kremlin(mesa.Agent):
    """Moscow (one agent). The model calls ``update`` then ``decide`` each week."""

    def __init__(self, model: mesa.Model, p: Mapping, desperation: float):
        super().__init__(model)
        self.p = p
        self.desperation = desperation
        self.demand = 0.0
        self.exasperation = 0.0
        self.dependence = p["dependence_base"]
        self.leverage = 0.0
        self.pressure = 0.0
        self.indispensability = p["indispensability_base"]
        self.odds = 0.0
        self.hazard = 0.0
        self.warning_weight = 0.0
        self.attempts = 0
        self.intervened = False

    def update_desperation(self, war_trajectory: float) -> None:
        """Desperation follows the war's course with inertia ('as desperation mounts')."""
        self.desperation += self.p["desperation_rate"] * (war_trajectory - self.desperation)

    def update_demand(self, counteroffensive: float, annexed: bool, warning: float) -> None:
        """Set this week's demand; a warning talks it down by warning_relief * its weight."""
        self.warning_weight = warning if self.p["mech_warning"] else 0.0
        relief = self.p["warning_relief"] * self.warning_weight
        self.demand = demanded_support(self.p, self.desperation, counteroffensive, annexed, relief)

    def penetration_effort(self) -> float:
        """Weekly share of each unit's remaining alignment gap Moscow closes (mechanism 4)."""
        if not self.p["mech_substitution"]:
            return 0.0
        return self.p["penetration_effort"] * (
            1.0 + self.p["penetration_desperation"] * self.desperation
        )
