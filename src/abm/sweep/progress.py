"""What the user sees: a progress bar with rate and ETA, and the closing summary."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

STATUS_TEXT = {"failed_runs": "finished with failed runs", "error": "stopped on an error"}


def progress_bar(total: int, name: str, enabled: bool) -> tqdm:
    return tqdm(
        total=total,
        desc=name,
        unit="run",
        disable=not enabled,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )


@dataclass(frozen=True)
class SweepSummary:
    """Counts of one session. ``done``/``failed`` were run now; ``skipped`` had a result
    from an earlier session; ``pending`` are still missing (an interrupted sweep);
    ``failed_total`` counts the folder's failed runs (this session's and earlier ones);
    ``lost`` runs were running when a signal stopped them (not done, rerun on resume)."""

    out: Path
    planned: int
    done: int
    failed: int
    skipped: int
    pending: int
    wall_s: float
    status: str
    failed_total: int = 0
    lost: int = 0
    signal: str | None = None

    @property
    def runs_per_s(self) -> float:
        return (self.done + self.failed) / self.wall_s if self.wall_s > 0 else 0.0

    def text(self) -> str:
        lines = [
            f"sweep {STATUS_TEXT.get(self.status, self.status)}: {self.done} done, "
            f"{self.failed} failed, "
            f"{self.skipped} skipped (already in {self.out}), {self.pending} left of "
            f"{self.planned}; wall {self.wall_s:.1f} s, {self.runs_per_s:.2f} runs/s",
            f"results: {self.out}/runs, {self.out}/series, {self.out}/failures",
        ]
        if self.signal:
            lines.append(
                f"stopped by {self.signal}: every run counted as done is saved"
                + (
                    f"; {self.lost} runs that were running are not (rerun on resume)"
                    if self.lost
                    else ""
                )
            )
        if self.failed_total:
            lines.append(
                f"{self.failed_total} runs failed (errors and tracebacks: {self.out}/failures); "
                f"to retry them: abm sweep --resume --retry-failed --out {self.out}"
            )
        if self.pending:
            lines.append(f"to finish it: abm sweep --resume --out {self.out}")
        return "\n".join(lines)
