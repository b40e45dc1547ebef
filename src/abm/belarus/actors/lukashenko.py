"""Lukashenko: a bounded-rational survival maximiser between two fears, deciding on beliefs.

Article: "Lukashenko displays two main fears of losing power - an engineered substitution by
the Kremlin or an internal revolt in Minsk" and "Lukashenko has tried to do enough to appease
Putin without provoking a direct confrontation with Kyiv." Each week he picks the support
level (none, hosting Russian troops, logistics and airfields, supplying hardware, joint
military group / mobilisation, direct intervention) by a noisy best response (logit quantal
response, McKelvey & Palfrey 1995) to his survival over a planning horizon, judged on what he
*believes* (``ruler_beliefs``: Moscow's resolve, each service's penetration, an expedition's
loss rate), never on Moscow's hidden state. His revolt risk at a level comes from an emulator
of the model itself (``revolt_emulator``). He decides when the NATO-threat excuse (mechanism
6) and a warning to Moscow (mechanism 7) pay, orders repression (mechanism 8), and purges a
service when the cut in substitution risk outweighs a purge's costs (De Bruin 2018).

Each week ``Lukashenko.govern`` updates his beliefs, decides, sets repression and may purge;
once he has fallen, a Moscow-installed loyalist complies with the demand instead. ``decider``
says who set this week's level: "lukashenko", "loyalist", "forced" (a scenario's forced
intervention) or "nobody" (no regime while power is contested).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.belarus.actors import ruler_beliefs as rb
from abm.belarus.actors.citizens import legitimacies
from abm.belarus.actors.kremlin import unmet_demand
from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL
from abm.belarus.actors.revolt_emulator import RevoltEmulator, load_emulator
from abm.belarus.actors.security import CAPITAL, ORDER_OF_BATTLE
from abm.belarus.mechanisms.economy import economic_pressure

if TYPE_CHECKING:
    from abm.belarus.world_params import Inputs
    from abm.params import Values

GRADED = tuple(range(INTERVENTION_LEVEL + 1))
ALL_OR_NOTHING = (0, INTERVENTION_LEVEL)


@dataclass(frozen=True)
class Situation:
    """What he observes this week (no hidden Kremlin state).

    ``illegitimacy`` holds one value per support level 0..5 (the population-weighted
    1 - legitimacy he foresees there); ``leverage`` his reading of Moscow's economic squeeze
    per unmet level / 5; ``relief`` the levels the NATO excuse would forgive at its current
    credibility (0 with mechanism 6 off); ``capacity``/``weight`` his services' capacities
    and their weight in a coup (capital 1); ``troops`` the Russian troops he would host at
    any level >= 1.
    """

    demand: float
    unrest: float
    illegitimacy: Sequence[float]
    mutinied_share: float
    leverage: float
    relief: float
    current: int
    capacity: np.ndarray
    weight: np.ndarray
    troops: float


@dataclass(frozen=True)
class Assessment:
    """His reckoning of one support level (``excuse``: he would use the NATO excuse)."""

    level: int
    gap: float
    excuse: bool
    odds: float
    p_substitution: float
    p_revolt: float
    pressure: float
    utility: float


# ------------------------------------------------------------------------ closed-form risks
def coup_odds(p: Values, b: rb.Beliefs, s: Situation, level: int) -> float:
    """His estimated success odds of a coup if he holds ``level``: hosting Russian troops
    (level >= 1) puts them on Moscow's side of the capital."""
    return rb.coup_odds(
        b.penetration,
        b.penetration_var,
        s.capacity,
        s.weight,
        s.troops if level >= 1 else 0.0,
        p.ruler_coup_majority,
        p.ruler_coup_noise,
    )


def attempt_hazard(p: Values, b: rb.Beliefs, gap: float, odds, annoyance: float = 0.0):
    """His level-0 model of Moscow: each resolve type's weekly attempt hazard at this unmet
    ``gap`` and these coup ``odds`` (``annoyance``: extra log-odds after a purge)."""
    return rb.type_hazard(
        b.types,
        gap,
        odds,
        p.ruler_hazard_bias + annoyance,
        p.ruler_hazard_resolve,
        p.ruler_hazard_gap,
        p.ruler_hazard_odds,
    )


