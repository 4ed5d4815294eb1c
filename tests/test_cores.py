"""cores.Forked: a child's work, and what a child that streams sends (generator/mkdocs_adapter/cores.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from generator.mkdocs_adapter.cores import Forked


def _three_then_fail() -> Iterator[object]:
    yield 1
    yield {"two": 2}
    yield [3]
    raise RuntimeError("the parent does the rest")



def test_a_streaming_child_sends_each_item_and_ends_when_its_work_raises() -> None:
    child = Forked(_three_then_fail)
    assert list(child.items()) == [1, {"two": 2}, [3]]
    child.close()


def test_a_child_that_dies_ends_the_stream() -> None:
    def dies() -> Iterator[object]:
        yield "sent"
        os._exit(3)

    child = Forked(dies)
    assert list(child.items()) == ["sent"]
    child.close()
