"""A contested coup: Moscow's substitution attempt as a global game over rounds.

Brief: the services "back or block a Kremlin substitution". Coups are coordination games
decided in the capital (Singh 2014): each armed unit wants to end on the winning side, so it
acts on what it believes the others will do. Disloyalty has two forms (Paine 2022): joining
the plot, or not defending the ruler - here "wait". Insiders' fear of ending on the losing
side (Svolik 2012) is what makes fence-sitting attractive while the outcome is unclear.

Players: every security unit, the army units garrisoned near the capital, and Moscow's
outside force (Russian troops hosted in Belarus plus pro-Russian support, which only ever
backs Moscow). In round 1 Moscow commits its penetrated personnel (a share ``alignment`` of
every unit) and its outside force; the ruler's loyal core (``coup_loyal_core`` x loyalty x
the unpenetrated share of every unit) rallies to him. Then, once a week for up to
``coup_max_rounds`` rounds, each uncommitted player sees a private noisy signal of the
committed margin, s_i = (M - R) / T + noise x e_i (M, R: capital-weighted capacity committed
to Moscow and to the ruler; T: all capital-weighted capacity in play), believes Moscow wins
with pi_i = Phi(s_i / sqrt(noise^2 + u^2 / 3)) (the global-game posterior that the final
margin is positive when the uncommitted share u may still break either way), and
compares
    join:   alignment_i - cost x (1 - pi_i)
    defend: loyalty_i   - cost x pi_i          (not open to a mutinied army unit)
    wait:   0.
Commitments are final. Both committed sides then clash: each loses ``coup_clash_rate`` x the
smaller side's capacity, pro rata over its players. A side wins once it holds a majority of
all capacity in play (Moscow: at least ``substitution_success_share`` of T; the ruler: more
than the rest), so fence-sitters count against both; with no majority by the last round the
attempt fails.

The rules are pure functions over arrays shaped (draws, players), so the same code plays the
actual attempt (one draw, fresh shocks, one round a week) and Moscow's imagined attempts
behind the success odds (many draws of fixed common random numbers, all rounds at once).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

from abm.belarus.actors.army import GARRISON

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import mesa

WAIT, JOIN, DEFEND = 0, 1, -1
MOSCOW_WINS, UNDECIDED, RULER_WINS = 1, 0, -1


@dataclass(frozen=True)
class Players:
    """Who plays and what each brings, one entry per player (arrays of shape (n,)).

    ``capacity`` in people (soldiers x ``coup_army_weight``); ``weight`` 1, or
    ``coup_capital_weight`` for a player based in the capital; ``decides`` False for
    Moscow's outside force, which is committed from the start and never chooses."""

    capacity: np.ndarray
    weight: np.ndarray
    loyalty: np.ndarray
    alignment: np.ndarray
    can_defend: np.ndarray
    decides: np.ndarray

    def __len__(self) -> int:
        return int(self.capacity.size)


