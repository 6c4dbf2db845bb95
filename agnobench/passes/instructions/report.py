"""Instructions per op (``run --instructions``): a small table after each suite's main one.

The main results table belongs to timing and memory; instruction counts are
a different kind of figure (deterministic, from callgrind), so they get
their own rows with how repeatable the samples were.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.passes.instructions.contract import METRIC, NAME, InstructionResult
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult

COLUMNS = ["scenario", "instructions/op", "± MAD", "samples", "ops per region (n1→n2)", "ASLR"]
NOTE = ("instructions/op: CPU instructions of one op counted by valgrind's callgrind, start-up and imports "
        "excluded; median of samples (I(n2) − I(n1)) / (n2 − n1), each in its own method-cache layout; "
        "± MAD in % of the median.")


def instruction_rows(results: Sequence[ScenarioResult]) -> list[list[str]]:
    rows = []
    for result in results:
        metric = result.metrics.get(METRIC)
        record = result.passes.get(NAME)
        if metric is None or record is None or not isinstance(record.details, InstructionResult):
            continue
        spread = 100 * (metric.mad or 0.0) / metric.median if metric.median else 0.0
        ops = record.details.instruction_ops_per_region
        n1, n2 = (str(ops[0]), str(ops[1])) if len(ops) >= 2 else ("?", "?")
        rows.append([result.name, f"{metric.median:,.1f}", f"{spread:.3f}%", str(len(metric.samples)),
                     f"{n1}→{n2}", record.details.instruction_aslr or "?"])
    return rows


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """The pass's table for one suite: a row per scenario counted."""
    rows = instruction_rows(results)
    if not rows:
        return []
    return [Section(title="Instructions per op (callgrind)", columns=COLUMNS, rows=rows, notes=[NOTE],
                    right={1, 2, 3, 4})]