def substitution_risk(
    p: Values, b: rb.Beliefs, gap: float, odds, annoyance: float = 0.0
) -> float | np.ndarray:
    """P(removed by Moscow within the horizon | a constant ``gap``): over his resolve
    posterior, each type's chance of an attempt within the horizon (its weekly hazard at
    this gap and these odds, plus ``annoyance`` log-odds) times the odds. Zero with
    mechanism 4 off. An array of ``odds`` (alternatives) gives an array of risks."""
    if not p.mech_substitution:
        return 0.0 if np.ndim(odds) == 0 else np.zeros(np.shape(odds))
    o = np.asarray(odds, dtype=float)
    h = attempt_hazard(p, b, gap, o[..., None], annoyance)
    # an explicit sum, not ``@``: BLAS kernels differ between builds in their last bits
    risk = np.sum((1.0 - (1.0 - h) ** p.planning_horizon) * b.resolve, axis=-1) * o
    return float(risk) if risk.ndim == 0 else risk


def revolt_risk(p: Values, em: RevoltEmulator | None, b: rb.Beliefs, s: Situation, level: int):
    """P(ejected by revolt within his horizon | level) from the emulator of the model, whose
    features are read over its own ``horizon_weeks`` (the expected losses of an expedition
    enter at direct intervention only) and whose probability is carried to his
    ``planning_horizon`` at a constant hazard. Zero with mechanism 5 off."""
    if not p.mech_revolt or em is None:
        return 0.0
    weeks = em.horizon_weeks
    loss = rb.expected_loss_share(b, weeks) if level == INTERVENTION_LEVEL else 0.0
    prob = em.probability(level, s.unrest, s.illegitimacy[level], loss, s.mutinied_share)
    if weeks == p.planning_horizon or prob >= 1.0:
        return prob
    return 1.0 - (1.0 - prob) ** (p.planning_horizon / weeks)


def assess(
    p: Values,
    em: RevoltEmulator | None,
    b: rb.Beliefs,
    s: Situation,
    level: int,
    odds: float | None = None,
) -> Assessment:
    """Survival utility of a level: (1 - P_sub)(1 - P_rev) - econ_weight x pressure -
    switch_cost x |level - current|. He uses the NATO excuse at this level only when it
    cuts his substitution risk by at least ``ruler_excuse_threshold`` (its credibility is
    worth keeping for a graver week). ``odds``: his coup odds at this level, if known."""
    if odds is None:
        odds = coup_odds(p, b, s, level)
    gap = unmet_demand(s.demand, level, 0.0)
    p_sub = substitution_risk(p, b, gap, odds)
    excuse = False
    if s.relief > 0.0 and gap > 0.0 and level < INTERVENTION_LEVEL:
        gap_ex = unmet_demand(s.demand, level, s.relief)
        p_ex = substitution_risk(p, b, gap_ex, odds)
        if p_sub - p_ex >= p.ruler_excuse_threshold:
            excuse, gap, p_sub = True, gap_ex, p_ex
    p_rev = revolt_risk(p, em, b, s, level)
    pressure = min(1.0, s.leverage * gap / INTERVENTION_LEVEL)
    utility = (
        (1.0 - p_sub) * (1.0 - p_rev)
        - p.econ_weight * pressure
        - p.switch_cost * abs(level - s.current)
    )
    return Assessment(level, gap, excuse, odds, p_sub, p_rev, pressure, utility)


def quantal_choice(utilities: Sequence[float], precision: float, u: float | None) -> int:
    """Index drawn with probability proportional to exp(precision x utility) (logit
    quantal response); ``u`` is a uniform draw in [0, 1); ``u=None`` or an infinite
    precision gives the best response (ties: the first)."""
    best = int(np.argmax(utilities))
    if u is None or math.isinf(precision):
        return best
    top = utilities[best]
    weights = np.exp(precision * (np.asarray(utilities) - top))
    cum = np.cumsum(weights)
    return int(np.searchsorted(cum, u * cum[-1], side="right"))


