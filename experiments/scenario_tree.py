"""Scenario trees over the posterior: the history replayed to a week, then Russia's war
collapses from that week on, against the same runs where it does not (issue 14, item 7).

The article: 'as desperation mounts in Moscow, the Kremlin may be more willing to take
greater risks in Belarus'. Each tree replays the ``history`` scenario (August 2020 - 2025)
with one seed and one posterior particle to its branch week, then sets ``war_trajectory``
to 1.0 (Russia's war collapsing, the Kremlin at its most desperate) from that week on; the
trunk keeps the observed course. ``abm.branching.branch_run`` checks that trunk and branch
agree on every step before the branch week, so the difference between them is the change
and nothing else: same seed, same particle, same past. Two branch weeks: October 2022
(after the annexations) and July 2023 (after the Wagner mutiny).

Each (tree, seed) is stored as one JSON file under ``--work`` as it finishes, so an
interrupted run resumes with only the missing seeds.

    .venv/bin/python experiments/scenario_tree.py          # 48 seeds per tree: ~2 min, 2 idle cores
    .venv/bin/python experiments/scenario_tree.py --full   # 200 seeds per tree: ~10 min
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import posterior_common as pc  # noqa: E402

NAME = "scenario_tree"
#: Tree name -> (branch week, the change from that week on, what the week is).
TREES = {
    "oct_2022": (113, {"war_trajectory": 1.0}, "October 2022, after the annexations"),
    "jul_2023": (151, {"war_trajectory": 1.0}, "July 2023, after the Wagner mutiny"),
}
#: seeds per tree, agents, weeks (None: the whole history)
SIZES = {"quick": (2, 1_000, 160), "default": (48, 10_000, None), "full": (200, 10_000, None)}
ARMS = ("trunk", "branch")


def one_branch(tree: str, seed: int, n_citizens: int, steps: int | None, posterior: str) -> dict:
    """Trunk and branch of one seed, with that seed's posterior particle (as ``abm branch
    --posterior`` draws it): each outcome's week, or None."""
    from abm.branching import branch_run
    from abm.cli_run import posterior_draw

    at, changes, _ = TREES[tree]
    params = {"scenario": "history", "n_citizens": n_citizens}
    drawn = posterior_draw(posterior, "history", seed, {**params, **changes})
    b = branch_run("belarus", {**drawn["applied"], **params}, changes, at, seed, steps)
    row = {"tree": tree, "seed": seed, "particle": drawn["particle"], "at": at}
    row["diverged_at"] = b.diverged_at
    for arm, run in (("trunk", b.trunk), ("branch", b.branch)):
        row[f"{arm}_final_class"] = run.summary.get("final_class")
        for o in pc.OUTCOMES:
            row[f"{arm}_week_{o}"] = run.summary.get(f"week_{o}")
    return row


def run_trees(seeds: int, n_citizens: int, steps: int | None, work: Path, workers: int) -> tuple:
    """Every (tree, seed) not yet in ``work``, stored one JSON file each as it finishes."""
    from abm import catalog
    from abm.sweep.version import code_version

    code = code_version(catalog.get("belarus").params)
    size = {
        "n_citizens": n_citizens,
        "steps": steps,
        "posterior": str(pc.POSTERIOR),
        "git_commit": code["git_commit"],
        "param_schema_sha256": code["param_schema_sha256"],
    }
    stamp = work / "size.json"
    if stamp.exists() and json.loads(stamp.read_text()) != size:
        # runs of another size or other code: set aside (nothing deleted), start afresh
        n = 1
        while (aside := work.with_name(f"{work.name}.stale-{n}")).exists():
            n += 1
        work.rename(aside)
        print(f"{work} held runs of other code or size: set aside as {aside}", flush=True)
    work.mkdir(parents=True, exist_ok=True)
    if not stamp.exists():
        stamp.write_text(json.dumps(size))
    todo = [
        (t, s) for t in TREES for s in range(seeds) if not (work / f"{t}_{s:05d}.json").exists()
    ]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = {
            pool.submit(one_branch, t, s, n_citizens, steps, str(pc.POSTERIOR)): (t, s)
            for t, s in todo
        }
        for i, job in enumerate(as_completed(jobs), 1):
            t, s = jobs[job]
            path = work / f"{t}_{s:05d}.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(job.result()))
            os.replace(tmp, path)
            print(f"  {i}/{len(todo)} {t} seed {s}", flush=True)
    wall = time.perf_counter() - t0
    rows = [
        json.loads((work / f"{t}_{s:05d}.json").read_text()) for t in TREES for s in range(seeds)
    ]
    return pd.DataFrame(rows), len(todo), wall


