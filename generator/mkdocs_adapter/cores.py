"""Work on a second core: whether there is one, and a forked child that does one piece of work (a
large build's Markdown conversion, and the exports while ``mkdocs serve`` previews)."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import types
from collections.abc import Callable, Iterator
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


class _Lifeline:
    """A pipe whose write end only the parent holds: every child watches the read end, and reading
    it returns (end of file) the moment the parent is gone, however it ended (SIGKILL included).

    One pipe serves every child of a process: each child closes its inherited copy of the write end
    at once, so a sibling forked later cannot keep it open for the parent.
    """

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.read, self.write = os.pipe()

    @classmethod
    def of_this_process(cls) -> _Lifeline:
        global _lifeline
        if _lifeline is None or _lifeline.owner != os.getpid():
            _lifeline = cls()
        return _lifeline

    def hold_in_child(self) -> None:
        """In a child, straight after the fork: let go of the write end and die with the parent."""
        os.close(self.write)
        watcher = threading.Thread(target=self._exit_when_parent_is_gone, name="lifeline", daemon=True)
        watcher.start()
        if os.getppid() != self.owner:  # the parent died before the watcher was watching
            os._exit(1)

    def _exit_when_parent_is_gone(self) -> None:
        while True:
            try:
                if not os.read(self.read, 1):
                    break
            except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
                continue
        os._exit(1)  # no clean-up: the work belongs to a build that no longer exists


_lifeline: _Lifeline | None = None


class Forked:
    """``work()`` run in a forked child; what it returns comes back through a pipe. The child ends
    when its parent ends, however the parent ends (see _Lifeline)."""

    def __init__(self, work: Callable[[], object]) -> None:
        global _work
        context = mp.get_context("fork")
        self._pipe, sending = context.Pipe(duplex=False)
        lifeline = _Lifeline.of_this_process()
        self._child = context.Process(target=_run, args=(sending, lifeline), daemon=True)
        # The child gets its work by being forked, not as an argument: the Process object would keep
        # it (a whole knowledge base, say) alive here, for the cycle collector to walk.
        _work = work
        try:
            self._child.start()
        finally:
            _work = None
        sending.close()

    @property
    def pid(self) -> int | None:
        return self._child.pid

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

    def items(self) -> Iterator[object]:
        """What a ``work()`` that is a generator yields, each item as soon as the child sends it (the
        child then no longer holds it); ends at the generator's end, or early if it raised or the
        child died."""
        while True:
            try:
                item = self._pipe.recv()
            except Exception:  # noqa: BLE001 - EOFError or OSError: the child is gone or was ended
                break
            if isinstance(item, _End):
                break
            yield item
        self._child.join()


class _End:
    """Sent after the last item of a generator."""


def _run(sending: Connection, lifeline: _Lifeline) -> None:
    lifeline.hold_in_child()
    assert _work is not None
    try:
        outcome = _work()
        if isinstance(outcome, types.GeneratorType):
            outcome = _send_each(outcome, sending)
    except Exception:  # noqa: BLE001 - then the parent does the work itself, where its error can be reported
        outcome = None
    sending.send(outcome)
    sending.close()


def _send_each(items: Iterator[object], sending: Connection) -> _End:
    """Send what a generator yields as it yields it; a generator that raises ends like one that
    returns (what it did not send, the parent does itself)."""
    try:
        for item in items:
            sending.send(item)
            del item  # sent: not held while the generator makes the next one
    except Exception:  # noqa: BLE001 - see above
        pass
    return _End()
