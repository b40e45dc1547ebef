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

Each week ``Lukashenko.govern`` forms his outlook, decides, sets repression and may purge;
once he has fallen, a Moscow-installed loyalist complies with the demand instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.belarus.actors.citizens import legitimacies
from abm.belarus.actors.kremlin import (
    logistic,
    projected_exasperation,
    substitution_hazard,
    unmet_demand,
)
from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL
from abm.belarus.mechanisms.combat import expected_loss_share
from abm.belarus.mechanisms.economy import economic_pressure

if TYPE_CHECKING:
    from abm.belarus.world_params import Inputs
    from abm.params import Values

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


def substitution_risk(p: Values, o: Outlook, gap: float) -> float:
    """P(removed by Moscow within the horizon | he holds a level leaving ``gap`` unmet).

    He projects Moscow's exasperation forward under that gap, applies Moscow's own attempt
    hazard to it, and multiplies the chance of an attempt within the horizon by his estimate
    of its success odds. Zero when mechanism 4 is off.
    """
    if not p.mech_substitution:
        return 0.0
    horizon = p.planning_horizon
    e = projected_exasperation(p, o.exasperation, gap, horizon)
    h = substitution_hazard(p, e, o.desperation, o.odds, o.indispensability)
    return (1.0 - (1.0 - h) ** horizon) * o.odds


def revolt_risk(p: Values, o: Outlook, level: int) -> float:
    """P(revolt within the horizon | level): logistic in a revolt-risk index.

    index = w_unrest * unrest + w_illegitimacy * illegitimacy(level) + w_defeat * defeat(level);
    P = logistic(slope * (index - mid)). Zero when mechanism 5 is off (no fear two).
    """
    if not p.mech_revolt:
        return 0.0
    index = (
        p.revolt_w_unrest * o.unrest
        + p.revolt_w_illegitimacy * o.illegitimacy[level]
        + p.revolt_w_defeat * o.defeat[level]
    )
    return logistic(p.revolt_slope * (index - p.revolt_mid))


def assess(p: Values, o: Outlook, level: int) -> Assessment:
    """Survival utility of a level: (1 - P_sub)(1 - P_rev) - econ cost - switching cost."""
    gap = unmet_demand(o.demand, level, o.excuse_relief)
    p_sub = substitution_risk(p, o, gap)
    p_rev = revolt_risk(p, o, level)
    pressure = min(1.0, o.leverage * gap / INTERVENTION_LEVEL)
    utility = (
        (1.0 - p_sub) * (1.0 - p_rev)
        - p.econ_weight * pressure
        - p.switch_cost * abs(level - o.current)
    )
    return Assessment(level, gap, p_sub, p_rev, pressure, utility)


def choose_level(p: Values, o: Outlook) -> tuple[int, list[Assessment]]:
    """The level with the highest survival utility (ties: the lower level).

    Graded complicity (mechanism 2) offers every level 0..5; with it switched off he can
    only refuse (0) or go all in (5).
    """
    levels = GRADED if p.mech_graded_complicity else ALL_OR_NOTHING
    table = [assess(p, o, s) for s in levels]
    best = max(table, key=lambda a: (a.utility, -a.level))
    return best.level, table


def repression_step(p: Values, intensity: float, active_share: float) -> float:
    """Repression orders (mechanism 8): intensity rises toward 1 while last week's turnout
    (``active_share`` here: people protesting over the population) is at or above
    ``repression_trigger`` and decays below it."""
    if not p.mech_repression:
        return 0.0
    if active_share >= p.repression_trigger:
        return intensity + p.repression_rise * (1.0 - intensity)
    return intensity * (1.0 - p.repression_decay)


def nato_credibility_step(p: Values, credibility: float, used: bool, posture: float) -> float:
    """The excuse's credibility wears by ``nato_wear`` per week of use and recovers toward
    its ceiling (base + posture term) when unused (mechanism 6)."""
    ceiling = min(1.0, p.nato_credibility_base + p.nato_credibility_posture * posture)
    if used:
        return min(ceiling, credibility * (1.0 - p.nato_wear))
    return credibility + p.nato_recovery * (ceiling - credibility)


def purge_target(
    p: Values, alignment_est: np.ndarray, odds_est: float, weeks_since: int
) -> int | None:
    """Which unit's chiefs to rotate this week, if any (coup-proofing).

    He purges when he thinks Moscow's odds are at least ``purge_odds`` or some unit's
    estimated alignment exceeds ``purge_alignment``, at most once per ``purge_cooldown``
    weeks, choosing the unit he believes most penetrated.
    """
    if not p.mech_substitution or weeks_since < p.purge_cooldown or alignment_est.size == 0:
        return None
    worst = int(np.argmax(alignment_est))
    if odds_est >= p.purge_odds or alignment_est[worst] >= p.purge_alignment:
        return worst
    return None


