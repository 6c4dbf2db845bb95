"""Writing a page: plotly present or a one-line install hint, and a write that cannot leave half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from agnobench.errors import InputError
from agnobench.reporters.html.page import PLOTLY_EXTRA, plotly_available


def require_plotly(path: Path) -> None:
    """Called before measuring or loading anything, so a missing extra costs the user nothing."""
    if not plotly_available():
        raise InputError("--html", str(path), f"the HTML report needs plotly: {PLOTLY_EXTRA}")


def write_html(path: Path, html: str) -> Path:
    """Atomically (a reader or a CI upload sees the old page or the new one), as one line on failure."""
    path = Path(path)
    try:
        if path.is_dir():
            raise InputError("--html", str(path), "is a directory; give a file name such as report.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(html)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide a CI artifact from other readers
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError("--html", str(path), f"cannot write: {exc.strerror or exc}") from None
    return path
