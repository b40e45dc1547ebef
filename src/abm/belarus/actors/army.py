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

``ArmyUnit`` holds one unit's rules (losses, morale, mutiny, answering an order against
protesters); ``Army`` holds the units in index order and runs the army's week: deployment per
support level, the losses of units clashing with internal security, the two-sided war front
in Ukraine (``mechanisms.front``: units past the loss threshold withdraw, a rout brings the
expedition home), morale and mutiny (defeat and casualties erode it), and orders against
protesters in an uprising.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import networkx as nx
import numpy as np

from abm.belarus.actors.kremlin import logistic
from abm.belarus.actors.lukashenko_params import INTERVENTION_LEVEL
from abm.belarus.mechanisms.front import Front

if TYPE_CHECKING:
    from abm.belarus.world_params import Inputs
    from abm.params import Values

GARRISON, BORDER, UKRAINE = "garrison", "border", "ukraine"
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
    p: Values,
    morale: float,
    morale0: float,
    loss_share: float,
    neighbours_mutinied: float,
    uprising: float,
    pw_share: float,
    weakness: float,
    defeat: float = 0.0,
) -> float:
    """One week of morale, in [0, 1].

    m' = m + recovery (m0 - m) - w_losses * loss_share - w_contagion * neighbours_mutinied
         - w_protest * uprising * 2 pw_share - w_weakness * weakness - w_defeat * defeat.
    ``uprising`` is the active share relative to the uprising threshold, capped at 1;
    ``defeat`` the week's defeat at the front (a rout 1, else the share of the expedition
    withdrawn combat-ineffective). With mechanism 5 off, nothing erodes morale (defeat does
    not breed mutiny).
    """
    m = morale + p.morale_recovery * (morale0 - morale)
    if p.mech_revolt:
        m -= (
            p.morale_w_losses * loss_share
            + p.morale_w_contagion * neighbours_mutinied
            + p.morale_w_protest * uprising * 2.0 * pw_share
            + p.morale_w_weakness * weakness
            + p.morale_w_defeat * defeat
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


def refusal_probability(p: Values, pw_share: float, loyalty: float, morale: float) -> float:
    """P(a unit ordered against protesters refuses): logistic((pw + (1 - loyalty) +
    (1 - morale) - refusal_mid) / 0.1) (Paine 2022)."""
    index = pw_share + (1.0 - loyalty) + (1.0 - morale)
    return logistic((index - p.refusal_mid) / 0.1)


#: How the intervention event names who decided it, by the ruler's ``decider``
#: (``Lukashenko.govern``: a forced week, Lukashenko's own choice, Moscow's loyalist).
DECIDERS = {
    "forced": "forced by Moscow",
    "lukashenko": "chosen by Lukashenko",
    "loyalist": "ordered by Moscow's loyalist",
}


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
        self.brought = 0  # soldiers it had when last sent into Ukraine
        self.withdrawn = False  # pulled out combat-ineffective; never sent again

    @property
    def fighting(self) -> bool:
        """In Ukraine and still obeying."""
        return self.location == UKRAINE and not self.mutinied

    def take_losses(self, lost: int) -> None:
        """Soldiers killed, wounded or captured this week (conserved: strength + losses)."""
        self.week_losses += lost
        self.strength -= lost
        self.losses += lost

    def send_to_front(self) -> None:
        """Into Ukraine, counting the soldiers it brings (its withdrawal threshold's base)."""
        self.location = UKRAINE
        self.brought = self.strength

    def withdraw(self) -> None:
        """Combat-ineffective (or routed): back home, obeying, not to be sent again."""
        self.withdrawn = True
        self.location = self.home

    def mutiny(self, mode: str, cause: str) -> None:
        """Stop obeying; a unit in Ukraine withdraws home. Absorbing: mutinied units stay so."""
        self.mutinied = True
        self.mutiny_mode = mode
        self.mutiny_cause = cause
        self.ordered_internal = False
        if self.location == UKRAINE:
            self.location = GARRISON

    def morale_week(
        self,
        p: Values,
        neighbours_mutinied: float,
        uprising: float,
        uprising_on: bool,
        weakness: float,
        defeat: float = 0.0,
    ) -> None:
        """Morale moves (``morale_step``); below the unit's own threshold it mutinies, in the
        way its location and soldiers dictate (``mutiny_mode``), and the cause is recorded."""
        share_lost = self.week_losses / max(1, self.strength + self.week_losses)
        self.morale = morale_step(
            p,
            self.morale,
            self.morale0,
            share_lost,
            neighbours_mutinied,
            uprising,
            self.pw_share,
            weakness,
            defeat,
        )
        if not (p.mech_revolt and self.morale < self.threshold):
            return
        mode = mutiny_mode(self.location, uprising_on, self.pw_share, self.loyalty)
        where = {UKRAINE: "in Ukraine", BORDER: "on the western border"}.get(
            self.location, "in garrison"
        )
        causes = []
        if self.week_losses:
            causes.append(f"lost {share_lost:.0%} of its soldiers this week")
        if neighbours_mutinied > 0:
            causes.append(f"{neighbours_mutinied:.0%} of neighbouring units mutinied")
        if uprising_on:
            causes.append("uprising at home")
        if defeat > 0:
            causes.append(f"defeat at the front ({defeat:.0%})")
        if weakness > 0.3:
            causes.append(f"regime looks weak ({weakness:.2f})")
        cause = (
            f"{self.name} {where}: morale {self.morale:.2f} below its threshold "
            f"{self.threshold:.2f} ({'; '.join(causes) or 'slow erosion'}); {mode}"
        )
        self.mutiny(mode, cause)

    def answer_order(self, p: Values, rng: np.random.Generator) -> bool:
        """Ordered against protesters, obey or refuse (Paine 2022; refusal needs mechanism 5).
        A refusing unit with many pro-Western soldiers sides with the protesters."""
        refuse = refusal_probability(p, self.pw_share, self.loyalty, self.morale)
        if p.mech_revolt and rng.random() < refuse:
            mode = "side_with_protesters" if self.pw_share >= 0.4 else "refuse"
            self.mutiny(
                mode,
                f"{self.name} ordered against protesters refuses (P = {refuse:.2f}: "
                f"pro-Western share {self.pw_share:.2f}, loyalty {self.loyalty:.2f}, "
                f"morale {self.morale:.2f}); {mode}",
            )
            return False
        self.ordered_internal = True
        return True


class Army:
    """The army's units in index order (the order every weekly rule visits them) and the
    army's week. Reads the regime's state from ``model`` the way a Mesa agent does."""

    def __init__(self, model: mesa.Model, p: Values, rng: np.random.Generator):
        self.model, self.p, self.rng = model, p, rng
        n = p.n_army_units
        strengths = np.full(n, p.army_strength // n)
        strengths[: p.army_strength - strengths.sum()] += 1
        pw_mean = p.army_pw_share
        border = (
            np.arange(n) < round(p.border_share * n) if p.mech_nato_excuse else np.zeros(n, bool)
        )
        self.units: list[ArmyUnit] = []
        for i in range(n):
            morale = float(np.clip(p.morale_initial + rng.normal(0, 0.05), 0, 1))
            loyalty = float(np.clip(p.loyalty_army + rng.normal(0, 0.1), 0, 1))
            pw = float(np.clip(rng.beta(4, 4) * 2 * pw_mean, 0, 1))
            threshold = p.mutiny_threshold + rng.uniform(-0.1, 0.1)
            unit = ArmyUnit(
                model, i, int(strengths[i]), morale, loyalty, pw, threshold, bool(border[i])
            )
            self.units.append(unit)
        self.network = unit_network(n)
        self.neighbours = [list(self.network.neighbors(i)) for i in range(n)]
        self.initial = int(strengths.sum())
        self.casualties_week = 0  # soldiers lost at the front this week
        self.clash_losses_week = 0  # soldiers lost clashing with internal security
        self.enemy_losses = 0  # Ukrainian soldiers lost on the sector this week
        self.defeat = 0.0  # this week's defeat at the front (read by morale)
        self.front = Front(p)
        self.expedition_formed = False  # an expedition is in the field (not yet recalled)
        self.internal_people = 0.0  # police-equivalents of units obeying orders at home
        self._deployed_logged = False
        self._mutinied_seen: set[int] = set()

    def __iter__(self):
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    # ------------------------------------------------------------------------ the week
    def week(self, t: int, x: Inputs) -> None:
        """Deploy (logging the first intervention before combat), lose soldiers in clashes
        with internal security, fight on the front, lose morale and mutiny, then answer
        orders against protesters."""
        self.deploy(t)
        self.record_intervention(t)
        self.clashes()
        self.fight(t, x.ukraine_strength)
        self.morale_and_mutiny()
        self.orders_against_protesters()

    def new_week(self) -> None:
        """Clear last week's losses before any phase adds this week's: a contested coup's
        clashes (``mechanisms.coup``, before the army's week), the clashes with internal
        security and the front all add to ``week_losses``, which morale then reads."""
        for u in self.units:
            u.week_losses = 0

    def clashes(self) -> None:
        """Units that mutinied into clashes with internal security lose soldiers too: each
        one with probability ``clash_army_loss`` a week (binomial per unit)."""
        clashing = [u for u in self.units if u.mutinied and u.mutiny_mode == "clash"]
        self.clash_losses_week = 0
        if not clashing or self.p.clash_army_loss <= 0:
            return
        lost = self.rng.binomial([u.strength for u in clashing], self.p.clash_army_loss)
        for u, n in zip(clashing, lost, strict=True):
            u.take_losses(int(n))
        self.clash_losses_week = int(lost.sum())

    def fight(self, t: int, cap: float) -> None:
        """One week on the front (``mechanisms.front``): both sides' losses, then units past
        the loss threshold withdraw; a rout withdraws them all and ends the expedition. The
        week's defeat (rout = 1, else the withdrawn share of the expedition) erodes every
        unit's morale."""
        deployed = [u for u in self.units if u.fighting]
        self.casualties_week = 0
        self.enemy_losses = 0
        self.defeat = 0.0
        if not deployed:
            return
        strengths = np.array([u.strength for u in deployed])
        committed = sum(u.brought for u in self.units if u.brought > 0)
        losses, withdraw = self.front.week(
            strengths, np.array([u.brought for u in deployed]), cap, self.rng, committed
        )
        for u, loss in zip(deployed, losses, strict=True):
            u.take_losses(int(loss))
        self.casualties_week = int(losses.sum())
        self.enemy_losses = self.front.week_losses
        going = [u for u, w in zip(deployed, withdraw, strict=True) if w]
        for u in going:
            u.withdraw()
        if self.front.collapsed:
            self.defeat = 1.0
            left = int(strengths.sum() - losses.sum())
            how = (
                f"Ukraine routes the Belarusian expedition ({self.front.ukraine:,} Ukrainian "
                f"soldiers against {left:,})"
                if self.front.outcome == "routed"
                else f"the stalled offensive is called off after losing "
                f"{self.front.expedition_losses:,} of {committed:,} soldiers"
            )
            self.model.log.record(t, "front_collapse", f"{how}; {len(going)} units fall back home")
        elif going:
            self.defeat = sum(u.brought for u in going) / max(1, sum(u.brought for u in deployed))

    def deploy(self, t: int = 0) -> None:
        """At direct intervention, form the expedition once: the most loyal garrison units
        until ``deploy_share`` of the army's strength is in Ukraine. Its units are not
        replaced: one that withdraws or mutinies leaves the expedition smaller, and an
        expedition with no unit left fighting has lost the front. Below the intervention
        level, bring the units home (a later intervention forms a new expedition)."""
        m = self.model
        in_power = m.regime in ("lukashenko", "loyalist")
        if not (m.support_level >= INTERVENTION_LEVEL and in_power):
            for u in self.units:
                if u.fighting:
                    u.location = u.home
            self.expedition_formed = False
            return
        if self.front.collapsed:
            return
        if self.expedition_formed:
            if self.deployed_strength == 0:
                self.front.collapsed = True
                self.model.log.record(
                    t,
                    "front_collapse",
                    "no Belarusian unit is left fighting in Ukraine: the expedition has "
                    "withdrawn or mutinied",
                )
            return
        total = self.obeying_strength
        there = 0
        # a new expedition: the front's loss count and the soldiers committed start afresh
        # (units of an earlier one are home; their losses do not bring this one's
        # culminating point closer)
        self.front.expedition_losses = 0
        for u in self.units:
            u.brought = 0
        candidates = sorted(
            (
                u
                for u in self.units
                if u.location == GARRISON and not (u.mutinied or u.ordered_internal or u.withdrawn)
            ),
            key=lambda u: -u.loyalty,
        )
        for u in candidates:
            if there >= self.p.deploy_share * total:
                break
            u.send_to_front()
            there += u.strength
        self.expedition_formed = there > 0

    def record_intervention(self, t: int) -> None:
        """Log the intervention the first week Belarusian units are in Ukraine, right after
        deployment and before they fight: units that deploy, fight and mutiny in the same
        week have withdrawn by the week's end, so detecting it then would miss it."""
        if self._deployed_logged or self.deployed_strength == 0:
            return
        self._deployed_logged = True
        m = self.model
        why = DECIDERS[m.ruler.decider]
        m.log.record(
            t,
            "intervention",
            f"{self.deployed_strength:,} Belarusian soldiers sent to fight inside Ukraine "
            f"({why}; demand {m.kremlin.demand:.1f}, "
            f"exasperation {m.kremlin.exasperation:.2f})",
        )

    def morale_and_mutiny(self) -> None:
        """Every obeying unit's morale week; contagion reads who had mutinied at its start."""
        m = self.model
        mutinied = np.array([u.mutinied for u in self.units])
        uprising = min(1.0, m.turnout / max(1e-9, self.p.uprising_share))
        for u in self.units:
            if u.mutinied:
                continue
            nb = self.neighbours[u.index]
            nb_share = float(mutinied[nb].mean()) if nb else 0.0
            u.morale_week(self.p, nb_share, uprising, m.uprising_on, m.weakness, self.defeat)

    def orders_against_protesters(self) -> None:
        """In an uprising the regime orders garrison units against protesters, most loyal
        first, until ``army_internal_share`` of the obeying strength is out; each may refuse
        (Paine 2022). Obeying units add police-equivalents in the capital."""
        p, m = self.p, self.model
        if not (m.uprising_on and p.mech_repression and m.regime != "transitional"):
            for u in self.units:
                u.ordered_internal = False
            self.internal_people = 0.0
            return
        total = self.obeying_strength
        ordered = sum(u.strength for u in self.units if u.ordered_internal)
        for u in sorted(self.units, key=lambda u: -u.loyalty):
            if ordered >= p.army_internal_share * total:
                break
            if u.mutinied or u.ordered_internal or u.location != GARRISON:
                continue
            if u.answer_order(p, self.rng):
                ordered += u.strength
        self.internal_people = p.army_police_factor * sum(
            u.strength for u in self.units if u.ordered_internal
        )

    def new_mutinies(self) -> list[str]:
        """Causes of the mutinies not yet reported, in unit order (each reported once)."""
        out = []
        for u in self.units:
            if u.mutinied and u.index not in self._mutinied_seen:
                self._mutinied_seen.add(u.index)
                out.append(u.mutiny_cause)
        return out

    # ------------------------------------------------------------------------ readings
    @property
    def strength(self) -> int:
        return sum(u.strength for u in self.units)

    @property
    def casualties(self) -> int:
        return sum(u.losses for u in self.units)

    @property
    def obeying_strength(self) -> int:
        return sum(u.strength for u in self.units if not u.mutinied)

    @property
    def deployed_strength(self) -> int:
        return sum(u.strength for u in self.units if u.fighting)

    @property
    def mutinied_share(self) -> float:
        """Share of the army's initial soldiers in mutinied units (their losses included)."""
        return sum(u.strength + u.losses for u in self.units if u.mutinied) / max(1, self.initial)

    def mutinied_strength(self, mode: str) -> int:
        """Soldiers of the units that mutinied in ``mode`` (e.g. clashing with security)."""
        return sum(u.strength for u in self.units if u.mutinied and u.mutiny_mode == mode)

    @property
    def morale(self) -> float:
        """Strength-weighted mean morale."""
        s = np.array([u.strength for u in self.units], dtype=float)
        mo = np.array([u.morale for u in self.units])
        return float((s * mo).sum() / s.sum()) if s.sum() > 0 else 0.0
