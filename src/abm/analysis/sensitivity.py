"""Global sensitivity of each outcome to the varied parameters, through SALib.

Sobol indices (S1, ST with bootstrap confidence intervals) need a sweep made with the Sobol
(Saltelli) design, and Morris screening (mu*, sigma) one made with the Morris design; SALib
reads outputs strictly in the sampler's row order, which is the sweep's ``point_id``.

What is analysed at a design point is the mean over its replicates: for an outcome, the
share of replicates in which it happened, i.e. an estimate of P(outcome | parameters). The
replicate noise of that estimate (variance p(1-p)/R) is variance no parameter explains, so
with few replicates every ST rises a little and S1 falls; more replicates shrink it.

SALib silently returns zeros or NaN when one output is NaN or missing, so every design point
is checked first. Default: refuse, naming the points that lack runs or hold NaN. On request
(``impute=``) a documented rule fills them, and the result says which points it filled:

- ``"replicates"``: a point's value is the mean of the replicates that did finish with a
  number; a point with none still refuses.
- ``"mean"``: as ``"replicates"``, and a point with no usable replicate takes the mean of all
  other points' values. This pulls every index toward zero (the filled points carry no
  parameter signal); use it only when few points are missing.

Two analyses need no designed sample: ``given_data`` (SALib's delta and PAWN, for correlated
inputs such as a posterior's draws) and ``variance_split`` (how much of an output's variance
is parameters and how much seeds, from draws x replicate seeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from abm.analysis.load import Results, ResultsError

IMPUTE_RULES = ("refuse", "replicates", "mean")
SOBOL_KINDS = ("sobol", "saltelli")
MORRIS_KINDS = ("morris",)
#: The index columns each analysis reports per (output, parameter), as SALib names them.
SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu", "mu_star", "mu_star_conf", "sigma")


class SensitivityError(ResultsError):
    """The sweep cannot give defensible indices (missing runs, NaN, wrong design)."""


@dataclass
class PointOutputs:
    """Per-design-point outputs in design row order, with a record of what was filled."""

    values: pd.DataFrame  # index point_id 0..n-1, one column per output
    incomplete: dict[str, list[int]] = field(default_factory=dict)  # averaged over fewer reps
    filled: dict[str, list[int]] = field(default_factory=dict)  # given the mean of others
    noise: dict[str, float] = field(default_factory=dict)  # replicate-noise share of variance


def run_outputs(results: Results, outputs: Sequence[str]) -> pd.DataFrame:
    """Each output per run: an outcome's indicator (0/1), or a numeric summary column."""
    indicators = results.indicators()
    cols = {}
    for name in outputs:
        if name in indicators:
            cols[name] = indicators[name].astype(float)
        elif name in results.runs.columns:
            col = results.runs[name]
            if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
                col = _numeric(col, name)
            cols[name] = col.astype(float)
        else:
            known = ", ".join([*results.outcomes, *_numeric_columns(results)])
            raise SensitivityError(f"unknown output {name!r}; known: {known}")
    out = pd.DataFrame(cols, index=results.runs.index)
    out.insert(0, "point_id", results.runs["point_id"].to_numpy())
    return out


