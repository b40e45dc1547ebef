"""Sanctions -> dependence -> Moscow's leverage, and the hardship citizens feel.

Article: "In the wake of a mass crackdown against pro-democracy protesters in the summer of
2020, Belarus has been comprehensively sanctioned by Western governments. This has increased
Minsk's economic and political dependence on Moscow." (brief mechanism 1). Dependence scales
the Kremlin's leverage; leverage turned against unmet demand is economic pressure, which both
hurts Lukashenko and adds to citizens' hardship with the sanctions themselves.
"""

from __future__ import annotations


def dependence_step(
    dependence: float, sanctions: float, base: float, gain: float, rate: float, enabled: bool
) -> float:
    """Move dependence a ``rate`` of the way toward ``base + gain * sanctions`` (capped at 1).

    With the mechanism switched off sanctions no longer deepen dependence: it relaxes to
    ``base``.
    """
    target = min(1.0, base + (gain * sanctions if enabled else 0.0))
    return dependence + rate * (target - dependence)


def leverage(dependence: float, willingness: float) -> float:
    """Moscow's economic leverage: the share of Belarus's dependence it is willing to use."""
    return max(0.0, min(1.0, dependence * willingness))


def economic_pressure(leverage_: float, gap_levels: float, max_level: float = 5.0) -> float:
    """Pressure applied this week: leverage times the unmet share of the demand, in [0, 1]."""
    return max(0.0, min(1.0, leverage_ * gap_levels / max_level))


def hardship_index(
    sanctions: float,
    pressure: float,
    mobilised: bool,
    w_sanctions: float,
    w_pressure: float,
    w_mobilisation: float,
) -> float:
    """Extra economic hardship h in [0, 1]; a citizen's hardship becomes 1 - (1 - H)(1 - h).

    That mixing keeps H_eff in [0, 1], leaves Epstein's H untouched at h = 0 and preserves the
    citizens' ranking by hardship.
    """
    h = w_sanctions * sanctions + w_pressure * pressure + (w_mobilisation if mobilised else 0.0)
    return max(0.0, min(1.0, h))
