"""Runs long jobs on one worker thread, with a progress dialog and Cancel.

A job is a plain function ``job(progress) -> result``; it reports through
:class:`~piel_desktop.domain.progress.Progress` and raises Cancelled when asked to stop.
Results and errors come back to the GUI thread by queued signals as plain data.

Python's cyclic garbage collector runs in whichever thread allocates when its threshold
is reached; collecting the wrapper of a closed dialog from the worker thread destroys a
Qt object off the GUI thread, which crashes. So, as Anki does, the GUI thread collects
before a job starts and the collector is paused until the last job has finished.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from piel_desktop.domain.errors import Cancelled, PielError
from piel_desktop.domain.progress import Progress
from piel_desktop.i18n import _

log = logging.getLogger(__name__)


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, job: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.signals = _Signals()
        self.progress = Progress(self.signals.progressed.emit)
        self._job = job

    def run(self) -> None:
        try:
            result = self._job(self.progress)
        except PielError as error:
            self.signals.failed.emit(error)
        except Exception as error:  # reported to the user as "unexpected", logged in full
            log.exception("job failed")
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


class Runner(QObject):
    """One worker thread for long jobs (briefs); jobs run in the order they are started.

    Short reads (meetings, outcomes) stay on the GUI thread: they take milliseconds.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs: set[_Job] = set()
        self._collector_was_on = True

    def start(self, job: Callable[[Progress], Any], *, on_success: Callable[[Any], None],
              on_failure: Callable[[BaseException], None],
              on_progress: Callable[[int, int, str], None] | None = None) -> Progress:
        """Queue ``job``; callbacks run on the GUI thread. Returns its Progress (to cancel)."""
        task = _Job(job)
        task.setAutoDelete(False)
        if not self._jobs:
            self._collector_was_on = gc.isenabled()
            gc.collect()  # here, on the GUI thread: Qt objects in cycles are freed where they live
            gc.disable()
        self._jobs.add(task)

        def finish(callback, value):
            self._jobs.discard(task)
            if not self._jobs and self._collector_was_on:
                gc.enable()
            callback(value)

        task.signals.succeeded.connect(lambda value: finish(on_success, value), Qt.QueuedConnection)
        task.signals.failed.connect(lambda error: finish(on_failure, error), Qt.QueuedConnection)
        if on_progress is not None:
            task.signals.progressed.connect(on_progress, Qt.QueuedConnection)
        self._pool.start(task)
        return task.progress

    def busy(self) -> bool:
        return bool(self._jobs)

    def cancel_all(self) -> None:
        """Ask every queued or running job to stop at its next progress step."""
        for job in list(self._jobs):
            job.progress.cancel()

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def run_with_dialog(self, parent: QWidget, label: str, job: Callable[[Progress], Any], *,
                        on_success: Callable[[Any], None],
                        on_failure: Callable[[BaseException], None]) -> QProgressDialog:
        """Run ``job`` behind a modal progress dialog that appears after half a second.

        Cancel asks the job to stop; a job that stops that way calls neither callback.
        """
        dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)

        def progressed(done: int, total: int, _message: str) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)

        def done(callback, value):
            dialog.close()
            dialog.deleteLater()
            if not isinstance(value, Cancelled):
                callback(value)

        progress = self.start(job, on_success=lambda v: done(on_success, v),
                              on_failure=lambda e: done(on_failure, e), on_progress=progressed)
        dialog.canceled.connect(progress.cancel)
        return dialog
