"""Lukashenko's beliefs: what he thinks about Moscow, his services and a war he might join.

Issue 12: he must decide on what he can observe, not on Moscow's true state. Three beliefs,
each a conjugate or grid posterior so a week's update costs a few array operations:

- **Moscow's resolve**: a posterior over a grid of types r (his parameters). A type-r Moscow
  asks for a share min(1, r (0.5 + w)) of full support when the war goes w for Russia (0
  winning, 1 collapsing) and squeezes with a share r of its leverage; he compares the demand
  and the economic pressure he sees with those means (Gaussian likelihood), and a plot he
  uncovers with each type's attempt hazard. He allows that Moscow's resolve may shift (each
  week the posterior relaxes toward the prior by ``drift``: a hidden Markov chain), so it
  never freezes.
- **Each security unit's penetration**: Beta(a, b), prior mean from ``penetration_initial``
  x the unit's exposure; it drifts toward more penetration (he knows Moscow keeps trying),
  a purge reveals a unit's alignment (a strong observation) and a failed plot shows who sided
  with Moscow (toward aligned) and who did not (toward loyal).
- **An expedition's weekly loss rate**: Gamma(shape, rate) with exponential forgetting; each
  week the war's course is a pseudo-observation of the rate it implies and, once his own
  units fight, their observed weekly loss share is a heavier one.

Every function is pure: state in, new state out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import erfc


@dataclass(frozen=True)
class Beliefs:
    """His beliefs this week. ``resolve`` is the posterior over the type grid ``types``;
    ``pen_a``, ``pen_b`` one Beta per security unit; ``loss_shape``, ``loss_rate`` the Gamma
    over the expedition's weekly loss rate (share of the deployed force lost per week)."""

    types: np.ndarray
    prior: np.ndarray
    resolve: np.ndarray
    pen_a: np.ndarray
    pen_b: np.ndarray
    loss_shape: float
    loss_rate: float

    @property
    def penetration(self) -> np.ndarray:
        """Beta means: his best guess of each unit's alignment with Moscow."""
        return self.pen_a / (self.pen_a + self.pen_b)

    @property
    def penetration_var(self) -> np.ndarray:
        a, b = self.pen_a, self.pen_b
        n = a + b
        return a * b / (n * n * (n + 1.0))

    @property
    def resolve_mean(self) -> float:
        return float(np.sum(self.resolve * self.types))  # not @: BLAS builds differ in bits

    @property
    def loss_mean(self) -> float:
        return self.loss_shape / self.loss_rate


def type_grid(low: float, high: float, n: int) -> np.ndarray:
    """n resolve types evenly spaced over [low, high]."""
    return np.linspace(low, high, n) if n > 1 else np.array([0.5 * (low + high)])


def initial_beliefs(
    types: np.ndarray,
    prior_alignment: np.ndarray,
    prior_strength: float,
    loss_prior: float,
    loss_memory: float,
) -> Beliefs:
    """Uniform prior over the types; Beta priors of mean ``prior_alignment`` and strength
    a + b = ``prior_strength``; a Gamma at the loss rate ``loss_prior`` carrying
    ``loss_memory`` weeks of pseudo-observations (the steady state of ``update_losses``)."""
    prior = np.full(types.size, 1.0 / types.size)
    mean = np.clip(prior_alignment, 1e-3, 1.0 - 1e-3)
    return Beliefs(
        types=types,
        prior=prior,
        resolve=prior.copy(),
        pen_a=mean * prior_strength,
        pen_b=(1.0 - mean) * prior_strength,
        loss_shape=loss_prior * loss_memory,
        loss_rate=float(loss_memory),
    )


# ------------------------------------------------------------------------ Moscow's resolve
def demand_mean(types: np.ndarray, war: float) -> np.ndarray:
    """The share of full support a type-r Moscow asks for when the war goes ``war``."""
    return np.minimum(1.0, types * (0.5 + war))


def type_hazard(
    types: np.ndarray,
    gap: float,
    odds: float,
    bias: float,
    w_resolve: float,
    w_gap: float,
    w_odds: float,
) -> np.ndarray:
    """His level-0 model of Moscow: each type's weekly hazard of a substitution attempt,
    logistic(bias + w_resolve r + w_gap gap + w_odds odds), gap in unmet levels."""
    z = bias + w_resolve * types + w_gap * gap + w_odds * odds
    return 1.0 / (1.0 + np.exp(-z))


def _gauss(x: float, mean: np.ndarray, sd: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / sd) ** 2)


def update_resolve(
    b: Beliefs,
    *,
    demand: float,
    war: float,
    squeeze: float | None,
    plot_hazard: np.ndarray | None,
    quiet_hazard: np.ndarray | None,
    drift: float,
    signal_sd: float,
) -> Beliefs:
    """One week's Bayes step over the types.

    ``demand`` (levels, 0-5) is evidence only while Moscow demands something (no war, no
    inference); ``squeeze`` = observed pressure / (unmet levels / 5) is the share of its
    leverage Moscow used, evidence when he left part of the demand unmet (None otherwise);
    ``plot_hazard`` (each type's attempt hazard) when he uncovered a failed plot this week,
    ``quiet_hazard`` when no attempt came (a week's silence is weak evidence of restraint).
    """
    post = (1.0 - drift) * b.resolve + drift * b.prior
    if demand > 0.0:
        post = post * _gauss(demand / 5.0, demand_mean(b.types, war), signal_sd)
    if squeeze is not None:
        post = post * _gauss(squeeze, b.types, signal_sd)
    if plot_hazard is not None:
        post = post * plot_hazard
    elif quiet_hazard is not None:
        post = post * (1.0 - quiet_hazard)
    total = post.sum()
    if not total > 0.0 or not math.isfinite(total):  # evidence impossible under every type
        return replace(b, resolve=b.prior.copy())
    return replace(b, resolve=post / total)