def point_outputs(results: Results, outputs: Sequence[str], impute: str = "refuse") -> PointOutputs:
    """Mean of each output over each point's replicates, checked for completeness."""
    if impute not in IMPUTE_RULES:
        raise SensitivityError(f"impute={impute!r}; allowed: {', '.join(IMPUTE_RULES)}")
    n_points = _n_points(results)
    per_run = run_outputs(results, outputs)
    expected = results.design.replicates
    result = PointOutputs(values=pd.DataFrame(index=pd.RangeIndex(n_points, name="point_id")))
    for name in outputs:
        good = per_run.loc[per_run[name].notna(), ["point_id", name]]
        stats = good.groupby("point_id")[name].agg(["mean", "size", "var"])
        stats = stats.reindex(range(n_points))
        count = stats["size"].fillna(0).astype(int)
        short = count.index[count < expected].tolist()
        empty = count.index[count == 0].tolist()
        nan_points = sorted(set(per_run.loc[per_run[name].isna(), "point_id"].tolist()))
        if short and impute == "refuse":
            rows = per_run.groupby("point_id").size().reindex(range(n_points), fill_value=0)
            missing = rows.index[rows < expected].tolist()
            raise SensitivityError(_refusal(name, missing, empty, nan_points, expected, n_points))
        if empty and impute == "replicates":
            raise SensitivityError(
                f"output {name!r}: {len(empty)} of {n_points} design points have no usable "
                f"run at all (point_id {_ids(empty)}); impute='replicates' cannot fill them. "
                "Rerun the missing runs (abm sweep SPEC --resume) or use impute='mean'."
            )
        values = stats["mean"].to_numpy(dtype=float, copy=True)
        if empty:  # impute == "mean"
            values[empty] = np.nanmean(values)
            result.filled[name] = empty
        result.incomplete[name] = [p for p in short if p not in empty]
        result.values[name] = values
        result.noise[name] = noise_share(stats["var"] / stats["size"], values)
    return result


def noise_share(var_of_means: pd.Series, means: np.ndarray) -> float:
    """Share of the variance of the per-point means that replicate noise alone would give.

    Each point's mean has sampling variance s²/R (s² its replicates' variance); their
    average over the design, divided by the variance of the means across points, is the
    share of the output's variance that no parameter can explain. Near 1, the indices
    measure noise: add replicates. NaN with a single replicate per point (s² unknown).
    """
    known = var_of_means.to_numpy(dtype=float)
    known = known[np.isfinite(known)]
    spread = float(np.nanvar(means, ddof=1)) if len(means) > 1 else 0.0
    if len(known) == 0 or spread == 0.0:
        return float("nan")
    noise = float(known.mean())
    return noise / spread


