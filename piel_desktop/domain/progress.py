"""Progress and cancellation of long jobs, shared by the command line and the window.

A job calls :meth:`Progress.step` now and then; the window's worker forwards the
reports to a progress dialog and calls :meth:`Progress.cancel` from the GUI thread when
the user presses Cancel. The next ``step`` then raises :class:`Cancelled`, and the job
undoes what it started (a transaction rolls back, a half-written file is removed).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from piel_desktop.domain.errors import Cancelled

Callback = Callable[[int, int, str], None]


class Progress:
    def __init__(self, callback: Callback | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def step(self, done: int, total: int, message: str = "") -> None:
        """Report ``done`` of ``total`` units; raise Cancelled if cancel was asked."""
        if self._cancel.is_set():
            raise Cancelled()
        if self._callback is not None:
            self._callback(done, total, message)


#: For callers that want no reports and no cancel.
SILENT = Progress()


@contextmanager
def paused_collector() -> Iterator[None]:
    """Python's cyclic garbage collector paused for a job that makes many objects in
    no cycle (records of an import, paragraphs of a report): its passes over them cost
    a tenth of an import, a third of a report read in some runs. Memory stays flat:
    reference counting frees them. Nests (the window's runner pauses it for its jobs
    too, ui/runner.py); the collector comes back only if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
