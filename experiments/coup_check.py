"""Contested coups across the named scenarios: how often Moscow tries, how the backing moves
over an attempt's rounds, and how often it succeeds - beside Powell & Thyne's (2011) ~48 %
(a comparison, not a target).

    .venv/bin/python experiments/coup_check.py              # 30 seeds x 3 scenarios (~5 min)
    .venv/bin/python experiments/coup_check.py --seeds 5    # quick look

Writes into results/coup/ (or --out):
- attempts.csv: one row per attempt (scenario, seed, week, rounds played, outcome, Moscow's
  share of the committed capital-weighted capacity after each round, Moscow's estimated odds
  in the week it moved);
- forced.csv: Moscow forced to move in week 1 over a grid of initial penetration (the game's
  own success curve, apart from Moscow's choice of when to move);
- README.md: the command and, per scenario, runs, attempts, success share (with a Wilson
  95 % interval), rounds and the backing over rounds; then the forced attempts' table.

Each run is ``BelarusModel({"scenario": S}, rng=seed)`` for seed 0 .. N-1 over the scenario's
steps, so every attempt can be replayed alone. Run against a checkout without contested coups
(no ``coup_round`` series) it still counts attempts and successes from the event log.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from abm.belarus.model import BelarusModel
from abm.belarus.scenarios import get_scenario

SCENARIOS = ("baseline", "rising_desperation", "deep_penetration")
POWELL_THYNE = 0.48
#: Initial penetration of the forced attempts (Moscow moves in week 1 whatever its odds).
FORCED_PENETRATION = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
FORCED_CITIZENS = 1_000  # a coup's four weeks barely depend on the citizens' scale


def attempts_of(scenario: str, seed: int, citizens: int | None) -> list[dict]:
    """The attempts of one run, read from its event log and series."""
    params = {"scenario": scenario} | ({"n_citizens": citizens} if citizens else {})
    m = BelarusModel(params, rng=seed, faces=False)
    m.run_for(int(get_scenario(scenario).steps))
    s = m.series()
    starts = [w for w, e, _ in m.events if e == "substitution_attempt"]
    wins = {w for w, e, _ in m.events if e == "substitution"}
    rows = []
    for w in starts:
        row = {"scenario": scenario, "seed": seed, "week": w, "odds": float(s["odds"].iloc[w])}
        if "coup_round" in s:
            rounds = s["coup_round"].to_numpy()
            k = 1
            while w + k < len(rounds) and rounds[w + k] == k + 1:
                k += 1
            shares = s["coup_moscow_share"].iloc[w : w + k].tolist()
            end = w + k - 1
            row |= {"rounds": k, **{f"share_round_{i + 1}": x for i, x in enumerate(shares)}}
        else:
            end = w
        row["outcome"] = "success" if (end in wins or w in wins) else "failure"
        rows.append(row)
    return rows


def forced_attempt(penetration: float, seed: int) -> dict:
    """Moscow moves in week 1 at this initial penetration (the attempt is launched by hand
    before the week is stepped): the attempt's verdict and length, whatever Moscow's odds -
    the game alone, not Moscow's choice of when to play it."""
    m = BelarusModel(
        {"penetration_initial": penetration, "n_citizens": FORCED_CITIZENS},
        rng=seed,
        faces=False,
    )
    m.kremlin.attempt_substitution(1)
    m.step()
    while m.security.coup is not None:
        m.step()
    rounds = m.series()["coup_round"].to_numpy()
    k = 1
    while k + 1 < len(rounds) and rounds[k + 1] == k + 1:
        k += 1
    won = any(e == "substitution" for _, e, _ in m.events)
    return {"penetration_initial": penetration, "seed": seed, "rounds": k, "success": won}


