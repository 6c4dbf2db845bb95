"""Instructions per op (``run --instructions``): a small table after the main one.

The main results table belongs to timing and memory; instruction counts are
a different kind of figure (deterministic, from callgrind), so they get
their own rows with how repeatable the samples were.
"""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.table import Table
from tabulate import tabulate

from agnobench.results import ScenarioResult

COLUMNS = ["scenario", "instructions/op", "± MAD", "samples", "ops per region (n1→n2)", "ASLR"]
NOTE = ("instructions/op: CPU instructions of one op counted by valgrind's callgrind, start-up and imports "
        "excluded; median of samples (I(n2) − I(n1)) / (n2 − n1), each in its own method-cache layout; "
        "± MAD in % of the median.")


def instruction_rows(results: Sequence[ScenarioResult]) -> list[list[str]]:
    rows = []
    for result in results:
        metric = result.metrics.get("instructions_per_op")
        if metric is None:
            continue
        spread = 100 * (metric.mad or 0.0) / metric.median if metric.median else 0.0
        record = result.passes.get("instructions")  # agnobench/1 files kept these in the scenario's details
        details = record.details if record is not None and isinstance(record.details, dict) else result.details
        n1, n2 = (details.get("instruction_ops_per_region") or ["?", "?"])[:2]
        rows.append([result.name, f"{metric.median:,.1f}", f"{spread:.3f}%", str(len(metric.samples)),
                     f"{n1}→{n2}", str(details.get("instruction_aslr", "?"))])
    return rows


def render_instructions_table(results: Sequence[ScenarioResult], console: Console) -> None:
    rows = instruction_rows(results)
    if not rows:
        return
    table = Table(title="Instructions per op (callgrind)", title_justify="left", header_style="bold")
    for index, name in enumerate(COLUMNS):
        table.add_column(name, justify="right" if 0 < index < 5 else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(NOTE, style="dim")


def render_instructions_markdown(results: Sequence[ScenarioResult]) -> str:
    rows = instruction_rows(results)
    if not rows:
        return ""
    return ("\n#### Instructions per op (callgrind)\n\n" + tabulate(rows, headers=COLUMNS, tablefmt="github",
                                                                   disable_numparse=True) + f"\n\n- {NOTE}\n")