class Lukashenko(mesa.Agent):
    """The ruler (one agent). State: support level, repression intensity, the NATO excuse's
    credibility, his latest estimates and the assessment behind his last choice."""

    def __init__(self, model: mesa.Model, p: Values, nato_posture: float):
        super().__init__(model)
        self.p = p
        self.in_power = True
        self.level = p.initial_support_level
        self.repression = 0.0
        ceiling = p.nato_credibility_base + p.nato_credibility_posture * nato_posture
        self.nato_credibility = min(1.0, ceiling)
        self.excuse_used = False
        self.warning = False
        self.weeks_since_purge = 10**6
        self.purged = False  # rotated a service's chiefs this week
        self.purges = 0  # cumulative count of purges (coup-proofing rotations), for the record
        self.exasperation_est = 0.0
        self.odds_est = 0.0
        self.alignment_est = np.zeros(0)
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

    def govern(self, t: int, x: Inputs) -> None:
        """The ruler's week. Lukashenko (while in power) picks the support level on his
        outlook (mechanism 2), uses the NATO excuse (6), warns (7), orders repression (8) and
        may purge a penetrated service; a Moscow-installed loyalist complies with the demand;
        a forced intervention overrides the choice from ``forced_intervention_week`` on."""
        p, m = self.p, self.model
        forced = 0 <= p.forced_intervention_week <= t
        self.weeks_since_purge += 1
        self.purged = False
        if m.regime == "lukashenko":
            level = self.decide(self.outlook(x), forced)
            self.repression = repression_step(p, self.repression, m.turnout)
            self.maybe_purge(t)
        else:
            self.warning = False
            self.excuse_used = False
            if m.regime == "loyalist":
                level = min(INTERVENTION_LEVEL, int(round(m.kremlin.demand)))
                self.repression = repression_step(p, self.repression, m.turnout)
            else:
                level = 0
                self.repression = 0.0
            if forced:
                level = p.forced_level
        m.support_level = level
        self.nato_credibility = nato_credibility_step(
            p, self.nato_credibility, self.excuse_used, x.nato_posture
        )

    def outlook(self, x: Inputs) -> Outlook:
        """What he believes this week: noisy estimates of Moscow's exasperation and of its
        reach into each service, the success odds those imply, and per support level the
        illegitimacy and the expected losses in Ukraine he foresees."""
        p, m = self.p, self.model
        k, rng = m.kremlin, m.actor_rng
        self.exasperation_est = max(0.0, k.exasperation + rng.normal(0.0, p.noise_exasperation))
        alignment = m.security.alignment()
        self.alignment_est = np.clip(
            alignment + rng.normal(0.0, p.noise_penetration, alignment.size), 0.0, 1.0
        )
        self.odds_est = k.substitution_odds(self.alignment_est) if p.mech_substitution else 0.0
        relief = p.excuse_relief * self.nato_credibility if p.mech_nato_excuse else 0.0
        illegit, defeat = [], []
        w = p.pro_western_share
        deployable = p.deploy_share * m.army.obeying_strength
        for level in range(INTERVENTION_LEVEL + 1):
            gap = unmet_demand(k.demand, level, relief)
            h = m.citizens.hardship_at(x.sanctions, economic_pressure(k.leverage, gap), level)
            lpw, lpr = legitimacies(p, m.citizens.conditions(level, h, m.occupied))
            illegit.append(w * (1.0 - lpw) + (1.0 - w) * (1.0 - lpr))
            loss = 0.0
            if level == INTERVENTION_LEVEL:
                loss = expected_loss_share(
                    x.ukraine_strength, deployable, p.lanchester_alpha, p.planning_horizon
                )
            defeat.append(loss)
        return Outlook(
            demand=k.demand,
            exasperation=self.exasperation_est,
            desperation=k.desperation,
            odds=self.odds_est,
            indispensability=k.indispensability,
            excuse_relief=relief,
            unrest=m.turnout / max(1e-9, m.uprising_threshold),
            illegitimacy=illegit,
            defeat=defeat,
            leverage=k.leverage,
            current=m.support_level,
        )

    def decide(self, o: Outlook, forced: bool) -> int:
        """Pick the support level; from the forced week on ``forced_level`` overrides it."""
        level, self.assessment = choose_level(self.p, o)
        if forced:
            level = self.p.forced_level
            if all(a.level != level for a in self.assessment):
                self.assessment.append(assess(self.p, o, level))
        self.level = level
        # The excuse is in use whenever he keeps troops home while Moscow wants more.
        self.excuse_used = bool(
            self.p.mech_nato_excuse and level < INTERVENTION_LEVEL and o.demand > level
        )
        # He warns Moscow whenever he refuses part of the demand (mechanism 7).
        self.warning = bool(self.p.mech_warning and o.demand > level)
        return level

    def maybe_purge(self, t: int) -> None:
        """Rotate the chiefs of the service he believes most penetrated (``purge_target``)."""
        p, m = self.p, self.model
        target = purge_target(p, self.alignment_est, self.odds_est, self.weeks_since_purge)
        if target is None:
            return
        unit = m.security.units[target]
        before = unit.alignment
        unit.rotate_chiefs(p.purge_effect)
        self.weeks_since_purge = 0
        self.purged = True
        self.purges += 1
        m.log.record(
            t,
            "purge",
            f"Lukashenko rotates the chiefs of {unit.name} (estimated alignment with Moscow "
            f"{self.alignment_est[target]:.2f}, actual {before:.2f} -> "
            f"{unit.alignment:.2f}; his estimated substitution odds {self.odds_est:.2f})",
        )
