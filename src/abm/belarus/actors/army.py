"""Army units: garrison, western border, or Ukraine; morale, loyalty, mutiny.

Article: "his Belarusian army is no match for Ukrainian forces. Its defeat could culminate in
mutinies and conflicts between military and internal security forces." Brief: units perceive
"casualties, comrades' mutinies, protest levels, regime's apparent strength" and may "mutiny
(refuse orders, defect, clash with internal security)"; ordered against protesters they may
refuse - Paine's (2022) second kind of military disloyalty, not defending the ruler.

A unit mutinies once its morale falls below its own threshold (Granovetter-style
heterogeneous thresholds). Morale recovers toward its initial level and is eroded by the
week's losses, by mutinied neighbours on the unit network (contagion), by an uprising at home
(more in units with many pro-Western conscripts) and by the regime's apparent weakness.
"""

from __future__ import annotations

from collections.abc import Mapping

import mesa
import networkx as nx

from abm.belarus.actors.kremlin import logistic

GARRISON, BORDER, UKRAINE = "garrison", "border", "ukraine"
MUTINY_MODES = ("withdraw", "refuse", "side_with_protesters", "clash")
BRIGADE_SIZE = 3


def unit_network(n_units: int, brigade_size: int = BRIGADE_SIZE) -> nx.Graph:
    """The army's social network: battalions of a brigade know each other (a clique), and
    each brigade is linked to the next along a ring of garrisons, battalion to battalion.

    Deterministic, so mutiny contagion depends on the units' states, not on a random graph.
    """
    g = nx.Graph()
    g.add_nodes_from(range(n_units))
    n_brigades = -(-n_units // brigade_size)
    for b in range(n_brigades):
        members = list(range(b * brigade_size, min((b + 1) * brigade_size, n_units)))
        g.add_edges_from((u, v) for i, u in enumerate(members) for v in members[i + 1 :])
        if n_brigades > 1:
            nxt = ((b + 1) % n_brigades) * brigade_size
            for k, u in enumerate(members):
                v = nxt + k
                if v < n_units and v != u:
                    g.add_edge(u, v)
    return g


def morale_step(
    p: Mapping,
    morale: float,
    morale0: float,
    loss_share: float,
    neighbours_mutinied: float,
    uprising: float,
    pw_share: float,
    weakness: float,
) -> float:
    """One week of morale, in [0, 1].

    m' = m + recovery (m0 - m) - w_losses * loss_share - w_contagion * neighbours_mutinied
         - w_protest * uprising * 2 pw_share - w_weakness * weakness.
    ``uprising`` is the active share relative to the uprising threshold, capped at 1. With
    mechanism 5 off, nothing erodes morale (defeat does not breed mutiny).
    """
    m = morale + p["morale_recovery"] * (morale0 - morale)
    if p["mech_revolt"]:
        m -= (
            p["morale_w_losses"] * loss_share
            + p["morale_w_contagion"] * neighbours_mutinied
            + p["morale_w_protest"] * uprising * 2.0 * pw_share
            + p["morale_w_weakness"] * weakness
        )
    return min(1.0, max(0.0, m))


def mutiny_mode(location: str, uprising_on: bool, pw_share: float, loyalty: float) -> str:
    """How a unit mutinies, by where it stands: units in Ukraine withdraw; at home during an
    uprising units with a pro-Western majority among their soldiers... side with protesters;
    weakly loyal units clash with internal security; the rest refuse orders."""
    if location == UKRAINE:
        return "withdraw"
    if uprising_on and pw_share >= 0.4:
        return "side_with_protesters"
    if loyalty < 0.6:
        return "clash"
    return "refuse"


def refusal_probability(p: Mapping, pw_share: float, loyalty: float, morale: float) -> float:
    """P(a unit ordered against protesters refuses): logistic((pw + (1 - loyalty) +
    (1 - morale) - refusal_mid) / 0.1) (Paine 2022)."""
    index = pw_share + (1.0 - loyalty) + (1.0 - morale)
    return logistic((index - p["refusal_mid"]) / 0.1)


class ArmyUnit(mesa.Agent):
    """A battalion-to-brigade scale unit. Soldiers are conserved: strength + losses is
    constant (losses are killed, wounded and captured, counted once)."""

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        strength: int,
        morale: float,
        loyalty: float,
        pw_share: float,
        threshold: float,
        border: bool,
    ):
        super().__init__(model)
        self.index = index
        self.name = f"unit {index + 1} (brigade {index // BRIGADE_SIZE + 1})"
        self.initial_strength = int(strength)
        self.strength = int(strength)
        self.losses = 0
        self.morale0 = morale
        self.morale = morale
        self.loyalty = loyalty
        self.pw_share = pw_share
        self.threshold = threshold
        self.home = BORDER if border else GARRISON
        self.location = self.home
        self.mutinied = False
        self.mutiny_mode = ""
        self.mutiny_cause = ""
        self.ordered_internal = False  # ordered against protesters and obeying
        self.week_losses = 0

    def mutiny(self, mode: str, cause: str) -> None:
        """Stop obeying; a unit in Ukraine withdraws home. Absorbing: mutinied units stay so."""
        self.mutinied = True
        self.mutiny_mode = mode
        self.mutiny_cause = cause
        self.ordered_internal = False
        if self.location == UKRAINE:
            self.location = GARRISON
