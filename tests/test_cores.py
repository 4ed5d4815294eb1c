"""cores.Forked: a child's work, and what a child that streams sends (generator/cores.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from generator.cores import Forked


def _three_then_fail() -> Iterator[object]:
    yield 1
    yield {"two": 2}
    yield [3]
    raise RuntimeError("the parent does the rest")


def _grandchild() -> Iterator[object]:
    # A forked child may fork its own (the pipeline beside a build renders on two cores).
    inner = Forked(os.getpid)
    yield inner.result()
    inner.close()
    yield os.getpid()


def test_a_streaming_child_sends_each_item_and_ends_when_its_work_raises() -> None:
    child = Forked(_three_then_fail)
    assert list(child.items()) == [1, {"two": 2}, [3]]
    child.close()


def test_a_child_may_fork_a_child_of_its_own() -> None:
    child = Forked(_grandchild)
    inner, outer = list(child.items())
    child.close()
    assert isinstance(inner, int) and isinstance(outer, int)
    assert len({inner, outer, os.getpid()}) == 3


def test_a_child_that_dies_ends_the_stream() -> None:
    def dies() -> Iterator[object]:
        yield "sent"
        os._exit(3)

    child = Forked(dies)
    assert list(child.items()) == ["sent"]
    child.close()
