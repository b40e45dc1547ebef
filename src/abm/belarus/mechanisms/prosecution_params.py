"""Parameters of prosecution after the fact and of the political-prisoner stock
(``mechanisms/prosecution.py``).
"""

from __future__ import annotations

from abm.belarus.declare import CF, integer, real
from abm.params import Param

PROSECUTION_PARAMS: list[Param] = [
    real(
        "prosecution_hazard",
        3e-5,
        "weekly chance that one protest exposure (a person who protested one week, not yet "
        "charged, whose trail has not faded) leads to a criminal charge, at no repression. "
        "Order of magnitude: ~3,200 political prisoners recognised since 2020 (most charged "
        "for 2020's protests) out of ~10^6 protest person-weeks in 2020 (~50,000 a week over "
        "~20 weeks) is ~0.3 % eventually charged; with the trail fading at ~1.3 %/week that "
        "is a hazard of ~4e-5; range an order of magnitude either way",
        "1/week",
        3e-6,
        3e-4,
        source=CF + ": Viasna, > 900 criminal cases in 2020, ~3,200 recognised by 2024; "
        "assumption for the exposure count",
        group="protest",
    ),
    real(
        "prosecution_repression_boost",
        1.0,
        "relative rise of the prosecution hazard at full repression intensity (the ruler's "
        "repression orders, mechanism 8)",
        "share",
        0.0,
        10.0,
        source="assumption: repression doubles the hazard at full intensity; sweep 0-10",
        group="protest",
    ),
    real(
        "evidence_fade",
        0.013,
        "weekly rate at which a protest exposure leaves the pool uncharged (the evidence "
        "trail - photos, videos, chats - fades or is never followed); 0.013 is a half-life "
        "of about a year: 2020's protesters were still being charged in 2021-22",
        "1/week",
        0.002,
        0.1,
        source=CF + ": prisoner stock 169 (end 2020) -> 969 (2021) -> 1,446 (2022); "
        "assumption: half-life 7 weeks to 7 years",
        group="protest",
    ),
    real(
        "sentence_weeks",
        130.0,
        "mean criminal sentence of a political prisoner; releases at hazard 1/this a week",
        "weeks",
        13.0,
        520.0,
        source="Viasna: sentences of months to years (Art. 342 up to 3 years, Art. 293 "
        "3-8 years); assumption: mean ~2.5 years, range 3 months to 10 years",
        group="protest",
    ),
    integer(
        "political_prisoners_initial",
        1_446,
        "people serving political criminal sentences at week 0: the late-2022 stock of the "
        "defaults (the history scenario starts from a few dozen in Aug 2020)",
        "people",
        0,
        100_000,
        source=CF + ": Viasna, 1,446 political prisoners on 31 Dec 2022; history.toml: "
        "assumption, a few dozen before the Aug 2020 election (~169 at the end of 2020)",
        group="protest",
    ),
]
