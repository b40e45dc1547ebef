"""A self-contained Markdown report of one sweep: spec, counts, figures and tables.

``write_report`` writes ``report.md`` and a ``figures/`` folder beside it (PNG for the
report, SVG for papers), so the folder can be copied, committed or opened anywhere. The
report states every rule it used (intervals, binning, replicate averaging, PRIM box choice,
how missing runs were handled), so a reader can question the numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from abm.analysis import discovery, figures, probabilities, sensitivity, swept_model
from abm.analysis.load import WEEK_PREFIX, Results, load


def write_report(
    results: str | Path | Results,
    out: str | Path | None = None,
    *,
    impute: str = "refuse",
    confidence: float = 0.95,
) -> Path:
    """Write ``report.md`` (and ``figures/``) into ``out`` (default: the results folder)."""
    res = results if isinstance(results, Results) else load(results)
    out = Path(out) if out is not None else res.path
    fig_dir = out / "figures"
    lines: list[str] = []
    lines += _header(res)
    lines += _counts(res)
    lines += _outcomes(res, confidence)
    lines += _figures_section(figures.make_figures(res, fig_dir, confidence), out)
    lines += _sensitivity(res, fig_dir, out, impute)
    lines += _discovery(res, fig_dir, out)
    lines += _methods(res, confidence)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "report.md"
    tmp = out / f".report.md.tmp-{os.getpid()}"
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    return path


def _header(res: Results) -> list[str]:
    m = res.manifest
    spec = m.get("spec", {})
    name = spec.get("name", res.path.name)
    lines = [f"# Sweep report: {name}", ""]
    if spec.get("description"):
        lines += [str(spec["description"]), ""]
    sessions = m.get("sessions") or [{}]
    commit = m.get("git_commit") or ""
    if commit and m.get("git_dirty"):
        commit += " (uncommitted changes)"
    facts = [
        ("results folder", f"`{res.path}`"),
        ("model", res.model or "?"),
        ("scenario", spec.get("scenario") or "model defaults"),
        ("design", _design_text(res)),
        ("replicates per point", res.design.replicates),
        ("horizon", f"{res.horizon} {swept_model.step_label(res)}s" if res.horizon else "?"),
        ("root seed", spec.get("seed", "")),
        ("common random numbers", spec.get("common_random_numbers", "")),
        ("abm version", m.get("abm_version", "")),
        ("git commit", commit),
        ("started", m.get("started") or sessions[0].get("started", "")),
        ("ended", m.get("ended") or sessions[-1].get("ended", "")),
        ("status", m.get("status", "")),
    ]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in facts if v not in ("", None)]
    lines += ["", "## Varied parameters", "", "| parameter | range or values | unit |"]
    lines += ["|---|---|---|"]
    for p in res.design.params:
        if p.bounds:
            what = f"[{p.low:g}, {p.high:g}]"
            num = spec.get("vary", {}).get(p.name, {}).get("num")
            what += f", {num} levels" if num else ""
        else:
            what = ", ".join(map(str, p.values or ()))
        lines.append(f"| `{p.name}` | {what} | {p.unit} |")
    fixed = spec.get("fixed") or {}
    if fixed:
        lines += ["", "Fixed overrides: " + ", ".join(f"`{k}={v}`" for k, v in fixed.items())]
    return [*lines, ""]


def _design_text(res: Results) -> str:
    d = res.design
    opts = ", ".join(f"{k}={v}" for k, v in d.options.items())
    return f"{d.kind}" + (f" ({opts})" if opts else "")


def _counts(res: Results) -> list[str]:
    counts = res.manifest.get("counts", {})
    planned = counts.get("planned")
    done, failed = len(res.runs), len(res.failures)
    lines = ["## Runs", ""]
    row = f"finished: **{done}**, failed: **{failed}**"
    if planned is not None:
        row = f"planned: **{planned}**, " + row
        missing = int(planned) - done - failed
        row += f", not run: **{missing}**"
    lines += [row, ""]
    if failed:
        errs = res.failures["error"].astype(str).str.split("\n").str[0].value_counts()
        lines += ["| failure (first line) | runs |", "|---|---|"]
        lines += [f"| `{e[:120]}` | {n} |" for e, n in errs.head(10).items()]
        lines.append("")
    if "elapsed_s" in res.runs:
        t = res.runs["elapsed_s"]
        lines += [f"Run time: median {t.median():.3g} s, max {t.max():.3g} s.", ""]
    return lines


def _outcomes(res: Results, confidence: float) -> list[str]:
    lines = ["## Outcomes", ""]
    if not res.outcomes:
        return [*lines, "The runs table holds no `week_<outcome>` columns.", ""]
    n = len(res.runs)
    ind = res.indicators()
    k = ind.sum().to_numpy()
    low, high = probabilities.wilson_interval(k, np.full_like(k, n), confidence)
    meaning = {o["name"]: o["description"] for o in swept_model.outcomes(res)}
    lines += [
        f"| outcome | runs | share | {confidence:.0%} Wilson interval | week: median (IQR) "
        "| meaning |",
        "|---|---|---|---|---|---|",
    ]
    for i, o in enumerate(res.outcomes):
        w = res.runs[WEEK_PREFIX + o].dropna().astype(float)
        weeks = (
            f"{w.median():.0f} ({w.quantile(0.25):.0f}-{w.quantile(0.75):.0f})" if len(w) else "-"
        )
        lines.append(
            f"| {o} | {k[i]} | {k[i] / n:.3f} | [{low[i]:.3f}, {high[i]:.3f}] | {weeks} "
            f"| {meaning.get(o, '')} |"
        )
    if "final_class" in res.runs:
        counts = res.runs["final_class"].value_counts()
        lines += ["", "Final classification: " + ", ".join(f"{c} {v}" for c, v in counts.items())]
    return [*lines, ""]


def _figures_section(figs: list[figures.Figure], out: Path) -> list[str]:
    lines = ["## Figures", ""]
    if not figs:
        lines += ["No outcome figures: the runs hold no `week_<outcome>` columns.", ""]
    for f in figs:
        lines += _figure_md(f, out)
    return lines


def _figure_md(f: figures.Figure, out: Path, heading: bool = True) -> list[str]:
    rel = os.path.relpath(f.stem, out)
    return [
        *([f"### {f.title}", ""] if heading else []),
        f"![{f.title}]({rel}.png)",
        "",
        f"{f.caption} ([SVG]({rel}.svg))",
        "",
    ]


def _sensitivity(res: Results, fig_dir: Path, out: Path, impute: str) -> list[str]:
    lines = ["## Global sensitivity", ""]
    kind = res.design.kind
    if kind not in sensitivity.SOBOL_KINDS + sensitivity.MORRIS_KINDS:
        return [
            *lines,
            f"No indices: this sweep's design is `{kind}`; Sobol indices need the `sobol` "
            "design and Morris screening the `morris` design (SALib reads outputs in its "
            "sampler's row order).",
            "",
        ]
    sobol = kind in sensitivity.SOBOL_KINDS
    analyse = sensitivity.sobol if sobol else sensitivity.morris
    try:  # missing runs concern every output: one refusal for all
        tables = [analyse(res, res.outcomes, impute=impute)] if res.outcomes else []
    except sensitivity.SensitivityError as exc:
        return [*lines, f"**Not computed:** {exc}", ""]
    skipped = []
    for name in _numeric_outputs(res):  # a numeric summary may hold NaN in a few runs
        try:
            tables.append(analyse(res, [name], impute=impute))
        except sensitivity.SensitivityError as exc:
            skipped.append(f"- `{name}`: not computed: {exc}")
    if not tables:
        return [*lines, "No outputs to analyse.", *skipped, ""]
    table = pd.concat(tables, ignore_index=True)
    lines += [
        f"Outputs: each outcome's probability (mean of its indicator over the "
        f"{res.design.replicates} replicates of each design point) and each numeric summary "
        f"(mean over replicates). Missing runs: `impute={impute!r}`. `noise_share`: the "
        "share of the output's variance across points that replicate noise alone explains "
        "(near 1: the indices measure noise; add replicates).",
        "",
    ]
    lines += _markdown_table(table[_sensitivity_columns(sobol)])
    if skipped:
        lines += ["", *skipped]
    shown = table[table["output"].isin(res.outcomes)] if res.outcomes else table
    fig = _sensitivity_figure(shown, sobol, fig_dir)
    lines += ["", *_figure_md(fig, out, heading=False)]
    return lines


def _sensitivity_columns(sobol: bool) -> list[str]:
    middle = ["S1", "S1_conf", "ST", "ST_conf"] if sobol else ["mu", "mu_star", "mu_star_conf"]
    middle += [] if sobol else ["sigma"]
    return ["output", "param", *middle, "noise_share", "note"]


def _sensitivity_figure(table: pd.DataFrame, sobol: bool, fig_dir: Path) -> figures.Figure:
    from abm.plots import sensitivity as plots

    if sobol:
        return figures.draw(
            fig_dir,
            "sobol",
            "Sobol indices",
            "First-order (S1) and total (ST) Sobol indices, with 95 % bootstrap intervals (the "
            "outcomes' probabilities when there are outcomes; every output is in the table).",
            lambda stem: plots.sobol_bars(table, stem),
        )
    return figures.draw(
        fig_dir,
        "morris",
        "Morris screening",
        "Mean absolute elementary effect mu* against their spread sigma (the outcomes' "
        "probabilities when there are outcomes; every output is in the table).",
        lambda stem: plots.morris_scatter(table, stem),
    )


def _numeric_outputs(res: Results) -> list[str]:
    return [c for c in sensitivity._numeric_columns(res) if res.runs[c].nunique(dropna=True) > 1]


def _discovery(res: Results, fig_dir: Path, out: Path) -> list[str]:
    from abm.plots import discovery as plots

    lines = ["## Scenario discovery (PRIM)", ""]
    if not res.outcomes:
        return [*lines, "No outcomes to discover.", ""]
    boxes, skipped = discovery.prim_boxes(res)
    labels = {p: figures.param_label(res, p) for p in res.design.names}
    for outcome, r in boxes.items():
        s = r.stats
        lines += [
            f"### {outcome}",
            "",
            f"Box {r.chosen} of {len(r.trajectory)} on the peeling trajectory: coverage "
            f"**{s['coverage']:.3f}**, density **{s['density']:.3f}**, mass **{s['mass']:.3f}** "
            f"({s['k']} of {s['n']} runs inside have the outcome; {s['res_dim']} restricted "
            "parameters).",
            "",
        ]
        if r.box.empty:
            lines += ["No significant restriction: the outcome is spread over the whole space.", ""]
        else:
            lines += _markdown_table(
                r.box.drop(columns=["values"]) if (r.box["values"] == "").all() else r.box
            )
            lines.append("")
        fig = figures.draw(
            fig_dir,
            f"prim_{outcome}",
            f"PRIM: {outcome}",
            "Peeling trajectory (left; x: a restriction not significant at 0.05) and the chosen "
            "box's limits as a share of each parameter's sampled range (right).",
            lambda stem, r=r: plots.prim_figure(r, stem, labels),
        )
        lines += _figure_md(fig, out, heading=False)
    for outcome, why in skipped.items():
        lines += [f"- {outcome}: no box, {why}."]
    if skipped:
        lines.append("")
    scores = discovery.feature_scores(res)
    if not scores.empty:
        lines += ["### Feature scores", ""]
        lines += _markdown_table(scores.reset_index(names="param"))
        fig = figures.draw(
            fig_dir,
            "feature_scores",
            "Feature scores",
            "Extra-trees feature scores: how much each parameter helps predict each outcome.",
            lambda stem: plots.feature_score_heatmap(scores, stem),
        )
        lines += ["", *_figure_md(fig, out, heading=False)]
    return lines


def _methods(res: Results, confidence: float) -> list[str]:
    return [
        "## How these numbers were made",
        "",
        f"- An outcome happened in a run iff its `week_<outcome>` is not null. Probabilities "
        f"are shares of runs with {confidence:.0%} Wilson score intervals.",
        "- Parameters with more than 12 distinct values are cut into 8 equal-width bins over "
        "their design range; the other varied parameters are averaged over as sampled.",
        "- Time to event: Kaplan-Meier, runs without the event censored at the horizon; "
        "log-log (exponential Greenwood) pointwise bands.",
        "- Sensitivity: SALib on the per-point mean over replicates, in the design's row "
        "order (`point_id`); missing runs or NaN outputs refuse unless an imputation rule is "
        "named, and the table notes every imputed point.",
        "- PRIM (EMA Workbench, lenient objective, peel alpha 0.05, minimum mass 0.05): the box "
        "with the highest harmonic mean of coverage and density, then its restrictions that "
        "are not significant (quasi-p > 0.05) dropped one at a time, worst first.",
        "- Details: `docs/analysis.md`.",
        "",
    ]


def _markdown_table(df: pd.DataFrame) -> list[str]:
    def fmt(v) -> str:
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else f"{v:.3g}"
        return str(v)

    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + "---|" * len(df.columns)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(fmt(v) for v in row) + " |")
    return lines