def choice_probabilities(utilities: Sequence[float], precision: float) -> np.ndarray:
    """The logit quantal response's probability of each option."""
    x = np.asarray(utilities, dtype=float)
    w = np.exp(precision * (x - x.max()))
    return w / w.sum()


def choose_level(
    p: Values, em: RevoltEmulator | None, b: rb.Beliefs, s: Situation, u: float | None
) -> tuple[int, list[Assessment]]:
    """His noisy best response over the levels on offer (graded complicity, mechanism 2:
    every level 0..5; switched off: refuse (0) or go all in (5))."""
    levels = GRADED if p.mech_graded_complicity else ALL_OR_NOTHING
    odds = (coup_odds(p, b, s, 0), coup_odds(p, b, s, 1))  # without / with Russian troops
    table = [assess(p, em, b, s, lv, odds[lv >= 1]) for lv in levels]
    pick = quantal_choice([a.utility for a in table], p.ruler_qre_precision, u)
    return table[pick].level, table


def purge_choice(
    p: Values, b: rb.Beliefs, s: Situation, chosen: Assessment
) -> tuple[int | None, float]:
    """The unit whose purge gains him most, and the net gain; None when no purge pays.

    Gain of purging unit j at the chosen level: his substitution risk now minus after, where
    after the purge j's believed penetration is cut by ``purge_effect``, j loses
    ``purge_capacity_loss`` of its capacity (counterbalancing's cost in effectiveness, De
    Bruin 2018) and Moscow is annoyed (``purge_exasperation``, read on the unmet-demand
    scale: + ruler_hazard_gap x 5 x purge_exasperation log-odds); minus ``ruler_purge_cost``.
    """
    if not p.mech_substitution or s.capacity.size == 0:
        return None, 0.0
    if chosen.p_substitution <= p.ruler_purge_cost:  # no purge can cut more than all of it
        return None, 0.0
    n = s.capacity.size
    units = np.arange(n)
    pen = np.tile(b.penetration, (n, 1))  # row j: his beliefs if he purged unit j
    var = np.tile(b.penetration_var, (n, 1))
    cap = np.tile(s.capacity, (n, 1))
    pen[units, units] *= 1.0 - p.purge_effect
    var[units, units] *= (1.0 - p.purge_effect) ** 2
    cap[units, units] *= 1.0 - p.purge_capacity_loss
    troops = s.troops if chosen.level >= 1 else 0.0
    odds = rb.coup_odds(pen, var, cap, s.weight, troops, p.ruler_coup_majority, p.ruler_coup_noise)
    annoyance = p.ruler_hazard_gap * INTERVENTION_LEVEL * p.purge_exasperation
    after = substitution_risk(p, b, chosen.gap, odds, annoyance)
    net = chosen.p_substitution - after - p.ruler_purge_cost
    j = int(np.argmax(net))
    return (j, float(net[j])) if net[j] > 0.0 else (None, 0.0)


def wants_to_warn(
    p: Values, em: RevoltEmulator | None, b: rb.Beliefs, s: Situation, level: int
) -> bool:
    """He warns Moscow (mechanism 7) when he gives less than demanded and his revolt risk at
    the level Moscow demands is at least ``ruler_warning_risk``: the uprising he would
    warn of is one he believes in."""
    if not p.mech_warning or s.demand <= level:
        return False
    demanded = min(INTERVENTION_LEVEL, math.ceil(s.demand))
    return revolt_risk(p, em, b, s, demanded) >= p.ruler_warning_risk


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


def prior_alignment(p: Values) -> np.ndarray:
    """His prior mean of each unit's alignment: ``penetration_initial`` x the unit's
    exposure (the order of battle's affinity), as Moscow's reach was known at the start."""
    return np.clip([p.penetration_initial * spec.affinity for spec in ORDER_OF_BATTLE], 0, 1)