def problem(results: Results) -> dict:
    """SALib's problem dict: the one the sweep's sampler used (manifest ``problem``), else
    names and bounds from the spec's ranges, in the spec's order."""
    stored = results.manifest.get("problem")
    if isinstance(stored, dict) and stored.get("names"):
        return {
            "num_vars": int(stored["num_vars"]),
            "names": list(stored["names"]),
            "bounds": [list(map(float, b)) for b in stored["bounds"]],
        }
    names, bounds = [], []
    for p in results.design.params:
        if p.bounds is None:
            raise SensitivityError(
                f"parameter {p.name!r} has no range (low, high) in the spec; SALib needs one"
            )
        names.append(p.name)
        bounds.append(list(p.bounds))
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sobol(
    results: Results,
    outputs: Sequence[str] | None = None,
    *,
    impute: str = "refuse",
    num_resamples: int = 1000,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Sobol S1 and ST with confidence intervals, one row per (output, parameter).

    Outputs default to every outcome. An output that is constant over the design (an outcome
    that never or always happened) has no variance to apportion: its indices are NaN and
    ``note`` says so, rather than SALib's division by a zero standard deviation.
    """
    from SALib.analyze import sobol as sobol_analyze

    _require_kind(results, SOBOL_KINDS, "Sobol indices")
    prob = problem(results)
    second = bool(results.design.options.get("second_order", True))
    outputs = list(outputs) if outputs is not None else results.outcomes
    points = point_outputs(results, outputs, impute)
    n = len(points.values)
    d = prob["num_vars"]
    per_base = 2 * d + 2 if second else d + 2
    if n % per_base:
        raise SensitivityError(
            f"{n} design points do not fit a Sobol design over {d} parameters with "
            f"calc_second_order={second} (needs a multiple of {per_base})"
        )
    rows = []
    for name in outputs:
        y = points.values[name].to_numpy(dtype=float)
        note = _note(points, name)
        if np.ptp(y) == 0.0:
            for p in prob["names"]:
                rows.append(
                    (name, p, np.nan, np.nan, np.nan, np.nan, np.nan, f"constant ({y[0]:g})")
                )
            continue
        si = sobol_analyze.analyze(
            prob,
            y,
            calc_second_order=second,
            num_resamples=num_resamples,
            conf_level=conf_level,
            seed=seed,
        )
        rows += _index_rows(name, prob["names"], si, SOBOL_COLUMNS, points.noise[name], note)
    return pd.DataFrame(rows, columns=["output", "param", *SOBOL_COLUMNS, "noise_share", "note"])


def morris(
    results: Results,
    outputs: Sequence[str] | None = None,
    *,
    impute: str = "refuse",
    num_resamples: int = 1000,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris mu, mu* (with confidence interval) and sigma, one row per (output, parameter).

    SALib needs the sample X as well as Y: X is rebuilt from the runs' (and failures')
    parameter columns, row per point_id, so it is exactly what was run.
    """
    from SALib.analyze import morris as morris_analyze

    _require_kind(results, MORRIS_KINDS, "Morris screening")
    prob = problem(results)
    outputs = list(outputs) if outputs is not None else results.outcomes
    points = point_outputs(results, outputs, impute)
    x = design_matrix(results, len(points.values))
    d = prob["num_vars"]
    if len(x) % (d + 1):
        raise SensitivityError(
            f"{len(x)} design points do not form Morris trajectories over {d} parameters "
            f"(needs a multiple of {d + 1})"
        )
    levels = int(results.design.options.get("levels", 4))
    rows = []
    for name in outputs:
        y = points.values[name].to_numpy(dtype=float)
        si = morris_analyze.analyze(
            prob,
            x,
            y,
            num_resamples=num_resamples,
            conf_level=conf_level,
            num_levels=levels,
            seed=seed,
        )
        noise, note = points.noise[name], _note(points, name)
        rows += _index_rows(name, prob["names"], si, MORRIS_COLUMNS, noise, note)
    return pd.DataFrame(rows, columns=["output", "param", *MORRIS_COLUMNS, "noise_share", "note"])


def _index_rows(output: str, names, si, keys, noise: float, note: str) -> list[tuple]:
    """One table row per parameter: the output, the parameter, SALib's ``keys`` for it,
    the output's replicate-noise share and its note."""
    return [(output, p, *(si[k][j] for k in keys), noise, note) for j, p in enumerate(names)]


def design_matrix(results: Results, n_points: int) -> np.ndarray:
    """The design's sample X (n_points x parameters) in the sampler's own units.

    From ``design.parquet``'s ``x_<name>`` columns (the sampler's matrix as generated) when
    the folder has them; otherwise rebuilt from the parameter values that were run or failed.
    """
    names = results.design.names
    if results.points is not None and all(f"x_{n}" in results.points for n in names):
        pts = results.points.set_index("point_id").sort_index()
        if len(pts) != n_points:
            raise SensitivityError(
                f"design.parquet holds {len(pts)} points; the manifest says {n_points}"
            )
        return pts[[f"x_{n}" for n in names]].to_numpy(dtype=float)
    cols = results.param_columns
    frames = [results.runs[["point_id", *cols]]]
    if not results.failures.empty and set(cols) <= set(results.failures.columns):
        frames.append(results.failures[["point_id", *cols]])
    x = pd.concat(frames).drop_duplicates("point_id").set_index("point_id").sort_index()
    x = x.reindex(range(n_points))
    unknown = x.index[x.isna().any(axis=1)].tolist()
    if unknown:
        raise SensitivityError(
            f"the parameter values of {len(unknown)} design points are unknown (never run, no "
            f"failure record): point_id {_ids(unknown)}; rerun them (abm sweep SPEC --resume)"
        )
    return x.to_numpy(dtype=float)


def _n_points(results: Results) -> int:
    if results.design.n_points is not None:
        return results.design.n_points
    seen = [results.runs["point_id"]]
    if "point_id" in results.failures:
        seen.append(results.failures["point_id"])
    return int(max(int(s.max()) for s in seen)) + 1


def _refusal(name, missing, empty, nan_points, expected, n_points) -> str:
    """Say which points are incomplete and why: runs missing, or values NaN/null."""
    parts = [f"output {name!r}"]
    if missing:
        parts.append(
            f"{len(missing)} of {n_points} design points lack some of their {expected} "
            f"replicates (failed or not run; point_id {_ids(missing)})"
        )
    if nan_points:
        parts.append(
            f"runs at point_id {_ids(nan_points)} returned NaN or null (if null means "
            "'never happened', analyse that event's indicator instead)"
        )
    if empty:
        parts.append(f"{len(empty)} have no usable value at all (point_id {_ids(empty)})")
    parts.append(
        "SALib would silently return wrong indices; rerun the missing runs "
        "(abm sweep SPEC --resume) or choose an imputation rule: impute='replicates' "
        "(mean of the finished replicates) or impute='mean' (also fill empty points with the "
        "mean of the others; biases indices toward 0)"
    )
    return ": ".join(parts[:2]) + ("; " + "; ".join(parts[2:]) if len(parts) > 2 else "")


def _note(points: PointOutputs, name: str) -> str:
    notes = []
    if points.incomplete.get(name):
        notes.append(f"{len(points.incomplete[name])} points averaged over fewer replicates")
    if points.filled.get(name):
        notes.append(f"{len(points.filled[name])} points filled with the mean of the others")
    return "; ".join(notes)


def _ids(ids: Sequence[int], limit: int = 20) -> str:
    ids = sorted(int(i) for i in ids)
    shown = ", ".join(map(str, ids[:limit]))
    return shown + (f", ... ({len(ids) - limit} more)" if len(ids) > limit else "")


def _require_kind(results: Results, kinds: tuple[str, ...], what: str) -> None:
    if results.design.kind not in kinds:
        raise SensitivityError(
            f"{what} need a sweep made with the {kinds[0]!r} design (SALib reads outputs in "
            f"its sampler's row order); this sweep's design is {results.design.kind!r}"
        )


def _numeric(col: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(col):
        return col.astype(float)
    raise SensitivityError(f"output {name!r} is not numeric (dtype {col.dtype})")


def _numeric_columns(results: Results) -> list[str]:
    skip = {"point_id", "replicate", "seed", "elapsed_s", *results.param_columns}
    return [
        c
        for c in results.runs.columns
        if c not in skip
        and not c.startswith("week_")
        and pd.api.types.is_numeric_dtype(results.runs[c])
    ]


# -- given data: indices from any sample of (possibly correlated) inputs ---------------------

GIVEN_DATA_METHODS = ("delta", "pawn")
#: Columns each given-data method reports per (output, parameter).
GIVEN_DATA_COLUMNS = {
    "delta": ("delta", "delta_conf", "S1", "S1_conf"),
    "pawn": ("minimum", "mean", "median", "maximum", "CV"),
}
#: The name of the dummy input appended to X: an independent uniform that no output reads,
#: whose index is the estimator's noise floor at this sample size.
DUMMY = "(dummy)"


def given_data(
    x: pd.DataFrame,
    y: pd.DataFrame,
    method: str = "delta",
    *,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    slices: int = 10,
    seed: int = 1,
    dummy: bool = True,
) -> pd.DataFrame:
    """Given-data sensitivity indices of each column of ``y`` to each column of ``x`` (one
    row per sample: runs, or design points), through SALib; one row per (output, parameter).

    Unlike Sobol and Morris these need no designed sample: any draw of the inputs will do,
    including a posterior's, whose inputs are correlated. An index then measures how much
    knowing that input alone tells about the output *as the inputs co-vary in the sample*:
    part of it may be borrowed from inputs correlated with it, so the indices do not add up
    and a large one is not proof of a causal channel.

    - ``"delta"``: SALib ``delta.analyze`` (Borgonovo's moment-independent delta, Plischke
      et al. 2013's given-data estimator with bias reduction, ``raw`` mode: the sample as
      drawn, bootstrap interval ``delta_conf``), and its given-data first-order Sobol
      index ``S1`` (the correlation ratio Var(E[y | x_i]) / Var(y), ``S1_conf``). Delta
      compares densities of y in slices of x_i, and SALib skips a slice in which y is
      constant: for a 0/1 output that drops the slices that carry the signal (all-zero
      slices), so delta is reported only for an output with more than two distinct values
      (NaN, with a note, otherwise); ``S1`` is kept for every output.
    - ``"pawn"``: SALib ``pawn.analyze``: the Kolmogorov-Smirnov distance between y's
      distribution and its distribution in each of ``slices`` quantile slices of x_i;
      minimum, mean, median (the usual index), maximum and CV across slices. For a 0/1
      output the distance in a slice is |P(y | slice) - P(y)|.

    With ``dummy`` an independent uniform input ``(dummy)`` (seeded) is added: its index is
    what sampling noise alone gives at this sample size, the floor a real input must clear.
    A constant output gets NaN indices and a note; a constant input is refused.
    """
    from SALib.analyze import delta as delta_analyze
    from SALib.analyze import pawn as pawn_analyze

    if method not in GIVEN_DATA_METHODS:
        raise SensitivityError(f"method={method!r}; allowed: {', '.join(GIVEN_DATA_METHODS)}")
    if len(x) != len(y):
        raise SensitivityError(f"x has {len(x)} rows and y {len(y)}; one row per sample each")
    if len(x) < 2 * slices:
        raise SensitivityError(
            f"{len(x)} samples for {slices} slices; given-data indices need at least "
            f"{2 * slices} (two per slice), and a few hundred to be useful"
        )
    xm = x.to_numpy(dtype=float)
    if not np.isfinite(xm).all():
        bad = [c for c in x.columns if not np.isfinite(x[c].to_numpy(dtype=float)).all()]
        raise SensitivityError(f"input(s) {', '.join(bad)} hold NaN or infinite values")
    constant = [c for c in x.columns if np.ptp(x[c].to_numpy(dtype=float)) == 0.0]
    if constant:
        raise SensitivityError(
            f"input(s) {', '.join(constant)} are constant over the sample; drop them (a "
            "constant input has no index)"
        )
    names = [str(c) for c in x.columns]
    if dummy:
        rng = np.random.default_rng(seed)
        xm = np.column_stack([xm, rng.random(len(xm))])
        names.append(DUMMY)
    prob = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    cols = GIVEN_DATA_COLUMNS[method]
    rows = []
    for out in y.columns:
        v = y[out].to_numpy(dtype=float)
        if not np.isfinite(v).all():
            raise SensitivityError(
                f"output {out!r} holds NaN at {int((~np.isfinite(v)).sum())} of {len(v)} "
                "samples; given-data indices need a value at every sample"
            )
        if np.ptp(v) == 0.0:
            rows += [(out, p, *([np.nan] * len(cols)), f"constant ({v[0]:g})") for p in names]
            continue
        if method == "pawn":
            si = pawn_analyze.analyze(prob, xm, v, S=slices, seed=seed)
            rows += [(out, p, *(float(si[k][j]) for k in cols), "") for j, p in enumerate(names)]
            continue
        binary = len(np.unique(v)) <= 2
        with _quiet():
            si = delta_analyze.analyze(
                prob,
                xm,
                v,
                num_resamples=num_resamples,
                conf_level=conf_level,
                seed=seed,
                method="sobol" if binary else "all",
            )
        note = "delta not estimated: a two-valued output (see given_data)" if binary else ""
        for j, p in enumerate(names):
            d, dc = (np.nan, np.nan) if binary else (si["delta_raw"][j], si["delta_raw_conf"][j])
            extra = "" if binary else str(si["notes"][j]) if j < len(si["notes"]) else ""
            rows.append(
                (
                    out,
                    p,
                    float(d),
                    float(dc),
                    float(si["S1"][j]),
                    float(si["S1_conf"][j]),
                    "; ".join(s for s in (note, extra) if s),
                )  # fmt: skip
            )
    return pd.DataFrame(rows, columns=["output", "param", *cols, "note"])


def _quiet():
    """SALib's delta warns per input (binning notices) and resets the warning filters
    itself; what it says also goes to its ``notes``, which the table keeps, so its
    warnings are recorded and dropped rather than printed."""
    import warnings

    return warnings.catch_warnings(record=True)


# -- the variance of an outcome: parameters against seeds ----------------------------------


def variance_split(
    y: pd.DataFrame,
    group: Sequence | np.ndarray | pd.Series,
    *,
    boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """How much of each output's variance comes from the parameters and how much from the
    seeds, from D parameter draws (``group``: the draw of each row of ``y``) with R >= 2
    seeds each. One row per output.

    By the law of total variance Var(y) = Var_theta(E[y | theta]) + E_theta(Var[y | theta]):
    the first term is the parameters' part, the second the seeds'. Estimates: ``within`` is
    the mean over draws of the replicates' variance s2_d (ddof 1), unbiased for the seeds'
    part; the variance across draws of the draw means m_d also holds each mean's own seed
    noise s2_d / R_d, so ``between`` = var_d(m_d) - mean_d(s2_d / R_d), unbiased for the
    parameters' part (it can come out below 0 when the parameters explain nothing; then it
    is reported as is and the share is clipped to [0, 1]). ``param_share`` = between /
    (between + within), with a percentile bootstrap interval over draws (the draws are
    the independent units; a draw keeps its replicates). ``uncorrected_share`` is the share
    without the correction, which overstates the parameters' part by about 1/(R+1) of the
    seeds' part.
    """
    group = np.asarray(group)
    if len(group) != len(y):
        raise SensitivityError(f"group has {len(group)} rows and y {len(y)}; one per run each")
    codes, uniques = pd.factorize(group, sort=True)
    counts = np.bincount(codes)
    if len(uniques) < 2:
        raise SensitivityError(f"{len(uniques)} draw(s); a split needs at least 2 draws")
    if counts.min() < 2:
        few = [uniques[i] for i in np.flatnonzero(counts < 2)][:10]
        raise SensitivityError(
            f"{int((counts < 2).sum())} draw(s) have fewer than 2 replicates (e.g. {few}); the "
            "seeds' part needs at least 2 runs per draw"
        )
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(uniques), size=(boot, len(uniques)))
    alpha = (1.0 - confidence) / 2.0
    rows = []
    for out in y.columns:
        v = y[out].to_numpy(dtype=float)
        if not np.isfinite(v).all():
            raise SensitivityError(
                f"output {out!r} holds NaN at {int((~np.isfinite(v)).sum())} of {len(v)} runs"
            )
        sums = np.bincount(codes, v)
        means = sums / counts
        s2 = np.bincount(codes, (v - means[codes]) ** 2) / (counts - 1)
        between, within, raw = _split(means, s2, counts)
        bb = [_split(means[p], s2[p], counts[p]) for p in picks]
        shares = np.array([_share(b, w) for b, w, _ in bb])
        rows.append(
            {
                "output": out,
                "draws": len(uniques),
                "runs": len(v),
                "mean": float(v.mean()),
                "variance": between + within,
                "between": between,
                "within": within,
                "param_share": _share(between, within),
                "low": float(np.nanquantile(shares, alpha)),
                "high": float(np.nanquantile(shares, 1.0 - alpha)),
                "seed_share": 1.0 - _share(between, within),
                "uncorrected_share": _share(raw, within),
            }
        )
    return pd.DataFrame(rows)


def _split(means: np.ndarray, s2: np.ndarray, counts: np.ndarray) -> tuple[float, float, float]:
    """(between corrected, within, between uncorrected) from draw means, variances, sizes."""
    raw = float(np.var(means, ddof=1))
    within = float(np.mean(s2))
    return raw - float(np.mean(s2 / counts)), within, raw


def _share(between: float, within: float) -> float:
    total = between + within
    if total <= 0.0:
        return float("nan")
    return float(min(max(between / total, 0.0), 1.0))