# -------------------------------------------------------------------- unit penetration
def drift_penetration(b: Beliefs, rate: float) -> Beliefs:
    """He knows Moscow keeps working on his services: each Beta mean closes ``rate`` of
    its gap to 1 a week, at unchanged strength."""
    if rate <= 0.0:
        return b
    n = b.pen_a + b.pen_b
    mean = b.penetration
    mean = mean + rate * (1.0 - mean)
    return replace(b, pen_a=mean * n, pen_b=(1.0 - mean) * n)


def reveal_unit(b: Beliefs, unit: int, alignment: float, weight: float, cut: float) -> Beliefs:
    """A purge shows the unit's alignment (``weight`` pseudo-observations of it); the new
    chiefs then cut it by the share ``cut``, which he applies to his belief's mean."""
    a, bb = b.pen_a.copy(), b.pen_b.copy()
    a[unit] += weight * alignment
    bb[unit] += weight * (1.0 - alignment)
    n = a[unit] + bb[unit]
    mean = a[unit] / n * (1.0 - cut)
    a[unit], bb[unit] = mean * n, (1.0 - mean) * n
    return replace(b, pen_a=a, pen_b=bb)


def plot_evidence(
    b: Beliefs, backed_moscow: np.ndarray, weight: float, cut: float = 0.0
) -> Beliefs:
    """After a failed plot: units that sided with Moscow count ``weight`` observations of
    alignment, the others ``weight`` of loyalty; he then rotates the chiefs of the units that
    sided with Moscow (``SecurityServices.rotate_plotters``), which cuts their alignment by
    the share ``cut``, and he applies that cut to his belief's mean, as after a purge."""
    backed = np.asarray(backed_moscow, dtype=bool)
    a = b.pen_a + weight * backed
    bb = b.pen_b + weight * ~backed
    n = a + bb
    mean = np.where(backed, a / n * (1.0 - cut), a / n)
    return replace(b, pen_a=mean * n, pen_b=(1.0 - mean) * n)


# -------------------------------------------------------------------- expedition losses
def war_loss_rate(base: float, war: float) -> float:
    """The weekly loss rate the war's course implies for an expedition: ``base`` at an even
    war (w = 0.5), half of it when Russia wins (w = 0), 1.5 x when it collapses (w = 1)."""
    return base * (0.5 + war)


def update_losses(
    b: Beliefs,
    *,
    war: float,
    base: float,
    memory: float,
    own_share: float | None,
    own_weight: float,
) -> Beliefs:
    """Gamma update with forgetting: shape, rate <- (1 - 1/memory) (shape, rate) + one
    pseudo-observation of ``war_loss_rate(base, war)``, plus ``own_weight`` observations of
    his own units' weekly loss share ``own_share`` when they fight (None otherwise)."""
    keep = 1.0 - 1.0 / max(1.0, memory)
    shape = keep * b.loss_shape + war_loss_rate(base, war)
    rate = keep * b.loss_rate + 1.0
    if own_share is not None:
        shape += own_weight * own_share
        rate += own_weight
    return replace(b, loss_shape=shape, loss_rate=rate)


def expected_loss_share(b: Beliefs, weeks: float) -> float:
    """Share of an expedition he expects to lose over ``weeks``: E[1 - exp(-lambda weeks)]
    under his Gamma belief = 1 - (rate / (rate + weeks))^shape (closed form)."""
    return 1.0 - (b.loss_rate / (b.loss_rate + weeks)) ** b.loss_shape


# ------------------------------------------------------------------------- coup odds
def coup_odds(
    penetration: np.ndarray,
    penetration_var: np.ndarray,
    capacity: np.ndarray,
    weight: np.ndarray,
    troops: float,
    majority: float,
    noise: float,
) -> float | np.ndarray:
    """His estimate of a coup's success odds: P(Moscow's share of weighted committed
    capacity >= ``majority``), Moscow's side = the penetrated share of each unit (weight 1
    in the capital, less elsewhere) plus the Russian ``troops`` he hosts; the share is taken
    as Gaussian with the variance of his Beta beliefs plus ``noise``^2 (how the day goes).

    Units run along the last axis; 2-D ``penetration``/``capacity`` (one row per
    alternative, e.g. each possible purge) give one estimate per row in a single pass."""
    w = capacity * weight
    total = w.sum(axis=-1) + troops
    safe = np.maximum(total, 1e-12)
    mean = ((w * penetration).sum(axis=-1) + troops) / safe
    var = (w * w * penetration_var).sum(axis=-1) / (safe * safe) + noise * noise
    z = (mean - majority) / np.sqrt(np.maximum(var, 1e-300))
    odds = np.where(total > 0.0, 0.5 * erfc(-z / math.sqrt(2.0)), 0.0)
    return float(odds) if odds.ndim == 0 else odds
