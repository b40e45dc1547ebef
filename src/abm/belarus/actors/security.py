"""Security services: KGB, OMON, interior troops, militia - the regime's coercive capacity.

Brief (actor table): they "repress protests (arrest, jail), back or block a Kremlin
substitution, defect when the regime looks doomed"; their loyalty is "split between
Lukashenko and Moscow". Article: "Moscow has penetrated the country's security services".

Each unit has a capacity (people), a home region (capital or the rest), a loyalty to
Lukashenko personally and an alignment with Moscow (penetration). The units together supply
the police presence on the citizen grid (``police_people``), and in a substitution or an
uprising each unit backs a side when it expects enough others to: a substitution attempt is a
contested coup over rounds, with the capital's garrison units (``mechanisms.coup``); an
uprising a defection cascade (``mechanisms.coordination``).

``SecurityUnit`` holds one unit's rules (penetration, purges, duty); ``SecurityServices``
holds the units in the order of battle and runs the services' week: damage from clashing
mutineers, defections in an uprising (and the regime's ejection when too few still back it),
then the police presence on the grid (``mechanisms.policing``). Individual security people
quit at a weekly hazard that rises with the protest they are ordered to face (2020: > 700
quit; ``quit_under_protest``); quits thin a unit's people on duty but never make a unit
defect - that stays the coordination among units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.belarus.mechanisms.coordination import cascade, thresholds
from abm.belarus.mechanisms.coup import (
    CoupAttempt,
    Players,
    army_capacity,
    capital_garrison,
    imagined_odds,
)

if TYPE_CHECKING:
    from abm.params import Values

#: Imagined attempts behind every success-odds estimate (common random numbers).
ODDS_DRAWS = 64

CAPITAL, REST = 0, 1


@dataclass(frozen=True)
class UnitSpec:
    """One row of the order of battle: share of KGB (if a KGB body) or fixed size in people,
    home region, loyalty offset from the mean, and exposure to Moscow (multiplies the initial
    penetration)."""

    name: str
    size: float
    region: int
    loyalty_offset: float
    affinity: float
    kgb: bool = False

    def people(self, p: Values) -> float:
        """The unit's size in people (the KGB's total size is a parameter, ``kgb_size``)."""
        return p.kgb_size * self.size if self.kgb else self.size * p.security_scale


#: Order of battle (sizes in people). MVD totals follow CALIBRATION_FACTS (~87,000 police and
#: ~11,000 internal troops, BYPOL leak of 46,128 certified staff); KGB size is not public
#: (``kgb_size``, split 55/5/40). Offsets: elite praetorian units are the most loyal to
#: Lukashenko; KGB bodies, historically intertwined with Russia's FSB, the most exposed to
#: Moscow; regional militia in the west (Brest, Grodno) least exposed.
ORDER_OF_BATTLE: tuple[UnitSpec, ...] = (
    UnitSpec("KGB central apparatus", 0.55, CAPITAL, -0.10, 2.0, kgb=True),
    UnitSpec("KGB Alpha special forces", 0.05, CAPITAL, 0.00, 1.6, kgb=True),
    UnitSpec("KGB regional directorates", 0.40, REST, -0.10, 1.6, kgb=True),
    UnitSpec("Presidential Security Service", 1_000, CAPITAL, 0.20, 0.4),
    UnitSpec("GUBOPiK (anti-extremism police)", 1_500, CAPITAL, 0.15, 1.0),
    UnitSpec("OMON Minsk", 2_000, CAPITAL, 0.15, 1.0),
    UnitSpec("OMON regional detachments", 3_000, REST, 0.05, 1.0),
    UnitSpec("SOBR and MVD special units", 1_000, CAPITAL, 0.05, 1.2),
    UnitSpec("Internal troops, Minsk brigade", 3_000, CAPITAL, 0.05, 1.0),
    UnitSpec("Internal troops, regional brigades", 8_000, REST, 0.00, 1.0),
    UnitSpec("Militia, Minsk city", 15_000, CAPITAL, -0.05, 0.8),
    UnitSpec("Militia, Brest and Grodno oblasts", 16_000, REST, -0.05, 0.5),
    UnitSpec("Militia, Vitebsk and Mogilev oblasts", 16_000, REST, -0.05, 0.8),
    UnitSpec("Militia, Gomel and Minsk oblasts", 16_000, REST, -0.05, 0.7),
)


class SecurityUnit(mesa.Agent):
    """One security service unit (a Mesa agent; the model steps units in a fixed order)."""

    def __init__(self, model: mesa.Model, spec: UnitSpec, p: Values):
        super().__init__(model)
        self.name = spec.name
        base = spec.people(p)
        self.base_capacity = float(base)
        self.capacity = float(base)
        self.region = spec.region
        self.loyalty0 = float(np.clip(p.loyalty_security + spec.loyalty_offset, 0.0, 1.0))
        self.loyalty = self.loyalty0
        self.alignment = float(np.clip(p.penetration_initial * spec.affinity, 0.0, 1.0))
        self.defected = False  # stopped defending the regime in an uprising
        self.backs_moscow = False  # sided with Moscow in the last substitution attempt

    def penetrate(self, effort: float) -> None:
        """Moscow closes ``effort`` of the gap between this unit's alignment and 1."""
        self.alignment += effort * (1.0 - self.alignment)

    def rotate_chiefs(self, purge_effect: float, capacity_loss: float = 0.0) -> None:
        """Coup-proofing: new chiefs cut Moscow's alignment and restore loyalty; the
        disruption costs the unit ``capacity_loss`` of its capacity (counterbalancing lowers
        effectiveness, De Bruin 2018)."""
        self.alignment *= 1.0 - purge_effect
        self.loyalty = max(self.loyalty, self.loyalty0)
        self.capacity *= 1.0 - capacity_loss

    def on_duty(self) -> float:
        """People this unit puts on the street for the regime (none once defected)."""
        return 0.0 if self.defected else self.capacity