def forced_table(seeds: int) -> pd.DataFrame:
    """Per initial penetration: success share (Wilson 95 %) and mean rounds of forced
    attempts."""
    rows = [forced_attempt(a, s) for a in FORCED_PENETRATION for s in range(seeds)]
    df = pd.DataFrame(rows)
    out = []
    for a, d in df.groupby("penetration_initial"):
        k, n = int(d["success"].sum()), len(d)
        lo, hi = wilson(k, n)
        out.append(
            {
                "penetration_initial": a,
                "attempts": n,
                "success_share": k / n,
                "ci_low": lo,
                "ci_high": hi,
                "mean_rounds": float(d["rounds"].mean()),
            }
        )
    return pd.DataFrame(out)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson 95 % interval of a proportion k / n."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, mid - half), min(1.0, mid + half))


def summary(df: pd.DataFrame, seeds: int) -> pd.DataFrame:
    """Per scenario: runs, attempts, runs with an attempt, successes, success share with its
    interval, mean rounds, mean Moscow share after rounds 1..3, mean estimated odds."""
    out = []
    for sc in SCENARIOS:
        d = df[df["scenario"] == sc] if len(df) else df
        n = len(d)
        k = int((d["outcome"] == "success").sum()) if n else 0
        lo, hi = wilson(k, n)
        row = {
            "scenario": sc,
            "runs": seeds,
            "attempts": n,
            "runs_with_attempt": int(d["seed"].nunique()) if n else 0,
            "successes": k,
            "success_share": k / n if n else math.nan,
            "ci_low": lo,
            "ci_high": hi,
            "mean_odds_at_attempt": float(d["odds"].mean()) if n else math.nan,
        }
        if n and "rounds" in d:
            row["mean_rounds"] = float(d["rounds"].mean())
            for i in (1, 2, 3):
                col = f"share_round_{i}"
                if col in d:
                    row[f"moscow_share_round_{i}"] = float(d[col].mean())
                    row[f"reaching_round_{i}"] = int(d[col].notna().sum())
        out.append(row)
    return pd.DataFrame(out)


def markdown(table: pd.DataFrame) -> str:
    """A Markdown table (numbers to two decimals, counts as integers)."""

    def cell(x) -> str:
        return f"{x:.2f}" if isinstance(x, float) else str(x)

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in table.itertuples(False)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--citizens", type=int, default=None, help="n_citizens (default: model's)")
    ap.add_argument("--out", type=Path, default=Path("results/coup"))
    ap.add_argument("--no-forced", action="store_true", help="skip the forced attempts")
    a = ap.parse_args(argv)
    rows = [r for sc in SCENARIOS for s in range(a.seeds) for r in attempts_of(sc, s, a.citizens)]
    df = pd.DataFrame(rows)
    table = summary(df, a.seeds)
    a.out.mkdir(parents=True, exist_ok=True)
    df.to_csv(a.out / "attempts.csv", index=False)
    cmd = "python experiments/coup_check.py " + " ".join(argv if argv is not None else sys.argv[1:])
    (a.out / "README.md").write_text(
        f"# Contested coups across scenarios\n\nCommand: `{cmd.strip()}`\n\n"
        f"{a.seeds} seeds per scenario. Success share beside Powell & Thyne (2011): "
        f"~{POWELL_THYNE:.0%} of coup attempts worldwide 1950-2010 succeed (a comparison, "
        "not a target). `moscow_share_round_k`: Moscow's share of the committed "
        "capital-weighted capacity after round k, mean over the attempts that reached it.\n\n"
        + markdown(table)
    )
    print(table.to_string(index=False))
    if not a.no_forced:
        forced = forced_table(a.seeds)
        forced.to_csv(a.out / "forced.csv", index=False)
        with (a.out / "README.md").open("a") as fh:
            fh.write(
                "\n## The game alone: Moscow forced to move in week 1\n\n"
                f"launched by hand in week 1, {FORCED_CITIZENS:,} citizens, {a.seeds} seeds per "
                "initial "
                "penetration (the scenarios' attempts come when Moscow's odds are high; these "
                "show the game's own success curve).\n\n" + markdown(forced)
            )
        print(forced.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
