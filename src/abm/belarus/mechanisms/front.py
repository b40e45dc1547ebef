"""A two-sided war front: stochastic Lanchester attrition on the Belarusian expedition's sector.

Article: "his Belarusian army is no match for Ukrainian forces. Its defeat could culminate in
mutinies". One sector, two forces, both losing soldiers every week:

- the expedition B (the Belarusian units fighting in Ukraine; soldiers conserved per unit:
  strength + losses), backed by Russian fire support (its combat power is
  B_eff = (1 + ``front_fire_support``) B) and by Russian units rotating through the line,
  which take a share ``front_rotation`` of the fire aimed at it;
- Ukraine's sector force U, a state, not a schedule: it opens at ``ukraine_sector_initial``
  (the forces already on the northern border) and each week shifts toward
  kappa B (``front_kappa``) at rate delta (``front_delta``), the target capped by what the
  wider war lets Ukraine spare (the ``ukraine_strength`` input): U' = U + delta
  (min(kappa B, cap) - U). Conserved: U = initial + arrived - departed - losses.

The expedition is ordered to attack (Moscow wants a second front). Lanchester's (1916)
aimed-fire law gives each side's expected losses a week in proportion to the other's
strength, L_B = alpha m_B (1 - rotation) U and L_U = beta m_U B_eff, where the posture
sets the multipliers (Mearsheimer 1989's 3 : 1 rule, ``front_attack_ratio`` = r):

- ``breakthrough`` (B_eff >= r U): the expedition advances; m_B = m_U = 1;
- ``stalled`` (below r in either direction): the expedition assaults a defended front
  without the ratio to advance; the defender's advantage falls on it, m_B = r, m_U = 1;
- ``routed`` (U >= r B_eff): Ukraine counter-attacks with the ratio; m_B = r, m_U = 1, and
  the front collapses: every unit still fighting withdraws (the expedition's defeat).

An offensive that has not broken through is called off once the expedition has lost
``front_culmination_loss`` of the soldiers it brought (Clausewitz's culminating point; in
2022 Moscow pulled back from Kyiv at about a fifth to a quarter of its force lost): the
front is lost and every unit withdraws, as in a rout.

Losses are drawn as binomial counts per unit with a gamma-distributed exposure (mean 1,
shape ``front_exposure_shape``: some units sit where the fire falls), and for Ukraine as one
binomial; a unit that has lost ``front_withdraw_loss`` of the soldiers it brought is
combat-ineffective and withdraws (Soviet and US doctrine: 30-40 % losses; Dupuy 1990).
Nothing here reads the model: ``actors/army.py`` feeds the units' strengths and acts on
what comes back, and ``experiments/front_check.py`` runs it alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from abm.params import Values

BREAKTHROUGH, STALLED, ROUTED = "breakthrough", "stalled", "routed"


def ukraine_shift(ukraine: int, expedition: float, cap: float, kappa: float, delta: float) -> int:
    """Soldiers Ukraine moves into (+) or out of (-) the sector this week: a share delta of
    the gap to its target min(kappa B, cap), rounded toward zero so U never overshoots."""
    target = min(kappa * expedition, max(0.0, cap))
    return int(delta * (target - ukraine))


def posture(b_eff: float, ukraine: float, attack_ratio: float) -> str:
    """Which side has the ratio to advance (Mearsheimer 1989's 3 : 1), else a stalled front."""
    if ukraine <= 0 or b_eff >= attack_ratio * ukraine:
        return BREAKTHROUGH
    if b_eff <= 0 or ukraine >= attack_ratio * b_eff:
        return ROUTED
    return STALLED


def expected_losses(p: Values, expedition: float, ukraine: float) -> tuple[float, float, str]:
    """Expected losses this week of the expedition and of Ukraine's sector force, and the
    posture: L_B = alpha m_B (1 - rotation) U, L_U = beta B_eff (see the module's text)."""
    b_eff = (1.0 + p.front_fire_support) * expedition
    where = posture(b_eff, ukraine, p.front_attack_ratio)
    m_b = 1.0 if where == BREAKTHROUGH else p.front_attack_ratio
    loss_b = p.lanchester_alpha * m_b * (1.0 - p.front_rotation) * ukraine
    loss_u = p.lanchester_beta * b_eff
    return loss_b, loss_u, where


def draw_unit_losses(
    strengths: np.ndarray, expected: float, exposure_shape: float, rng: np.random.Generator
) -> np.ndarray:
    """Each unit's losses: binomial with per-soldier hazard 1 - exp(-expected w_i / B), the
    exposure w_i ~ Gamma(shape, 1/shape) normalised so that sum w_i s_i = B; never more than
    a unit has (conserved)."""
    strengths = np.asarray(strengths, dtype=np.int64)
    total = int(strengths.sum())
    if total <= 0 or expected <= 0:
        return np.zeros_like(strengths)
    w = rng.gamma(exposure_shape, 1.0 / exposure_shape, strengths.size)
    w *= total / max(1e-12, float((w * strengths).sum()))
    hazard = 1.0 - np.exp(-expected * w / total)
    return rng.binomial(strengths, hazard).astype(np.int64)


def draw_ukraine_losses(ukraine: int, expected: float, rng: np.random.Generator) -> int:
    """Ukraine's losses: binomial with per-soldier hazard 1 - exp(-expected / U)."""
    if ukraine <= 0 or expected <= 0:
        return 0
    return int(rng.binomial(ukraine, 1.0 - np.exp(-expected / ukraine)))


def past_withdrawal(brought: np.ndarray, strengths: np.ndarray, threshold: float) -> np.ndarray:
    """Units that have lost at least ``threshold`` of the soldiers they brought to the front."""
    brought = np.asarray(brought, dtype=float)
    lost = brought - np.asarray(strengths, dtype=float)
    return lost >= threshold * np.maximum(brought, 1.0)


class Front:
    """Ukraine's side of the expedition's sector and the week's exchange of fire.

    Opens the first week the expedition fights; ``ukraine`` is the sector force,
    ``arrived`` / ``departed`` the soldiers Ukraine moved in / out, ``losses`` its losses.
    ``collapsed`` once Ukraine has routed the expedition (then no unit is sent again)."""

    def __init__(self, p: Values):
        self.p = p
        self.opened = False
        self.collapsed = False
        self.initial = self.ukraine = self.arrived = self.departed = self.losses = 0
        self.week_losses = 0
        self.expedition_losses = 0
        self.posture = ""
        self.outcome = ""  # "routed" or "culminated" once the front is lost
        self.weeks = 0

    def open(self, cap: float) -> None:
        """Ukraine's standing forces on the border meet the expedition (at most the cap)."""
        self.opened = True
        self.initial = self.ukraine = int(min(self.p.ukraine_sector_initial, max(0.0, cap)))

    def week(
        self,
        strengths: np.ndarray,
        brought: np.ndarray,
        cap: float,
        rng: np.random.Generator,
        committed: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One week on the sector: Ukraine shifts forces, both sides fire, units past the loss
        threshold withdraw, and a rout or a culminated offensive withdraws them all.
        ``strengths`` and ``brought`` are the fighting units' soldiers now and on arrival;
        ``committed`` the soldiers every unit of the expedition brought, withdrawn ones
        included (default: the sum of ``brought``). Returns (losses per unit, which units
        withdraw)."""
        p = self.p
        strengths = np.asarray(strengths, dtype=np.int64)
        if not self.opened:
            self.open(cap)
        b = int(strengths.sum())
        move = ukraine_shift(self.ukraine, b, cap, p.front_kappa, p.front_delta)
        self.ukraine += move
        self.arrived += max(0, move)
        self.departed += max(0, -move)
        loss_b, loss_u, self.posture = expected_losses(p, b, self.ukraine)
        losses = draw_unit_losses(strengths, loss_b, p.front_exposure_shape, rng)
        self.expedition_losses += int(losses.sum())
        self.week_losses = draw_ukraine_losses(self.ukraine, loss_u, rng)
        self.ukraine -= self.week_losses
        self.losses += self.week_losses
        self.weeks += 1
        committed = int(np.sum(brought)) if committed is None else committed
        culminated = self.posture == STALLED and (
            self.expedition_losses >= p.front_culmination_loss * max(1, committed)
        )
        if self.posture == ROUTED or culminated:
            self.collapsed = True
            self.outcome = ROUTED if self.posture == ROUTED else "culminated"
            return losses, np.ones(strengths.size, dtype=bool)
        withdraw = past_withdrawal(brought, strengths - losses, p.front_withdraw_loss)
        return losses, withdraw
