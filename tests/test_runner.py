"""The worker thread of ui/runner.py: jobs run off the GUI thread, results come back
on it, and Python's garbage collector never runs on the worker (it would free Qt
objects of closed dialogs off the GUI thread, which crashes)."""

from __future__ import annotations

import gc
import threading

from piel_desktop.ui.runner import Runner


def test_the_collector_is_paused_while_jobs_run_and_back_after(qtbot):
    runner = Runner()
    release, seen, results = threading.Event(), {}, []

    def job(progress):
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        seen["collector"] = gc.isenabled()
        release.wait(10)
        return 42

    assert gc.isenabled()
    runner.start(job, on_success=results.append, on_failure=results.append)
    runner.start(lambda progress: 43, on_success=results.append, on_failure=results.append)
    qtbot.waitUntil(lambda: "collector" in seen)
    assert seen == {"thread": True, "collector": False} and not gc.isenabled()
    release.set()
    qtbot.waitUntil(lambda: len(results) == 2)
    assert results == [42, 43] and gc.isenabled() and not runner.busy()


def test_a_failing_job_puts_the_collector_back_too(qtbot):
    runner = Runner()
    errors = []

    def job(progress):
        raise ValueError("broken")

    runner.start(job, on_success=errors.append, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError) and gc.isenabled()
