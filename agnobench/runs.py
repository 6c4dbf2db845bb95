"""Which run a results file holds, and which scenario each entry is: identity by content, not by path.

Two gates depend on it. ``compare`` pairs scenarios by name, so a file with
two scenarios of one name (two scenario files sharing a ``name``) would be
paired with the wrong partner. ``merge`` pools samples, so the same run given
twice (``results/latest.json`` is a copy of the newest run; a merged file
holds its sources) would count its samples twice.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Sequence

from agnobench.errors import InputError
from agnobench.results import ResultsFile

RUN_IDS = "merged_run_ids"  # settings key: the runs a merged file holds, so none is merged in twice


def run_id(results: ResultsFile) -> str:
    """A run's identity from its content (start time, machine, every scenario and sample), not its path.

    ``results/latest.json`` is a copy of the newest run, so ``merge
    results/*.json`` would pool that run twice; two files from two runs
    differ in their samples even when they started in the same second.
    """
    content = {"created": results.created, "environment": results.environment,
               "scenarios": [s.to_dict() for s in results.scenarios]}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def constituent_runs(results: ResultsFile) -> list[str]:
    """The runs inside a file: its own id, or for a merged file the ids of the runs it pooled."""
    stored = results.settings.get(RUN_IDS)
    if isinstance(stored, list) and stored and all(isinstance(x, str) for x in stored):
        return list(stored)
    return [run_id(results)]


def check_distinct_runs(files: Sequence[ResultsFile], paths: Sequence[str | Path]) -> list[str]:
    """Every run's id, in order; the same run given twice (a copy, or inside a merged file) is bad input."""
    first_seen: dict[str, str] = {}
    ids: list[str] = []
    for results, path in zip(files, paths):
        for rid in constituent_runs(results):
            if rid in first_seen:
                other = first_seen[rid]
                how = "is given twice" if other == str(path) else f"holds the same run as {other}"
                raise InputError(path, None, f"{how} (same start time, environment and samples): "
                                             "merging it twice would count its samples twice")
            first_seen[rid] = str(path)
            ids.append(rid)
    return ids


def check_unique_names(results: ResultsFile, path: str | Path) -> None:
    """Two scenarios of one name would be paired with the wrong partner: bad input, exit 2."""
    seen: dict[str, int] = {}
    for index, scenario in enumerate(results.scenarios):
        if scenario.name in seen:
            raise InputError(path, f"scenarios[{scenario.name}]", f"appears twice (entries {seen[scenario.name]} "
                                                                  f"and {index}): scenario names must be unique")
        seen[scenario.name] = index
