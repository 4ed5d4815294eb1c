"""Whether work can go to a forked child on a core of its own (the render, the exports and the
conversion of a large build do, when it can)."""

from __future__ import annotations

import multiprocessing as mp
import os


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