def substitution_backing(
    capacity: np.ndarray,
    loyalty: np.ndarray,
    alignment: np.ndarray,
    seed: float,
    slope: float,
    shocks: np.ndarray,
) -> np.ndarray:
    """Share of security capacity that backs Moscow, one value per row of ``shocks``.

    Moscow's side starts with its penetrated personnel (a share ``alignment`` of every unit:
    "the penetrated share of coercive power") and Russian troops' ``seed``. A unit as a whole
    backs Moscow once the share it expects on Moscow's side reaches
    0.5 + slope * (loyalty - alignment) + its shock. A unit with alignment 0 was never
    penetrated and cannot be turned (not eligible), so without penetration nobody backs Moscow.
    """
    theta = thresholds(loyalty - alignment, slope, shock=np.atleast_2d(shocks))
    _, share = cascade(capacity, theta, seed, alignment > 0.0, partial=alignment)
    return np.atleast_1d(share)


def success_odds(
    capacity: np.ndarray,
    loyalty: np.ndarray,
    alignment: np.ndarray,
    seed: float,
    slope: float,
    shocks: np.ndarray,
    success_share: float,
) -> float:
    """Estimated probability that a substitution succeeds: the share of imagined shock draws
    (``shocks``: fixed common random numbers, so the estimate moves smoothly with the state
    and costs no random draws) in which at least ``success_share`` of capacity backs Moscow."""
    backing = substitution_backing(capacity, loyalty, alignment, max(0.0, seed), slope, shocks)
    return float(np.mean(backing >= success_share))


