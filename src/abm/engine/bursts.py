"""Outbursts in a series of active counts: the statistic behind "punctuated equilibrium".

Epstein (2002) reads his run 2 as long calm spells punctuated by outbursts and measures
waiting times between outbursts "above 50" actives on a 40 x 40 torus with 1,120
citizens (Fig. 5). An outburst here is an excursion that

- starts when actives rise above ``high`` (the paper's 50, i.e. 50/1120 = 4.5 % of
  citizens) and
- counts only if the population was calm before it: actives had fallen below ``low``
  (10, i.e. 0.9 %) since the previous outburst (or since the start).

The second condition is what makes the count a measure of *punctuation*: a population that
stays in open revolt, or that hovers around the upper line, produces one outburst, not
many. docs/engine.md explains the choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Epstein's outburst line (Fig. 5) and our calm line, as shares of citizens.
HIGH_SHARE = 50 / 1120
LOW_SHARE = 10 / 1120


@dataclass(frozen=True)
class BurstStats:
    """Outbursts of one run: their (start, end) steps and summary numbers."""

    episodes: list[tuple[int, int]]
    share_above: float  # share of steps with actives above ``high``
    share_calm: float  # share of steps with actives below ``low``

    @property
    def count(self) -> int:
        return len(self.episodes)

    @property
    def mean_wait(self) -> float:
        """Mean steps from one outburst's start to the next's (NaN with fewer than two)."""
        starts = [s for s, _ in self.episodes]
        return float(np.mean(np.diff(starts))) if len(starts) > 1 else float("nan")


def outbursts(active, n_citizens: int, high_share=HIGH_SHARE, low_share=LOW_SHARE) -> BurstStats:
    """Find the outbursts in ``active`` (one count per step) of ``n_citizens`` citizens.

    An episode's end is the first step at which actives are back below the calm line (the
    series' length if they never are).
    """
    a = np.asarray(active, dtype=float)
    high, low = high_share * n_citizens, low_share * n_citizens
    episodes: list[tuple[int, int]] = []
    armed, start = True, -1
    for t, v in enumerate(a):
        if start < 0 and armed and v > high:
            start, armed = t, False
        elif v < low:
            if start >= 0:
                episodes.append((start, t))
                start = -1
            armed = True
    if start >= 0:
        episodes.append((start, len(a)))
    n = max(len(a), 1)
    return BurstStats(episodes, float((a > high).sum() / n), float((a < low).sum() / n))