class Lukashenko(mesa.Agent):
    """The ruler (one agent). State: support level, repression intensity, the NATO excuse's
    credibility, his beliefs (``beliefs``), what he last observed, and the assessment
    behind his last choice."""

    def __init__(self, model: mesa.Model, p: Values, nato_posture: float):
        super().__init__(model)
        self.p = p
        self.in_power = True
        self.level = p.initial_support_level
        self.decider = "lukashenko"
        self.repression = 0.0
        ceiling = p.nato_credibility_base + p.nato_credibility_posture * nato_posture
        self.nato_credibility = min(1.0, ceiling)
        self.excuse_used = False
        self.warning = False
        self.purged = False  # rotated a service's chiefs this week
        self.purges = 0  # cumulative count of purges (coup-proofing rotations), for the record
        self.emulator = load_emulator() if p.mech_revolt else None
        inputs = getattr(model, "inputs", None)
        war = inputs.war_trajectory if inputs is not None else 0.5
        types = rb.type_grid(p.ruler_resolve_low, p.ruler_resolve_high, p.ruler_resolve_types)
        self.beliefs = rb.initial_beliefs(
            types,
            prior_alignment(p),
            p.ruler_penetration_strength,
            rb.war_loss_rate(p.ruler_loss_rate, war),
            p.ruler_loss_memory,
        )
        self.leverage_est = 0.0
        self.attempts_seen = 0
        self.last_gap = 0.0  # unmet levels he left last week (net of the excuse he used)
        self.last_odds = 0.0  # his coup-odds estimate at last week's level
        self.odds_est = 0.0
        self.assessment: list[Assessment] = []

    @property
    def alignment_est(self) -> np.ndarray:
        """His best guess of each unit's alignment with Moscow (Beta means)."""
        return self.beliefs.penetration

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

    # ------------------------------------------------------------------------ the week
    def govern(self, t: int, x: Inputs) -> None:
        """The ruler's week. Lukashenko (while in power) learns from what he observed and
        picks the support level (mechanism 2), uses the NATO excuse (6) and warns (7) when
        they pay, orders repression (8) and may purge a service; a Moscow-installed loyalist
        complies with the demand; a forced intervention overrides the choice from
        ``forced_intervention_week`` on."""
        p, m = self.p, self.model
        self.purged = False
        self.excuse_used = self.warning = False
        if m.regime == "lukashenko":
            self.observe(x)
            s = self.situation(x)
            level, self.assessment = choose_level(
                p, self.emulator, self.beliefs, s, float(m.actor_rng.random())
            )
            self.decider = "lukashenko"
            self.repression = repression_step(p, self.repression, m.turnout)
        elif m.regime == "loyalist":
            level = min(INTERVENTION_LEVEL, int(round(m.kremlin.demand)))
            self.decider = "loyalist"
            self.repression = repression_step(p, self.repression, m.turnout)
        else:
            level, self.decider, self.repression = 0, "nobody", 0.0
        if 0 <= p.forced_intervention_week <= t:
            level, self.decider = p.forced_level, "forced"
        self.level = m.support_level = level
        if m.regime == "lukashenko":
            self.act_on(t, s, level)
        self.nato_credibility = nato_credibility_step(
            p, self.nato_credibility, self.excuse_used, x.nato_posture
        )

    def observe(self, x: Inputs) -> None:
        """Bayes steps on this week's observations: the demand, last week's squeeze and any
        plot he uncovered (resolve); the drift of Moscow's work, a failed plot's sides
        (penetration); the war's course and his own units' losses (loss rate)."""
        p, m, k = self.p, self.model, self.model.kremlin
        b = self.beliefs
        squeeze = None
        if self.last_gap > 1e-6:
            squeeze = min(1.0, k.pressure / (self.last_gap / INTERVENTION_LEVEL))
            self.leverage_est = squeeze
        coup = getattr(m, "coup", None) or getattr(m.security, "coup", None)
        plot = quiet = None
        if coup is None and p.mech_substitution:
            h = attempt_hazard(p, b, self.last_gap, self.last_odds)
            if k.attempts > self.attempts_seen:  # a plot failed: he is still in power
                self.attempts_seen = k.attempts
                plot = h
                backed = np.array([u.backs_moscow for u in m.security.units])
                b = rb.plot_evidence(b, backed, p.ruler_plot_weight, cut=p.purge_effect)
            else:
                quiet = h
        b = rb.update_resolve(
            b,
            demand=k.demand,
            war=x.war_trajectory,
            squeeze=squeeze,
            plot_hazard=plot,
            quiet_hazard=quiet,
            drift=p.ruler_resolve_drift,
            signal_sd=p.ruler_signal_sd,
        )
        if p.mech_substitution:  # Moscow pushes harder when desperate, and he knows it
            b = rb.drift_penetration(b, p.ruler_penetration_drift * (1.0 + k.desperation))
        army = m.army
        fought = army.deployed_strength + army.casualties_week
        own = army.casualties_week / fought if fought > 0 else None
        self.beliefs = rb.update_losses(
            b,
            war=x.war_trajectory,
            base=p.ruler_loss_rate,
            memory=p.ruler_loss_memory,
            own_share=own,
            own_weight=p.ruler_loss_own_weight,
        )

    def situation(self, x: Inputs) -> Situation:
        """What he sees this week, with the illegitimacy he foresees at each level (the
        hardship his own economy's squeeze and mobilisation would bring)."""
        p, m = self.p, self.model
        relief = p.excuse_relief * self.nato_credibility if p.mech_nato_excuse else 0.0
        demand = m.kremlin.demand
        illegit = []
        w = p.pro_western_share
        for level in GRADED:
            gap = unmet_demand(demand, level, 0.0)
            pressure = economic_pressure(self.leverage_est, gap)
            h = m.citizens.hardship_at(x.sanctions, pressure, level)
            lpw, lpr = legitimacies(p, m.citizens.conditions(level, h, m.occupied))
            illegit.append(w * (1.0 - lpw) + (1.0 - w) * (1.0 - lpr))
        units = m.security.units
        return Situation(
            demand=demand,
            unrest=m.turnout / max(1e-9, m.uprising_threshold),
            illegitimacy=illegit,
            mutinied_share=m.army.mutinied_share,
            leverage=self.leverage_est,
            relief=relief,
            current=m.support_level,
            capacity=np.array([u.capacity for u in units]),
            weight=np.array([1.0 if u.region == CAPITAL else p.ruler_rest_weight for u in units]),
            troops=float(p.russian_troops),
        )

    def act_on(self, t: int, s: Situation, level: int) -> None:
        """Follow through on the level: the excuse and the warning if they pay, a purge if
        one pays; remember the gap and odds he left for next week's inference."""
        p = self.p
        row = next((a for a in self.assessment if a.level == level), None)
        if row is None:  # a forced level outside his menu (graded complicity off)
            row = assess(p, self.emulator, self.beliefs, s, level)
            self.assessment.append(row)
        self.excuse_used = row.excuse
        self.warning = wants_to_warn(p, self.emulator, self.beliefs, s, level)
        self.odds_est = row.odds
        self.last_gap, self.last_odds = row.gap, row.odds
        target, net = purge_choice(p, self.beliefs, s, row)
        if target is not None:
            self.purge(t, target, net)

    def purge(self, t: int, target: int, net: float) -> None:
        """Rotate the chiefs of unit ``target``: the purge shows him its alignment, the new
        chiefs cut it, the unit loses capacity, and Moscow is annoyed (``Kremlin.react``)."""
        p, m = self.p, self.model
        unit = m.security.units[target]
        believed, before = self.beliefs.penetration[target], unit.alignment
        unit.rotate_chiefs(p.purge_effect, p.purge_capacity_loss)
        self.beliefs = rb.reveal_unit(
            self.beliefs, target, before, p.ruler_reveal_weight, p.purge_effect
        )
        self.purged = True
        self.purges += 1
        m.log.record(
            t,
            "purge",
            f"Lukashenko rotates the chiefs of {unit.name} (believed alignment with Moscow "
            f"{believed:.2f}, revealed {before:.2f} -> {unit.alignment:.2f}; expected cut in "
            f"his substitution risk net of its costs {net:.3f})",
        )
