"""Clean stop on SIGINT/SIGTERM: the first signal stops new work and lets running batches
finish and be written; a second one abandons them (what they did is lost, nothing else).

Local workers ignore SIGINT (a Ctrl-C reaches the whole foreground process group), so
their batches finish. A SIGTERM to the whole group ends the workers too (the pool needs
SIGTERM to stop its own broken workers): their runs are then reported in the closing
summary as not done, never as saved."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable


class StopFlag:
    """Set by signal handlers, read by the driver loop between waits."""

    def __init__(self, notify: Callable[[str], None] | None = None):
        self.requested = False
        self.abandon = False
        self.signal_name: str | None = None
        self._notify = notify or (lambda msg: print(msg, file=sys.stderr))
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, _frame) -> None:
        name = signal.Signals(signum).name
        if self.requested:
            self.abandon = True
            self._notify(f"{name} again: abandoning running batches")
            return
        self.requested = True
        self.signal_name = name
        self._notify(
            f"{name}: stopping - no new runs; running batches are saved if their workers "
            "finish them (send again to abandon them)"
        )

    def install(self) -> StopFlag:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()
