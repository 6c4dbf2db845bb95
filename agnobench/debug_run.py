"""Results of ``agnobench run --debug-single-value``: how a file says it is one, and what readers do with it.

Such a run does the least measuring that proves each pass's path (one timing process, one value;
agnobench/core/settings.py). Its figures must never pass for a measurement: the results file records it
(``settings.debug_single_value``), every table printed for it carries :data:`NOTICE`, and ``compare`` refuses
it as bad input, since no verdict on one value per side means anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from agnobench.errors import InputError

KEY = "debug_single_value"  # in the results file's run-level `settings`
NOTICE = ("⚠ debug-single-value run (--debug-single-value): one process and one value per pass, to prove each "
          "path runs; these figures are not a measurement.")


def is_debug_run(settings: Mapping[str, Any]) -> bool:
    """Whether a results file's run-level ``settings`` say it was a debug-single-value run."""
    return bool(settings.get(KEY))


def refuse_to_judge(path: Path | str, settings: Mapping[str, Any]) -> None:
    """``compare`` and the gate judge measurements only: a debug-single-value file is bad input (exit 2)."""
    if is_debug_run(settings):
        raise InputError(path, f"settings.{KEY}", "a --debug-single-value run holds one value per pass, not a "
                                                  "measurement: compare two measured runs")
