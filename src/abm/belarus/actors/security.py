"""Security services: KGB, OMON, interior troops, militia - the regime's coercive capacity.

Brief (actor table): they "repress protests (arrest, jail), back or block a Kremlin
substitution, defect when the regime looks doomed"; their loyalty is "split between
Lukashenko and Moscow". Article: "Moscow has penetrated the country's security services".

Each unit has a capacity (people), a home region (capital or the rest), a loyalty to
Lukashenko personally and an alignment with Moscow (penetration). The units together supply
the police presence on the citizen grid (``police_people``), and in a substitution or an
uprising each unit backs a side when it expects enough others to (``mechanisms.coordination``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.belarus.mechanisms.coordination import cascade, thresholds

if TYPE_CHECKING:
    from collections.abc import Mapping

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

    def __init__(self, model: mesa.Model, spec: UnitSpec, p: Mapping):
        super().__init__(model)
        self.name = spec.name
        base = p["kgb_size"] * spec.size if spec.kgb else spec.size * p["security_scale"]
        self.base_capacity = float(base)
        self.capacity = float(base)
        self.region = spec.region
        self.loyalty0 = float(np.clip(p["loyalty_security"] + spec.loyalty_offset, 0.0, 1.0))
        self.loyalty = self.loyalty0
        self.alignment = float(np.clip(p["penetration_initial"] * spec.affinity, 0.0, 1.0))
        self.defected = False  # stopped defending the regime in an uprising
        self.backs_moscow = False  # sided with Moscow in the last substitution attempt

    def penetrate(self, effort: float) -> None:
        """Moscow closes ``effort`` of the gap between this unit's alignment and 1."""
        self.alignment += effort * (1.0 - self.alignment)

    def rotate_chiefs(self, purge_effect: float) -> None:
        """Coup-proofing: new chiefs cut Moscow's alignment and restore loyalty."""
        self.alignment *= 1.0 - purge_effect
        self.loyalty = max(self.loyalty, self.loyalty0)

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
