"""Writing a page: plotly present or a one-line install hint, and a write that cannot leave half a file."""

from __future__ import annotations

from pathlib import Path

from agnobench.errors import InputError
from agnobench.outputs import write_output
from agnobench.reporters.html.page import PLOTLY_EXTRA, plotly_available


def require_plotly(path: Path) -> None:
    """Called before measuring or loading anything, so a missing extra costs the user nothing."""
    if not plotly_available():
        raise InputError("--html", str(path), f"the HTML report needs plotly: {PLOTLY_EXTRA}")


def write_html(path: Path, html: str) -> Path:
    """Atomically (a reader or a CI upload sees the old page or the new one), as one line on failure."""
    path = Path(path)
    if path.is_dir():
        raise InputError("--html", str(path), "is a directory; give a file name such as report.html")
    return write_output(path, html, "the HTML report (--html)")