@dataclass(frozen=True)
class Standing:
    """Where an attempt stands, arrays of shape (draws, players): capacity left, committed
    to Moscow, committed to the ruler (both in people), and each player's choice."""

    capacity: np.ndarray
    moscow: np.ndarray
    ruler: np.ndarray
    choice: np.ndarray

    def sides(self, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(M, R, T) per draw: capital-weighted capacity committed to Moscow, to the ruler,
        and all capital-weighted capacity in play."""
        return (
            (self.moscow * weight).sum(axis=-1),
            (self.ruler * weight).sum(axis=-1),
            (self.capacity * weight).sum(axis=-1),
        )


def opening(players: Players, loyal_core: float, draws: int = 1) -> Standing:
    """Round 1's first moves: Moscow's penetrated personnel and outside force on its side,
    the ruler's loyal core on his (none in a unit that will not defend him: a mutinied one)."""
    cap = np.broadcast_to(players.capacity, (draws, len(players))).astype(np.float64)
    moscow = np.where(players.decides, players.alignment * cap, cap)
    core = loyal_core * players.loyalty * (1.0 - players.alignment)
    ruler = np.where(players.decides & players.can_defend, core * cap, 0.0)
    choice = np.where(players.decides, WAIT, JOIN) * np.ones((draws, 1), dtype=np.int8)
    return Standing(cap, moscow, ruler, choice.astype(np.int8))


def belief_moscow_wins(
    margin: np.ndarray, uncommitted: np.ndarray, noise: float, shocks: np.ndarray
) -> np.ndarray:
    """pi_i = P(final margin > 0 | s_i) = Phi(s_i / sqrt(noise^2 + u^2 / 3)), s_i = margin +
    noise e_i: the player's signal of the committed margin is noisy, and the uncommitted share
    u of all capacity may still break either way (uniformly, for all it knows). With neither
    noise nor anyone uncommitted it knows the outcome: 1 if ahead, 0 if behind, 1/2 if tied."""
    margin = np.asarray(margin, dtype=np.float64)[..., None]
    u = np.asarray(uncommitted, dtype=np.float64)[..., None]
    signal = margin + noise * shocks
    if noise > 0.0:
        return ndtr(signal / np.sqrt(noise**2 + u**2 / 3.0))
    scale = np.broadcast_to(u / np.sqrt(3.0), signal.shape)
    z = np.divide(signal, scale, out=np.zeros_like(signal), where=scale > 0)
    return np.where(scale > 0, ndtr(z), np.sign(signal) * 0.5 + 0.5)


def choose(players: Players, belief: np.ndarray, losing_cost: float) -> np.ndarray:
    """Each player's choice given its belief that Moscow wins: the option whose payoff beats
    both others (join: alignment - cost (1 - pi); defend: loyalty - cost pi; wait: 0); ties
    and every other case wait."""
    join = players.alignment - losing_cost * (1.0 - belief)
    defend = np.where(players.can_defend, players.loyalty - losing_cost * belief, -np.inf)
    choice = np.full(belief.shape, WAIT, dtype=np.int8)
    choice[(join > 0.0) & (join > defend)] = JOIN
    choice[(defend > 0.0) & (defend > join)] = DEFEND
    return choice


def commit(standing: Standing, players: Players, choice: np.ndarray) -> Standing:
    """Uncommitted players act on ``choice``; a unit that joins brings all but its loyal
    core, a unit that defends all but its penetrated personnel. Commitments are final."""
    free = (standing.choice == WAIT) & players.decides
    joins, defends = free & (choice == JOIN), free & (choice == DEFEND)
    moscow = np.where(joins, standing.capacity - standing.ruler, standing.moscow)
    ruler = np.where(defends, standing.capacity - standing.moscow, standing.ruler)
    new_choice = np.where(free, choice, standing.choice).astype(np.int8)
    return replace(standing, moscow=moscow, ruler=ruler, choice=new_choice)


def clash(standing: Standing, weight: np.ndarray, rate: float) -> tuple[Standing, np.ndarray]:
    """Both committed sides lose ``rate`` x the smaller side's capital-weighted capacity,
    each side's loss spread over its players by what they committed. Returns the standing
    after the losses and each player's loss in people (draws, players)."""
    m, r, _ = standing.sides(weight)
    loss = rate * np.minimum(m, r)
    cut_m = np.divide(loss, m, out=np.zeros_like(loss), where=m > 0)[..., None]
    cut_r = np.divide(loss, r, out=np.zeros_like(loss), where=r > 0)[..., None]
    lost_m, lost_r = standing.moscow * cut_m, standing.ruler * cut_r
    lost = lost_m + lost_r
    after = replace(
        standing,
        capacity=standing.capacity - lost,
        moscow=standing.moscow - lost_m,
        ruler=standing.ruler - lost_r,
    )
    return after, lost


def verdict(standing: Standing, weight: np.ndarray, success_share: float) -> np.ndarray:
    """Per draw: Moscow wins with at least ``success_share`` of all capacity in play, the
    ruler with more than the rest; otherwise undecided."""
    m, r, total = standing.sides(weight)
    out = np.full(m.shape, UNDECIDED, dtype=np.int8)
    out[(total > 0) & (r > (1.0 - success_share) * total)] = RULER_WINS
    out[(total > 0) & (m >= success_share * total)] = MOSCOW_WINS
    return out


def moscow_share(standing: Standing, weight: np.ndarray) -> np.ndarray:
    """Moscow's share of the committed capital-weighted capacity, per draw (0 if none)."""
    m, r, _ = standing.sides(weight)
    return np.divide(m, m + r, out=np.zeros_like(m), where=(m + r) > 0)


def play_round(
    players: Players, standing: Standing, shocks: np.ndarray, p: Mapping
) -> tuple[Standing, np.ndarray, np.ndarray]:
    """One round: signals of the margin, choices, commitments, clashes, verdict.
    Returns (standing, each player's loss in people, verdict per draw)."""
    m, r, total = standing.sides(players.weight)
    margin = np.divide(m - r, total, out=np.zeros_like(m), where=total > 0)
    free = np.divide(total - m - r, total, out=np.zeros_like(m), where=total > 0)
    belief = belief_moscow_wins(margin, free, p["coup_signal_noise"], shocks)
    standing = commit(standing, players, choose(players, belief, p["coup_losing_cost"]))
    standing, lost = clash(standing, players.weight, p["coup_clash_rate"])
    return standing, lost, verdict(standing, players.weight, p["substitution_success_share"])


def imagined_odds(players: Players, p: Mapping, shocks: np.ndarray) -> float:
    """Share of imagined attempts Moscow wins: ``shocks`` (draws, rounds, players) of fixed
    common random numbers, every round played at once; a draw decided early stays decided."""
    draws, rounds, _ = shocks.shape
    standing = opening(players, p["coup_loyal_core"], draws)
    live = np.arange(draws)  # the draws still undecided
    wins = 0
    for k in range(min(rounds, int(p["coup_max_rounds"]))):
        standing, _, now = play_round(players, standing, shocks[live, k, :], p)
        wins += int(np.count_nonzero(now == MOSCOW_WINS))
        going = now == UNDECIDED
        if not going.any():
            break
        live = live[going]
        standing = Standing(*(x[going] for x in astuple_shallow(standing)))
    return wins / draws


def astuple_shallow(standing: Standing) -> tuple[np.ndarray, ...]:
    """The standing's arrays in field order (``dataclasses.astuple`` would copy them)."""
    return (standing.capacity, standing.moscow, standing.ruler, standing.choice)


def capital_garrison(army_units: Sequence, share: float) -> list:
    """The army units near the capital: the first round(share x units) whose home is a
    garrison (border units stand west; index order, so the set is fixed for the run)."""
    k = round(share * len(army_units))
    return [u for u in army_units if u.home == GARRISON][:k]


def army_capacity(unit, army_weight: float) -> float:
    """A garrison unit's weight in a coup: its soldiers x ``coup_army_weight``, none while
    it fights in Ukraine."""
    return unit.strength * army_weight if unit.location == GARRISON else 0.0


class CoupAttempt:
    """One attempt as it unfolds, one round a week (``SecurityServices.coup_week``): the
    players are fixed at the start (security units, capital garrison units, Moscow's
    outside force); losses fall on the model's units; the verdict ejects Lukashenko or
    ends the attempt. ``rows`` are the security units then the army units, in player
    order (Moscow's outside force is the last player and has no row)."""

    def __init__(
        self,
        model: mesa.Model,
        t: int,
        players: Players,
        security_units: Sequence,
        army_units: Sequence,
    ):
        self.model, self.p, self.start = model, model.p, t
        self.players = players
        self.security_units, self.army_units = list(security_units), list(army_units)
        self.standing = opening(players, self.p.coup_loyal_core)
        self.round = 0
        self.moscow_share = float(moscow_share(self.standing, players.weight)[0])
        self.outcome = UNDECIDED
        for u in self.security_units:
            u.backs_moscow = False

    def week(self, t: int, rng: np.random.Generator) -> bool:
        """Play this week's round; True while the attempt goes on."""
        m, p = self.model, self.p
        if m.regime != "lukashenko":  # overtaken (revolt, Russian entry): no verdict
            return False
        self.round += 1
        shocks = rng.standard_normal((1, len(self.players)))
        self.standing, lost, now = play_round(self.players, self.standing, shocks, p)
        self._apply_losses(lost[0])
        self.moscow_share = float(moscow_share(self.standing, self.players.weight)[0])
        self.outcome = int(now[0])
        if self.outcome == UNDECIDED and self.round < p.coup_max_rounds:
            return True
        self._settle(t)
        return False

    def _apply_losses(self, lost: np.ndarray) -> None:
        n_sec = len(self.security_units)
        for u, x in zip(self.security_units, lost[:n_sec], strict=True):
            u.capacity = max(0.0, u.capacity - float(x))
        army_lost = lost[n_sec : n_sec + len(self.army_units)] / max(1e-9, self.p.coup_army_weight)
        for u, x in zip(self.army_units, army_lost, strict=True):
            if x > 0:
                u.take_losses(min(u.strength, int(round(x))))

    def _settle(self, t: int) -> None:
        """The verdict: Moscow's loyalist installed, or a failed attempt (Moscow spends part
        of its exasperation; he rotates the chiefs Moscow counted on). Either way the
        security units that joined stay marked (``backs_moscow``): a failed plot reveals them."""
        m, p = self.model, self.p
        joined = self.standing.choice[0] == JOIN
        for u, j in zip(self.security_units, joined, strict=False):
            u.backs_moscow = bool(j)
        n_army = int(joined[len(self.security_units) : -1].sum())
        share = f"{self.moscow_share:.0%} of the committed capital-weighted capacity"
        if self.outcome == MOSCOW_WINS:
            m.log.record(
                t,
                "substitution",
                f"after {self.round} week(s) Moscow's side holds {share} (majority of all in "
                f"play; {int(joined[:-1].sum())} units joined, {n_army} of them army); "
                "a loyalist is installed",
            )
            m.eject(t, "replaced by Moscow's loyalist (substitution)", "loyalist")
            return
        m.kremlin.exasperation *= 1.0 - p.failed_attempt_relief
        m.security.rotate_plotters()
