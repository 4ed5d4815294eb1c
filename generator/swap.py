"""One folder put in the place of another in a single step, for whatever replaces a whole folder (the
site after a build, the folder ``render --out`` writes): whoever looks sees the old folder or the new
one, whole, never a mix and never neither.

Linux swaps two folders atomically with ``renameat2(RENAME_EXCHANGE)`` (kernel 3.15, glibc 2.28);
elsewhere, or on a file system that cannot, two renames do it, the old folder kept aside until the new
one stands (and put back if the second rename fails).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
from collections.abc import Callable
from pathlib import Path


def sibling_name(target: str, role: str, pid: int, number: int) -> str:
    """The name of a folder a process makes beside the folder ``target`` to replace it (its next build
    is made in ".site.building-<pid>-<n>" for a site folder "site"). These folders are the build's own:
    a repository that holds one is refused (checks/preflight.py, build_folder_problems)."""
    return f".{target}.{role}-{pid}-{number}"


def sibling_owner(name: str, target: str) -> int | None:
    """The process id in a name that ``sibling_name`` gives, for any role, else None."""
    match = re.fullmatch(rf"\.{re.escape(target)}\.[a-z]+-([0-9]+)-([0-9]+)", name)
    return int(match.group(1)) if match else None


def _exchange_function() -> Callable[[int, bytes, int, bytes, int], int] | None:
    """libc's renameat2, where there is one."""
    name = ctypes.util.find_library("c")
    try:
        function = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _exchange_function()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_CANNOT = (22, 38, 95)  # EINVAL, ENOSYS, EOPNOTSUPP: this kernel or file system cannot exchange


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step; False where the system cannot (then nothing was changed)."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in _CANNOT:
        return False
    raise OSError(errno, os.strerror(errno), str(first))


def replace_folder(new: Path, target: Path, aside: Path) -> Path | None:
    """Put the folder ``new`` at ``target``. Returns where the folder it replaced now is (``new``'s old
    path after an exchange, else ``aside``), for the caller to delete; None if there was none."""
    if not target.exists():
        new.rename(target)
        return None
    if exchange(new, target):
        return new
    target.rename(aside)
    try:
        new.rename(target)
    except OSError:
        aside.rename(target)
        raise
    return aside
