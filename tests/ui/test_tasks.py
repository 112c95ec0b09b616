"""run_in_thread: the work runs off the GUI thread; its result or its exception comes back on it."""
from __future__ import annotations

import threading

from ludeme.ui.tasks import run_in_thread


def test_result_and_error_come_back_on_the_gui_thread(qtbot):
    gui = threading.get_ident()
    seen = {}

    def work(x):
        seen["worker"] = threading.get_ident()
        return x * 2

    def fail():
        raise ValueError("the file is busy")

    run_in_thread(work, 21, on_done=lambda r: seen.update(result=r, done_on=threading.get_ident()))
    run_in_thread(fail, on_error=lambda e: seen.update(error=str(e), error_on=threading.get_ident()))
    qtbot.waitUntil(lambda: "result" in seen and "error" in seen, timeout=3000)
    assert seen["result"] == 42 and seen["worker"] != gui
    assert seen["done_on"] == gui and seen["error_on"] == gui and seen["error"] == "the file is busy"


def test_a_call_that_ends_at_once_still_reports_after_run_in_thread_returned(qtbot):
    order = []
    task = run_in_thread(lambda: 7, on_done=lambda r: order.append(("done", r)))
    order.append(("returned", task is not None))
    qtbot.waitUntil(lambda: len(order) == 2, timeout=3000)
    assert order == [("returned", True), ("done", 7)]