def long_form(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per (tree, seed, arm) with ``week_<outcome>`` counted only from the branch
    week (what happened before it is the shared past) and ``draw`` = the seed, so the
    posterior experiments' summaries and paired differences apply as they are."""
    parts = []
    for arm in ARMS:
        part = rows[["tree", "seed", "particle", "at"]].copy()
        part["arm"] = arm
        part["draw"] = rows["seed"]
        for o in pc.OUTCOMES:
            w = pd.to_numeric(rows[f"{arm}_week_{o}"], errors="coerce")
            part[f"week_{o}"] = w.where(w >= rows["at"])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = pc.parser(NAME, __doc__).parse_args(argv)
    seeds, n_citizens, steps = SIZES["quick" if args.quick else "full" if args.full else "default"]
    rows, ran, wall = run_trees(seeds, n_citizens, steps, args.work, args.workers)
    bad = rows[rows["diverged_at"].notna() & (rows["diverged_at"] < rows["at"])]
    if len(bad):  # branch_run refuses these; a stored file from other code could hold one
        raise SystemExit(f"{len(bad)} branches differ from their trunk before the branch week")
    runs = long_form(rows)
    out = args.out
    (out / "figures").mkdir(parents=True, exist_ok=True)
    rows.to_csv(out / "branches.csv", index=False)
    shares = pc.outcome_summary(runs, ["tree", "arm"], origin="at")
    effects = pc.paired_difference(runs, "arm", "branch", "trunk", by=["tree"], seed=2023)
    pc.write_table(shares, out / "summary.csv")
    pc.write_table(effects, out / "effects.csv")
    figures = draw(shares, out / "figures" / "trunk_vs_branch")
    write_readme(out, rows, shares, effects, seeds, n_citizens, ran, wall, figures, argv)
    print(f"wrote {out}", flush=True)
    return 0


def draw(shares: pd.DataFrame, path_stem: Path) -> list[str]:
    from abm.plots.outcomes import arm_comparison

    labels = {t: f"{TREES[t][2].split(',')[0]}" for t in TREES}
    return arm_comparison(
        shares.assign(tree=shares["tree"].map(labels)),
        "tree",
        "arm",
        ARMS,
        "branch week",
        pc.OUTCOMES,
        str(path_stem),
        title="History to the branch week, then the observed war (trunk) or Russia's war "
        "collapsing (branch), same seeds and posterior particles",
    )


def write_readme(out, rows, shares, effects, seeds, n_citizens, ran, wall, figures, argv):
    lines = [
        f"{seeds} seeds per tree, each with its own posterior particle; outcomes counted "
        "from the branch week to the end of 2025. Share of runs [95 % Wilson interval]; "
        "effect = branch - trunk on the same seeds [95 % bootstrap over seeds]:",
        "",
        "| branch week | outcome | trunk (observed war) | branch (war collapsing) | effect |",
        "|---|---|---|---|---|",
    ]
    for tree, (_, _, what) in TREES.items():
        for o in pc.OUTCOMES:
            s = shares[(shares["tree"] == tree) & (shares["outcome"] == o)].set_index("arm")
            e = effects[(effects["tree"] == tree) & (effects["outcome"] == o)].iloc[0]
            cells = [pc.fmt_p(s.loc[a, "p"], s.loc[a, "low"], s.loc[a, "high"]) for a in ARMS]
            lines.append(
                f"| {what.split(',')[0]} | {o} | {cells[0]} | {cells[1]} | "
                f"{e['diff']:+.2f} [{e['low']:+.2f}, {e['high']:+.2f}] |"
            )
    same = int((rows["trunk_final_class"] == rows["branch_final_class"]).sum())
    lines += [
        "",
        f"Every branch equals its trunk before its branch week (checked on every stored "
        f"series column); {same} of {len(rows)} pairs still end in the same final class.",
    ]
    caveats = f"""- The branch changes one input, `war_trajectory`, to 1.0 from the branch week on;
  everything else (Ukrainian strength, sanctions, NATO's posture) keeps its observed course.
- The history's own `war_trajectory` is the dated course of the war
  (`src/abm/belarus/history/inputs.csv`); the trunk is that replay, not the real 2023-2025.
- {n_citizens:,} agents per run; the history's scale check is `results/history/SCALE.md`.
{pc.prior_kept_text(set_here=["war_trajectory"])}"""
    size = f"""{len(rows)} trees (trunk + branch, {2 * len(rows)} runs); this session ran
{ran} of them in {wall / 60:.1f} min (2 workers; stored ones are not rerun)."""
    text = f"""# Scenario trees: Russia's war collapsing from October 2022 or July 2023

```bash
{pc.command(NAME, argv)}
```

Equivalent for one tree from the command line (one process):
`abm branch --scenario history --at 113 --set war_trajectory=1.0 --seeds {seeds}
--posterior results/posterior/fit --param n_citizens={n_citizens}`.

## Finding

{chr(10).join(lines)}

## Caveats

{caveats}

## Size and wall time

{size}
Full size: `--full`, 200 seeds per tree (800 runs), about 10 min on 2 cores.

## Files

- `branches.csv` (one row per tree and seed: particle, each arm's final class and weeks)
- `summary.csv`, `effects.csv`
""" + "\n".join(f"- `{Path(f).relative_to(out)}`" for f in figures)
    (out / "README.md").write_text(text.rstrip() + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
