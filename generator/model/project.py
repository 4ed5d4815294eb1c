"""Where a knowledge base lives: its data, its briefs and its template overrides below one folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

OVERRIDES = Path("site_src/overrides/generator")


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def overrides(self) -> Path:
        """Templates of this project that replace the packaged ones of the same name."""
        return self.root / OVERRIDES
