"""Several results files side by side: one row per scenario and metric, one column per file.

Used by ``agnobench report`` to put runs next to each other (yesterday and
today, two machines, Python and an imported Go run). The first file is the
reference column; every other cell carries its ratio to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from agnobench.core.registry import metric_info, metrics_with
from agnobench.reporters.compare_rows import format_figure
from agnobench.results import ResultsFile



@dataclass
class LabelledResults:
    label: str
    path: str
    results: ResultsFile

    @property
    def is_go(self) -> bool:
        return self.results.environment.get("source") == "go test -bench"


@dataclass
class SideRow:
    scenario: str
    metric: str
    values: list[float | None]  # one per file, None where the file lacks it

    def ratio(self, index: int) -> float | None:
        first, value = self.values[0], self.values[index]
        if first is None or value is None or first == 0:
            return None
        return value / first

    def cells(self) -> list[str]:
        label = metric_info(self.metric).label
        out = [self.scenario, label]
        for index, value in enumerate(self.values):
            if value is None:
                out.append("—")
                continue
            text = format_figure(self.metric, value)
            ratio = self.ratio(index) if index else None
            out.append(f"{text} (×{ratio:.3g})" if ratio is not None else text)
        return out


@dataclass
class SideBySide:
    files: list[LabelledResults]
    rows: list[SideRow] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return ["scenario", "metric"] + [f.label for f in self.files]


def labels_for(paths: Sequence[str | Path]) -> list[str]:
    """File names without the extension; the full path where two names clash."""
    stems = [Path(p).stem for p in paths]
    return [stem if stems.count(stem) == 1 else str(p) for stem, p in zip(stems, paths)]


def _metric_order(names: set[str]) -> list[str]:
    """Known metrics in the metric table's order, less the restated ones (ops/s, the kernel); unknown ones follow."""
    known = metrics_with(lambda m: True, names)
    return [m.name for m in known if not m.restated] + sorted(names - {m.name for m in known})


def build_side_by_side(files: Sequence[LabelledResults]) -> SideBySide:
    table = SideBySide(list(files))
    order: list[str] = []
    for item in files:
        for scenario in item.results.scenarios:
            if scenario.name not in order:
                order.append(scenario.name)
    for name in order:
        scenarios = [item.results.scenario(name) for item in files]
        names = {m for s in scenarios if s is not None and s.ok for m in s.metrics}
        for metric in _metric_order(names):
            values = []
            for found in scenarios:
                data = found.metrics.get(metric) if found is not None and found.ok else None
                values.append(data.median if data is not None else None)
            table.rows.append(SideRow(name, metric, values))
    return table
