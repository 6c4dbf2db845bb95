"""Where a profile's files go, and what each is called.

One directory per profile, so a profile can be zipped, attached to an issue
or deleted whole. The default lives under ``results/``, which git ignores
(artifacts are large and machine-specific); ``-o DIR`` chooses another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agnobench.errors import InputError

PROFILES_DIR = Path("results") / "profiles"


def default_directory(scenario: str, kind: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return PROFILES_DIR / f"{scenario}-{kind}-{stamp}"


def prepare_directory(path: Path, option: str = "--output") -> Path:
    """Create the directory (and parents); a file in the way is bad input."""
    if path.exists() and not path.is_dir():
        raise InputError(option, str(path), "exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(option, str(path), f"cannot create the directory: {exc.strerror or exc}") from None
    return path


@dataclass(frozen=True)
class MemoryArtifacts:
    directory: Path

    @property
    def capture(self) -> Path:
        """memray's capture of the N ops (results dropped): reopen it with any ``memray`` reporter."""
        return self.directory / "capture.bin"

    @property
    def retained_capture(self) -> Path:
        """A second capture with every result held alive: what ``leaks.html`` shows."""
        return self.directory / "retained.bin"

    @property
    def flamegraph(self) -> Path:
        """Every allocation made by the N ops, by stack (temporaries included)."""
        return self.directory / "flamegraph.html"

    @property
    def leaks(self) -> Path:
        """What is still alive at the end of the retained capture: what the N held results keep."""
        return self.directory / "leaks.html"

    @property
    def memray_stats(self) -> Path:
        """``memray stats --json`` of the capture: memray's own raw view."""
        return self.directory / "memray-stats.json"

    @property
    def summary(self) -> Path:
        """agnobench's summary: per-op figures and the tables printed."""
        return self.directory / "summary.json"


@dataclass(frozen=True)
class CpuArtifacts:
    directory: Path

    @property
    def speedscope(self) -> Path:
        """py-spy's samples in speedscope's format (speedscope.app, or ``speedscope FILE`` offline)."""
        return self.directory / "profile.speedscope.json"

    @property
    def flamegraph(self) -> Path:
        """py-spy's interactive flamegraph (self-contained SVG: open it in a browser)."""
        return self.directory / "flamegraph.svg"

    @property
    def summary(self) -> Path:
        return self.directory / "summary.json"