class SecurityServices:
    """The security units in the order of battle (the order every rule visits them) and the
    services' week. Reads the regime's state from ``model`` the way a Mesa agent does."""

    def __init__(self, model: mesa.Model, p: Values, rng: np.random.Generator):
        self.model, self.p = model, p
        self.units = [SecurityUnit(model, spec, p) for spec in ORDER_OF_BATTLE]
        #: each unit's private disposition to defect in an uprising, fixed for the run
        self.defect_shock = rng.normal(0.0, p.coordination_noise, len(self.units))
        # Imagined signal shocks for the odds, (draws, rounds, players); ``imagine`` draws
        # them once the army is built (the capital garrison's units are players too).
        self.odds_shocks = np.zeros((ODDS_DRAWS, p.coup_max_rounds, len(self.units) + 1))
        self.coup: CoupAttempt | None = None  # the substitution attempt under way, if any
        self.coup_round = 0  # this week's round of it (0: none)
        self.coup_moscow_share = 0.0  # Moscow's share of the committed capacity after it

    def imagine(self, rng: np.random.Generator) -> None:
        """Draw the imagined signal shocks behind every success-odds estimate (common random
        numbers; drawn once, after the army is built)."""
        n = len(self.units) + len(self.garrison()) + 1
        self.odds_shocks = rng.standard_normal((ODDS_DRAWS, self.p.coup_max_rounds, n))

    def __iter__(self):
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    # ------------------------------------------------------------------------ the week
    def week(self, t: int) -> None:
        """Quits, clash damage, defections in an uprising, then police presence on the grid."""
        m = self.model
        m.security_quits = 0
        if self.p.mech_revolt:
            m.security_quits = self.quit_under_protest(
                m.protesters, m.uprising_threshold * m.population, self.model.actor_rng
            )
        clashing = m.army.mutinied_strength("clash")
        if clashing:
            self.absorb_clash(clashing)
        if self.p.mech_revolt and m.uprising_on and m.regime != "transitional":
            self.defect(t)
        self.patrol()

    def quit_under_protest(
        self, protesters: float, containable: float, rng: np.random.Generator
    ) -> int:
        """Security people who quit this week: each of a unit still defending the regime quits
        with probability h = 1 - exp(-security_quit_rate x load), load = last week's
        protesters over what the loyal forces can contain (one binomial draw per unit).
        Returns the number who quit; they leave their unit's capacity."""
        load = protesters / max(1.0, containable)
        h = 1.0 - math.exp(-self.p.security_quit_rate * load)
        if h <= 0.0:
            return 0
        units = [u for u in self.units if not u.defected and u.capacity >= 1.0]
        if not units:
            return 0
        quits = rng.binomial(np.array([int(u.capacity) for u in units]), h)
        for u, q in zip(units, quits, strict=True):
            u.capacity -= float(q)
        return int(quits.sum())

    def absorb_clash(self, clashing: int) -> None:
        """Soldiers clashing with internal security destroy ``clash_damage`` people of
        capacity each per week, spread over the units by their capacity."""
        damage = self.p.clash_damage * clashing
        cap = self.capacity()
        for u, c in zip(self.units, cap, strict=True):
            u.capacity = max(0.0, u.capacity - damage * c / max(1.0, cap.sum()))

    def defect(self, t: int) -> None:
        """Each unit stops defending the regime once it expects enough capacity to have done
        so: threshold 0.5 + slope (loyalty + alignment) - weakness discount + its private
        disposition. Loyalty to Lukashenko and alignment with Moscow both bind a unit to the
        regime against pro-Western protesters (2020: no unit defected). Protesters beyond
        what can be contained and soldiers siding with them seed the cascade."""
        p, m = self.p, self.model
        cap = self.capacity()
        theta = thresholds(
            self.loyalty() + self.alignment(),
            p.coordination_slope,
            m.weakness,
            p.weakness_discount,
            self.defect_shock,
        )
        siding = m.army.mutinied_strength("side_with_protesters")
        overload = max(0.0, m.turnout / max(1e-9, m.uprising_threshold) - 1.0)
        seed = p.protest_pressure * overload + siding / max(1.0, m.policing.base_people)
        already = np.array([u.defected for u in self.units])
        joined, _ = cascade(cap, np.where(already, -np.inf, theta), seed)
        for u, j in zip(self.units, joined, strict=True):
            u.defected = bool(j)
        self._eject_if_abandoned(t)

    def _eject_if_abandoned(self, t: int) -> None:
        """A ruler whom fewer than ``ejection_backing`` of the services still back falls."""
        m = self.model
        if m.regime not in ("lukashenko", "loyalist") or self.backing >= self.p.ejection_backing:
            return
        ruler = "Lukashenko" if m.regime == "lukashenko" else "the loyalist"
        cause = (
            f"revolt: only {self.backing:.0%} of security capacity still backs {ruler} "
            f"({m.turnout:.1%} of the population protesting)"
        )
        if m.regime == "lukashenko":
            m.eject(t, cause, "transitional")
        else:  # logged for the record; not an outcome (Lukashenko's ejection was)
            m.regime = "transitional"
            m.log.record(t, "loyalist_ejection", f"Moscow's loyalist loses power: {cause}")

    def patrol(self) -> None:
        """Put the people on duty - the services', obeying soldiers' and Russian troops' - on
        the grid as police, per region."""
        m = self.model
        counts = m.policing.cops_on_duty(
            [u.on_duty() for u in self.units],
            m.army.internal_people + m.kremlin.russian_people,
            m.ruler.repression,
        )
        m.world.set_cops_on_duty(counts)

    # ----------------------------------------------------------------- Moscow's reach
    def penetrate(self, effort: float) -> None:
        for u in self.units:
            u.penetrate(effort)

    def odds(self, alignment: np.ndarray, seed: float) -> float:
        """Success odds of a substitution at this ``alignment`` (true or estimated): the
        share of imagined attempts (``mechanisms.coup``, fixed common random numbers, so the
        estimate moves smoothly with the state and costs no random draws) Moscow wins, its
        outside force being ``seed`` x the services' capacity."""
        outside = max(0.0, seed) * float(self.capacity().sum())
        return imagined_odds(self.coup_players(alignment, outside), self.p, self.odds_shocks)

    def garrison(self) -> list:
        """The army units near the capital that take part in a coup."""
        return capital_garrison(self.model.army.units, self.p.capital_garrison_share)

    def coup_players(self, alignment: np.ndarray, outside: float) -> Players:
        """The players of a coup: the security units (at ``alignment``), the capital's
        garrison units (their alignment ``coup_army_affinity`` x the services' mean) and
        Moscow's outside force of ``outside`` people, last."""
        p = self.p
        army = self.garrison()
        cap = self.capacity()
        alignment = np.asarray(alignment, dtype=np.float64)
        mean = float((cap * alignment).sum() / cap.sum()) if cap.sum() > 0 else 0.0
        n_sec, n_army = len(self.units), len(army)
        in_capital = [u.region == CAPITAL for u in self.units] + [True] * n_army + [False]
        return Players(
            capacity=np.array(
                [*cap, *(army_capacity(u, p.coup_army_weight) for u in army), outside]
            ),
            weight=np.where(in_capital, p.coup_capital_weight, 1.0),
            loyalty=np.array([*self.loyalty(), *(u.loyalty for u in army), 0.0]),
            alignment=np.array(
                [*alignment, *np.full(n_army, min(1.0, p.coup_army_affinity * mean)), 1.0]
            ),
            can_defend=np.array(
                [*(not u.defected for u in self.units), *(not u.mutinied for u in army), False]
            ),
            decides=np.arange(n_sec + n_army + 1) < n_sec + n_army,
        )

    def launch_coup(self, t: int, outside: float) -> CoupAttempt:
        """Moscow moves with ``outside`` people beside its penetrated personnel; the attempt
        plays its rounds in ``coup_week``."""
        army = self.garrison()
        players = self.coup_players(self.alignment(), outside)
        self.coup = CoupAttempt(self.model, t, players, self.units, army)
        return self.coup

    def coup_week(self, t: int) -> None:
        """This week's round of the attempt under way, if any (model.step, before the ruler
        governs); the attempt ends at its verdict or after ``coup_max_rounds`` rounds."""
        self.coup_round, self.coup_moscow_share = 0, 0.0
        if self.coup is None:
            return
        going = self.coup.week(t, self.model.actor_rng)
        self.coup_round, self.coup_moscow_share = self.coup.round, self.coup.moscow_share
        if not going:
            self.coup = None

    def rotate_plotters(self) -> None:
        """After a failed attempt he rotates the chiefs of the units that sided with Moscow:
        the plot revealed them (``backs_moscow``), so he acts on what he saw, not on their
        true alignment; his beliefs take the same cut (``ruler_beliefs.plot_evidence``)."""
        for u in self.units:
            if u.backs_moscow:
                u.rotate_chiefs(self.p.purge_effect)

    def fall_in(self) -> None:
        """Under a Russian intervention the services fall in behind the Moscow-backed order."""
        for u in self.units:
            u.defected = False

    # ------------------------------------------------------------------------ readings
    def capacity(self) -> np.ndarray:
        return np.array([u.capacity for u in self.units])

    def loyalty(self) -> np.ndarray:
        return np.array([u.loyalty for u in self.units])

    def alignment(self) -> np.ndarray:
        return np.array([u.alignment for u in self.units])

    def on_duty(self) -> float:
        """People on the street for the regime."""
        return sum(u.on_duty() for u in self.units)

    @property
    def backing(self) -> float:
        """Share of (current) security capacity still defending the regime."""
        cap = self.capacity()
        on = np.array([u.on_duty() for u in self.units])
        return float(on.sum() / cap.sum()) if cap.sum() > 0 else 0.0

    @property
    def penetration(self) -> float:
        """Capacity-weighted alignment with Moscow."""
        cap = self.capacity()
        al = self.alignment()
        return float((cap * al).sum() / cap.sum()) if cap.sum() > 0 else 0.0

    @property
    def loyalty_share(self) -> float:
        """Capacity-weighted loyalty to the regime (defected units count zero)."""
        cap = self.capacity()
        loy = np.array([0.0 if u.defected else u.loyalty for u in self.units])
        return float((cap * loy).sum() / cap.sum()) if cap.sum() > 0 else 0.0
