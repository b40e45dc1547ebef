"""Reading a sweep folder back: one table as a DataFrame sorted by run_id (and step).

Plain ``pandas.read_parquet(DIR/'runs')`` or DuckDB's ``read_parquet('DIR/runs/*.parquet')``
work as well; this adds the deterministic order and checks the store's promise that no run
appears twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

TABLES = ("runs", "series", "failures")


def read_table(out: str | Path, table: str = "runs") -> pd.DataFrame:
    """``table`` (runs, series or failures) of the sweep in ``out``, sorted, index reset."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    folder = Path(out) / table
    if not any(folder.glob("*.parquet")):
        return pd.DataFrame()
    df = pd.read_parquet(folder)
    keys = ["run_id", "step"] if table == "series" else ["run_id"]
    dup = df.duplicated(keys)
    if dup.any():
        raise RuntimeError(f"{folder}: duplicated rows for {df.loc[dup, keys].head().to_dict()}")
    return df.sort_values(keys, kind="stable").reset_index(drop=True)
