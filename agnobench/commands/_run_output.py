"""Where ``agnobench run`` writes: a name no other run takes, saves that lose nothing.

The default name carries the start time to the microsecond, and the file is
claimed exclusively (a hard link that fails if the name is taken) before the
first scenario runs, so two runs started in the same second, or the same
microsecond, get two files. ``results/latest.json`` is replaced atomically at
the end, so a reader polling it never sees half a file. When a save fails in
the middle of a run (the disk filled, the directory went away), what was
measured goes to a rescue file in the temporary directory, and the run ends
with exit 2 naming both paths, instead of a traceback that drops it all.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agnobench.outputs import check_output_file, write_error
from agnobench.results import ResultsFile, save_results

RESULTS_DIR = Path("results")
LATEST = "latest.json"
WHAT = "results file"
_MAX_CLAIMS = 1000


def default_stem(now: datetime | None = None) -> str:
    """``run-YYYYmmdd-HHMMSS-ffffff``: sorts by start time, as the one-second names did."""
    return f"run-{(now or datetime.now()).strftime('%Y%m%d-%H%M%S-%f')}"


def claim_unique(results: ResultsFile, directory: Path, stem: str) -> Path:
    """Write ``results`` under the first free name ``stem.json``, ``stem-2.json``, ...; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(1, _MAX_CLAIMS + 1):
        path = directory / (f"{stem}.json" if n == 1 else f"{stem}-{n}.json")
        try:
            return save_results(results, path, exclusive=True)
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory / stem}.json and {_MAX_CLAIMS - 1} numbered variants all exist")


@dataclass
class RunOutput:
    """The results file of one run and what happened to it."""

    path: Path
    default: bool
    rescued: Path | None = None
    failure: str | None = None

    @classmethod
    def prepare(cls, output: Path | None, results: ResultsFile) -> "RunOutput":
        """Check (or claim) the results path before any measuring; bad paths raise InputError."""
        if output is not None:
            return cls(check_output_file(output, f"{WHAT} (--output)"), default=False)
        check_output_file(RESULTS_DIR / LATEST, WHAT)  # `results` a plain file, latest.json a directory
        try:
            return cls(claim_unique(results, RESULTS_DIR, default_stem()), default=True)
        except OSError as exc:
            raise write_error(RESULTS_DIR, exc, WHAT) from None

    def save(self, results: ResultsFile) -> None:
        """Save after each scenario; on failure, keep everything in a rescue file instead."""
        if self.rescued is None:
            try:
                save_results(results, self.path)
                return
            except OSError as exc:
                self.failure = write_error(self.path, exc, WHAT).one_line()
                print(self.failure, file=sys.stderr)
        self._rescue(results)

    def _rescue(self, results: ResultsFile) -> None:
        try:
            if self.rescued is None:
                stem = "agnobench-rescue-" + default_stem().removeprefix("run-")
                self.rescued = claim_unique(results, Path(tempfile.gettempdir()), stem)
                print(f"note: the results measured so far are kept in {self.rescued}", file=sys.stderr)
            else:
                save_results(results, self.rescued)
        except OSError as exc:
            print(write_error(self.rescued or tempfile.gettempdir(), exc, "rescue file").one_line(), file=sys.stderr)

    def finish(self, results: ResultsFile) -> Path:
        """The last save, and ``latest.json`` for a default run; the path the results are in."""
        self.save(results)
        if self.default and self.rescued is None:
            try:
                save_results(results, RESULTS_DIR / LATEST)
            except OSError as exc:
                self.failure = write_error(RESULTS_DIR / LATEST, exc, WHAT).one_line()
                print(self.failure, file=sys.stderr)
        return self.rescued or self.path
