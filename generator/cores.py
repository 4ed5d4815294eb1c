"""Work on a second core: whether there is one, and a forked child that does one piece of work (the
render, the exports and the conversion of a large build use them)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from multiprocessing.connection import Connection


def second_core() -> bool:
    """True where ``fork`` exists and this process may run on two CPUs or more.

    ``os.sched_getaffinity`` (the CPUs this process may use, which in a container can be fewer than
    the machine has) exists on Linux only; elsewhere the machine's count is the best there is.
    """
    if "fork" not in mp.get_all_start_methods():
        return False
    getaffinity = getattr(os, "sched_getaffinity", None)
    cpus = len(getaffinity(0)) if getaffinity is not None else os.cpu_count() or 1
    return cpus >= 2


_work: Callable[[], object] | None = None  # set only while a child is forked


class Forked:
    """``work()`` run in a forked child; what it returns comes back through a pipe."""

    def __init__(self, work: Callable[[], object]) -> None:
        global _work
        context = mp.get_context("fork")
        self._pipe, sending = context.Pipe(duplex=False)
        self._child = context.Process(target=_run, args=(sending,), daemon=True)
        # The child gets its work by being forked, not as an argument: the Process object would keep
        # it (a whole knowledge base, say) alive here, for the cycle collector to walk.
        _work = work
        try:
            self._child.start()
        finally:
            _work = None
        sending.close()

    def result(self) -> object:
        """What work() returned, waiting for it; None if work() raised, the child died first or its
        answer is unreadable."""
        try:
            outcome = self._pipe.recv()
        except Exception:  # noqa: BLE001 - EOFError when the child died; the caller decides what None means
            outcome = None
        self._child.join()
        return outcome

    def terminate(self) -> None:
        """End the child if it still runs; a reader waiting in result() then gets None."""
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()

    def close(self) -> None:
        self._pipe.close()


def _run(sending: Connection) -> None:
    assert _work is not None
    try:
        outcome = _work()
    except Exception:  # noqa: BLE001 - then the parent does the work itself, where its error can be reported
        outcome = None
    sending.send(outcome)
    sending.close()
