"""Lukashenko: a bounded-rational survival maximiser between two fears.

Article: "Lukashenko displays two main fears of losing power - an engineered substitution by
the Kremlin or an internal revolt in Minsk" and "Lukashenko has tried to do enough to appease
Putin without provoking a direct confrontation with Kyiv." Each week he picks the support
level (none, hosting Russian troops, logistics and airfields, supplying hardware, joint
military group / mobilisation, direct intervention) that maximises his chance of surviving
both fears over a planning horizon, judged on *noisy* estimates of Moscow's exasperation and
of its reach into his services (``choose_level``). He also uses NATO-threat rhetoric
(mechanism 6), warns Moscow (mechanism 7), orders repression (mechanism 8) and rotates the
chiefs of penetrated services (coup-proofing, De Bruin 2018).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from abm.belarus.actors.kremlin import logistic, projected_exasperation, substitution_hazard
from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL

GRADED = tuple(range(INTERVENTION_LEVEL + 1))
ALL_OR_NOTHING = (0, INTERVENTION_LEVEL)


@dataclass(frozen=True)
class Outlook:
    """What Lukashenko believes this week (estimates, not the truth).

    ``illegitimacy`` and ``defeat`` hold one value per support level 0..5: the
    population-weighted illegitimacy he expects at that level and the share of a deployed
    army he expects to lose over the horizon (zero below direct intervention).
    """

    demand: float
    exasperation: float
    desperation: float
    odds: float
    indispensability: float
    excuse_relief: float
    unrest: float
    illegitimacy: Sequence[float]
    defeat: Sequence[float]
    leverage: float
    current: int


@dataclass(frozen=True)
class Assessment:
    """His reckoning of one support level."""

    level: int
    gap: float
    p_substitution: float
    p_revolt: float
    pressure: float
    utility: float


def unmet_demand(demand: float, level: int, excuse_relief: float) -> float:
    """Levels of demand left unmet at ``level``; the NATO excuse forgives up to
    ``excuse_relief`` levels, but only while troops stay home (below intervention)."""
    relief = excuse_relief if level < INTERVENTION_LEVEL else 0.0
    return max(0.0, demand - level - relief)


def substitution_risk(p: Mapping, o: Outlook, gap: float) -> float:
    """P(removed by Moscow within the horizon | he holds a level leaving ``gap`` unmet).

    He projects Moscow's exasperation forward under that gap, applies Moscow's own attempt
    hazard to it, and multiplies the chance of an attempt within the horizon by his estimate
    of its success odds. Zero when mechanism 4 is off.
    """
    if not p["mech_substitution"]:
        return 0.0
    horizon = p["planning_horizon"]
    e = projected_exasperation(p, o.exasperation, gap, horizon)
    h = substitution_hazard(p, e, o.desperation, o.odds, o.indispensability)
    return (1.0 - (1.0 - h) ** horizon) * o.odds


def revolt_risk(p: Mapping, o: Outlook, level: int) -> float:
    """P(revolt within the horizon | level): logistic in a revolt-risk index.

    index = w_unrest * unrest + w_illegitimacy * illegitimacy(level) + w_defeat * defeat(level);
    P = logistic(slope * (index - mid)). Zero when mechanism 5 is off (no fear two).
    """
    if not p["mech_revolt"]:
        return 0.0
    index = (
        p["revolt_w_unrest"] * o.unrest
        + p["revolt_w_illegitimacy"] * o.illegitimacy[level]
        + p["revolt_w_defeat"] * o.defeat[level]
    )
    return logistic(p["revolt_slope"] * (index - p["revolt_mid"]))


def assess(p: Mapping, o: Outlook, level: int) -> Assessment:
    """Survival utility of a level: (1 - P_sub)(1 - P_rev) - econ cost - switching cost."""
    gap = unmet_demand(o.demand, level, o.excuse_relief)
    p_sub = substitution_risk(p, o, gap)
    p_rev = revolt_risk(p, o, level)
    pressure = min(1.0, o.leverage * gap / INTERVENTION_LEVEL)
    utility = (
        (1.0 - p_sub) * (1.0 - p_rev)
        - p["econ_weight"] * pressure
        - p["switch_cost"] * abs(level - o.current)
    )
    return Assessment(level, gap, p_sub, p_rev, pressure, utility)


def choose_level(p: Mapping, o: Outlook) -> tuple[int, list[Assessment]]:
    """The level with the highest survival utility (ties: the lower level).

    Graded complicity (mechanism 2) offers every level 0..5; with it switched off he can
    only refuse (0) or go all in (5).
    """
    levels = GRADED if p["mech_graded_complicity"] else ALL_OR_NOTHING
    table = [assess(p, o, s) for s in levels]
    best = max(table, key=lambda a: (a.utility, -a.level))
    return best.level, table


def repression_step(p: Mapping, intensity: float, active_share: float) -> float:
    """Repression orders (mechanism 8): intensity rises toward 1 while the active share is at
    or above ``repression_trigger`` and decays below it."""
    if not p["mech_repression"]:
        return 0.0
    if active_share >= p["repression_trigger"]:
        return intensity + p["repression_rise"] * (1.0 - intensity)
    return intensity * (1.0 - p["repression_decay"])


def nato_credibility_step(p: Mapping, credibility: float, used: bool, posture: float) -> float:
    """The excuse's credibility wears by ``nato_wear`` per week of use and recovers toward
    its ceiling (base + posture term) when unused (mechanism 6)."""
    ceiling = min(1.0, p["nato_credibility_base"] + p["nato_credibility_posture"] * posture)
    if used:
        return min(ceiling, credibility * (1.0 - p["nato_wear"]))
    return credibility + p["nato_recovery"] * (ceiling - credibility)


def purge_target(
    p: Mapping, alignment_est: np.ndarray, odds_est: float, weeks_since: int
) -> int | None:
    """Which unit's chiefs to rotate this week, if any (coup-proofing).

    He purges when he thinks Moscow's odds are at least ``purge_odds`` or some unit's
    estimated alignment exceeds ``purge_alignment``, at most once per ``purge_cooldown``
    weeks, choosing the unit he believes most penetrated.
    """
    if not p["mech_substitution"] or weeks_since < p["purge_cooldown"] or alignment_est.size == 0:
        return None
    worst = int(np.argmax(alignment_est))
    if odds_est >= p["purge_odds"] or alignment_est[worst] >= p["purge_alignment"]:
        return worst
    return None


class Lukashenko(mesa.Agent):
    """The ruler (one agent). State: support level, repression intensity, the NATO excuse's
    credibility, his latest estimates and the assessment behind his last choice."""

    def __init__(self, model: mesa.Model, p: Mapping, nato_posture: float):
        super().__init__(model)
        self.p = p
        self.in_power = True
        self.level = 0
        self.repression = 0.0
        ceiling = p["nato_credibility_base"] + p["nato_credibility_posture"] * nato_posture
        self.nato_credibility = min(1.0, ceiling)
        self.excuse_used = False
        self.warning = False
        self.weeks_since_purge = 10**6
        self.exasperation_est = 0.0
        self.odds_est = 0.0
        self.assessment: list[Assessment] = []

    @property
    def p_substitution(self) -> float:
        """His estimate of the substitution risk at the level he chose."""
        return self._chosen().p_substitution if self.assessment else 0.0

    @property
    def p_revolt(self) -> float:
        """His estimate of the revolt risk at the level he chose."""
        return self._chosen().p_revolt if self.assessment else 0.0

    def _chosen(self) -> Assessment:
        return next(a for a in self.assessment if a.level == self.level)

    def decide(self, o: Outlook, forced: bool) -> int:
        """Pick the support level; a forced intervention overrides his choice."""
        level, self.assessment = choose_level(self.p, o)
        if forced:
            level = INTERVENTION_LEVEL
            if all(a.level != level for a in self.assessment):
                self.assessment.append(assess(self.p, o, level))
        self.level = level
        # The excuse is in use whenever he keeps troops home while Moscow wants more.
        self.excuse_used = bool(
            self.p["mech_nato_excuse"] and level < INTERVENTION_LEVEL and o.demand > level
        )
        # He warns Moscow whenever he refuses part of the demand (mechanism 7).
        self.warning = bool(self.p["mech_warning"] and o.demand > level)
        return level
