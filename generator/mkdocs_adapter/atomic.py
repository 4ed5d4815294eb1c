"""Atomic builds: the site folder is always a whole build, the previous one or the new one.

MkDocs empties ``site_dir`` and writes into it, so a build that fails half-way (an exception in a
plugin, a Markdown crash, SIGTERM, SIGKILL, a full disk) would leave half a site. Instead:

1. ``begin`` points ``config.site_dir`` at a fresh hidden folder beside the site folder
   (``.site.building-<pid>-<n>``); MkDocs cleans and fills that one.
2. ``commit``, the very last step of a build that succeeded, swaps the two folders in one step
   (generator/swap.py) and deletes the old build.
3. ``abandon``, on any failure, deletes the new folder; the site folder was never touched.

Hidden entries of the site folder (which MkDocs leaves alone when it cleans it, e.g. a deploy clone's
``.git``) move across into the new build. A build that was killed leaves its folders beside the site:
the next build deletes those whose process is gone (``clean_stale``), first moving back any hidden
entry that a swap interrupted at the wrong moment had carried away. Such folders, and the site folder,
are the build's own: before any of this runs, the plugin refuses a repository that tracks a file in
one (checks/preflight.py, ``build_folder_problems``), which would otherwise be swapped in or have its
hidden entries carried into the site.

Under ``mkdocs serve`` the server serves the same path throughout, and between two requests it sees
one build or the other, whole.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..swap import replace_folder, sibling_name, sibling_owner

log = logging.getLogger("mkdocs.plugins.khorasan_brief")

_BUILDING = "building"
_counter = itertools.count(1)
_in_use: set[Path] = set()  # folders of this process that a build still needs


def sibling(site: Path, role: str) -> Path:
    """A new hidden folder name beside ``site``, owned by this process: ``.site.<role>-<pid>-<n>``.
    It is in use (never taken for stale) until ``release``."""
    path = site.with_name(sibling_name(site.name, role, os.getpid(), next(_counter)))
    _in_use.add(path)
    return path


def release(path: Path) -> None:
    """Delete a folder that ``sibling`` named, if it is there, and forget it."""
    shutil.rmtree(path, ignore_errors=True)
    _in_use.discard(path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # what this process still needs is in _in_use; the rest it left by accident
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def clean_stale(site: Path) -> None:
    """Delete the folders that builds of processes that are gone left beside ``site``."""
    if not site.parent.is_dir():
        return
    for path in site.parent.iterdir():
        pid = sibling_owner(path.name, site.name)
        if pid is None or path in _in_use or _alive(pid) or not path.is_dir() or path.is_symlink():
            continue
        if site.is_dir():
            _move_hidden(path, site)
        shutil.rmtree(path, ignore_errors=True)


# Staging folders that builds before atomic builds left inside the site folder: not carried across.
_LEGACY_STAGING = ".khorasan-exports-"


def _move_hidden(source: Path, target: Path) -> None:
    """Hidden entries of ``source`` that ``target`` lacks, moved into it."""
    for entry in source.iterdir():
        name = entry.name
        if name.startswith(".") and not name.startswith(_LEGACY_STAGING) and not os.path.lexists(target / name):
            entry.rename(target / name)


def swap_in(new: Path, site: Path) -> None:
    """Put the folder ``new`` where ``site`` is, whole, and delete the folder it replaces."""
    old = replace_folder(new, site, sibling(site, "old"))
    if old is not None:
        _move_hidden(old, site)
        release(old)


@dataclass
class AtomicSite:
    """One build's fresh folder and the site folder it is to replace."""

    site: Path
    building: Path

    @classmethod
    def begin(cls, site_dir: str) -> AtomicSite:
        site = Path(site_dir).resolve()
        clean_stale(site)
        building = sibling(site, _BUILDING)
        try:
            building.mkdir(parents=True)
        except OSError as error:
            raise OSError(error.errno, f"cannot make a folder beside {site} to build into: {error.strerror}") from None
        return cls(site, building)

    def commit(self) -> None:
        swap_in(self.building, self.site)
        release(self.building)  # the name only: the exchange put the old build there, now deleted
        log.info(f"The new build replaced {self.site} in one step")

    def abandon(self) -> None:
        release(self.building)
