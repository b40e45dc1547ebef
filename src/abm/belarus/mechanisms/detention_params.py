"""Parameters of street detention: who of a broken-up crowd is detained, and how many the
regime can hold (``mechanisms/detention.py``).
"""

from __future__ import annotations

from abm.belarus.declare import CF, real
from abm.params import Param

DETENTION_PARAMS: list[Param] = [
    real(
        "detention_share",
        0.025,
        "share of the people in a broken-up protest who are detained (each independently: "
        "binomial thinning of the people a broken-up citizen agent stands for); sources span "
        "two orders of magnitude - ~7,000 detained of tens of thousands out on the first "
        "nights of Aug 2020 (~0.1-0.3) against 234 of 50-100,000 on 20 Sep 2020 "
        "(~0.002-0.005) - so the default is the range's geometric middle",
        "share",
        0.002,
        0.3,
        source=CF + ": Viasna, 9-12 Aug and 20 Sep 2020; prior median of the range",
        group="protest",
    ),
    real(
        "detention_capacity",
        15_000.0,
        "people the police, courts and detention centres can process in a week, nationwide: "
        "the cap on the week's street detentions. A count only: how many protests are broken "
        "up (and sit out) is the engine's, set by police on duty and k, so the cap does not "
        "change deterrence",
        "people/week",
        3_000.0,
        50_000.0,
        source=CF + ": ~7,000 detained in 9-12 Aug 2020 (4 days) and 1,126 on one day "
        "(15 Nov); assumption: 7,000 in 4 days -> ~12,000/week at the limit; range to sweep",
        group="protest",
    ),
]
