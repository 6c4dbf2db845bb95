"""The document's "Go vs Python" table, rebuilt from measured data.

The Agno-Go document compares instantiation time and memory per agent with
Python Agno and states an improvement factor. Here the Go side comes from a
``go test -bench -benchmem`` run (imported, or the raw text), the Python side
from an ``agnobench run``, and the factor is computed, never copied. The
document's own figures, where the Python scenario carries them as references,
stand in a column beside ours.

Go's ``B/op`` and Python's bytes are not the same quantity: ``B/op`` is every
byte Go's heap allocated during one op (temporaries included, divided as
whole numbers); ``retained`` is what one live Python agent keeps; Python's
``allocated/op`` is the closer analogue of ``B/op`` but counts CPython's
allocators. The table says so under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.rows import FLOOR_SCENARIO
from agnobench.reporters.side_by_side import LabelledResults
from agnobench.results import ScenarioResult

# Built-in scenario -> the Agno-Go benchmark that measures the same thing.
DEFAULT_PAIRS: dict[str, str] = {
    "agent-create-simple": "BenchmarkAgentCreation",
    "agent-create-tools": "BenchmarkAgentCreationWithTools",
    "agent-create-memory": "BenchmarkAgentCreationWithMemory",
}

NOTES = [
    "Improvement factor = Python ÷ Go: how many times faster, or how many times less memory, Go is.",
    "Go's B/op and Python's bytes are not the same quantity. B/op counts every byte Go's heap allocated "
    "during one op, temporaries included (whole-number division). Python's “retained” is what one live "
    "agent keeps (the document's “memory per agent”); Python's allocated/op is the closer analogue of B/op "
    "but counts CPython's allocators, not Go's.",
    "Both sides' times depend on their machines; compare them only when both ran on the same kind of machine.",
]

_BENCHMARK_IN_SOURCE = re.compile(r"\b(Benchmark[A-Z]\w*)")


@dataclass
class GoPythonRow:
    measure: str  # "instantiation" or "memory per agent"
    python_scenario: str
    go_benchmark: str
    go_value: float
    python_value: float
    go_text: str
    python_text: str
    document: str  # the document's own figures and factor, or ""

    @property
    def factor(self) -> float | None:
        return self.python_value / self.go_value if self.go_value else None

    def factor_text(self) -> str:
        factor = self.factor
        if factor is None:
            return "—"
        word = "faster" if self.measure == "instantiation" else "less"
        return f"×{factor:.3g} {word}" if factor >= 1 else f"×{1 / factor:.3g} slower" if word == "faster" \
            else f"×{1 / factor:.3g} more"


@dataclass
class GoPythonTable:
    go_label: str
    python_label: str
    rows: list[GoPythonRow]
    notes: list[str]

    columns = ["measure", "pair", "Go", "Python (agno)", "improvement factor", "document says"]

    def cells(self) -> list[list[str]]:
        return [[r.measure, f"{r.python_scenario} ↔ {r.go_benchmark}", r.go_text, r.python_text, r.factor_text(),
                 r.document or "—"] for r in self.rows]


def _pairs(python: Sequence[ScenarioResult], extra: Mapping[str, str]) -> dict[str, str]:
    """Scenario -> Go benchmark: --pair first, the built-in table, then a benchmark named in a reference."""
    pairs: dict[str, str] = {}
    for scenario in python:
        if scenario.name in extra:
            pairs[scenario.name] = extra[scenario.name]
        elif scenario.name in DEFAULT_PAIRS:
            pairs[scenario.name] = DEFAULT_PAIRS[scenario.name]
        elif scenario.name != FLOOR_SCENARIO:
            for ref in scenario.references:
                match = _BENCHMARK_IN_SOURCE.search(str(ref.get("source", "")))
                if match:
                    pairs[scenario.name] = match.group(1)
                    break
    return pairs


def _go_scenario(go: LabelledResults, benchmark: str) -> ScenarioResult | None:
    for scenario in go.results.scenarios:
        if scenario.ok and (scenario.name == benchmark or scenario.details.get("go_name") == benchmark):
            return scenario
    return None


def _document(python: ScenarioResult, metric_go: str, metric_py: str, fmt) -> str:
    """The document's own pair of figures, from the references the scenario file carries."""
    go_value = py_value = None
    for ref in python.references:
        values = ref.get("values", {})
        key = str(ref.get("key", ""))
        if key == "go-doc" and metric_go in values:
            go_value = float(values[metric_go])
        if key == "python-doc" and metric_py in values:
            py_value = float(values[metric_py])
    if go_value is None or py_value is None or not go_value:
        return ""
    return f"{fmt(go_value)} vs {fmt(py_value)}: ×{py_value / go_value:.3g}"


def build_go_vs_python(go: LabelledResults, python: LabelledResults,
                       extra_pairs: Mapping[str, str] | None = None) -> GoPythonTable | None:
    rows: list[GoPythonRow] = []
    for name, benchmark in _pairs(python.results.scenarios, extra_pairs or {}).items():
        py = python.results.scenario(name)
        go_result = _go_scenario(go, benchmark)
        if py is None or not py.ok or go_result is None:
            continue
        go_time, py_time = go_result.metrics.get("time_per_op_ns"), py.metrics.get("time_per_op_ns")
        if go_time is not None and py_time is not None:
            rows.append(GoPythonRow("instantiation", name, benchmark, go_time.median, py_time.median,
                                    f"{format_ns(go_time.median)}/op", f"{format_ns(py_time.median)}/op",
                                    _document(py, "time_per_op_ns", "time_per_op_ns", format_ns)))
        go_bytes = go_result.metrics.get("allocated_bytes_per_op")
        py_retained, py_allocated = py.metrics.get("retained_bytes_per_op"), py.metrics.get("allocated_bytes_per_op")
        if go_bytes is not None and py_retained is not None:
            py_text = f"{format_bytes(py_retained.median)} retained"
            if py_allocated is not None:
                py_text += f" ({format_bytes(py_allocated.median)} allocated/op)"
            rows.append(GoPythonRow("memory per agent", name, benchmark, go_bytes.median, py_retained.median,
                                    f"{go_bytes.median:,.0f} B/op", py_text,
                                    _document(py, "allocated_bytes_per_op", "retained_bytes_per_op", format_bytes)))
    if not rows:
        return None
    notes = list(NOTES)
    go_cpu, py_cpu = go.results.environment.get("cpu_model"), python.results.environment.get("cpu_model")
    if go_cpu and py_cpu and go_cpu != py_cpu:
        notes.append(f"The two runs name different CPUs: Go “{go_cpu}”, Python “{py_cpu}”.")
    return GoPythonTable(go.label, python.label, rows, notes)
