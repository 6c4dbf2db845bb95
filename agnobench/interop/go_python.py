"""Which Go benchmark measures the same thing as which Python scenario, and the figures of each pair.

The Agno-Go document compares instantiation time and memory per agent with
Python Agno. Here a scenario is paired with a ``go test -bench`` result (an
explicit ``--pair``, the built-in table, or a ``Benchmark...`` named in one of
the scenario's references) and each pair yields the two measured figures and,
where the scenario carries them as references, the document's own. The
reporter (:mod:`agnobench.reporters.go_vs_python`) only formats these.

Go's ``B/op`` and Python's bytes are not the same quantity: ``B/op`` is every
byte Go's heap allocated during one op; "memory per agent" pairs it with what
one live Python agent retains (the document's comparison), with Python's
``allocated/op`` (the closer analogue of ``B/op``) beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from agnobench.results import ResultsFile, ScenarioResult

FLOOR_SCENARIO = "python-floor"  # the pure-Python floor has no Go counterpart
INSTANTIATION, MEMORY = "instantiation", "memory per agent"

# Built-in scenario -> the Agno-Go benchmark that measures the same thing.
DEFAULT_PAIRS: dict[str, str] = {
    "agent-create-simple": "BenchmarkAgentCreation",
    "agent-create-tools": "BenchmarkAgentCreationWithTools",
    "agent-create-memory": "BenchmarkAgentCreationWithMemory",
}
# measure -> (Go metric, Python metric), measured and as the document's references hold them
MEASURES = {INSTANTIATION: ("time_per_op_ns", "time_per_op_ns"),
            MEMORY: ("allocated_bytes_per_op", "retained_bytes_per_op")}

_BENCHMARK_IN_SOURCE = re.compile(r"\b(Benchmark[A-Z]\w*)")


@dataclass
class GoPythonPair:
    measure: str  # INSTANTIATION or MEMORY
    python_scenario: str
    go_benchmark: str
    go_value: float
    python_value: float
    python_allocated: float | None = None  # memory: Python's allocated/op beside its retained
    document_go: float | None = None  # the document's own figures, from the scenario's references
    document_python: float | None = None

    @property
    def factor(self) -> float | None:
        """Python ÷ Go: how many times faster, or how many times less memory, Go is."""
        return self.python_value / self.go_value if self.go_value else None


def pairs_for(python: Sequence[ScenarioResult], extra: Mapping[str, str]) -> dict[str, str]:
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


def go_scenario(go: ResultsFile, benchmark: str) -> ScenarioResult | None:
    for scenario in go.scenarios:
        if scenario.ok and (scenario.name == benchmark or scenario.details.get("go_name") == benchmark):
            return scenario
    return None


def _document(python: ScenarioResult, metric_go: str, metric_py: str) -> tuple[float | None, float | None]:
    go_value = py_value = None
    for ref in python.references:
        values, key = ref.get("values", {}), str(ref.get("key", ""))
        if key == "go-doc" and metric_go in values:
            go_value = float(values[metric_go])
        if key == "python-doc" and metric_py in values:
            py_value = float(values[metric_py])
    return go_value, py_value


def pair_go_with_python(go: ResultsFile, python: ResultsFile,
                        extra_pairs: Mapping[str, str] | None = None) -> list[GoPythonPair]:
    """Every measured pair, instantiation before memory for each scenario."""
    found: list[GoPythonPair] = []
    for name, benchmark in pairs_for(python.scenarios, extra_pairs or {}).items():
        py, go_result = python.scenario(name), go_scenario(go, benchmark)
        if py is None or not py.ok or go_result is None:
            continue
        for measure, (metric_go, metric_py) in MEASURES.items():
            go_value, py_value = go_result.metrics.get(metric_go), py.metrics.get(metric_py)
            if go_value is None or py_value is None:
                continue
            allocated = py.metrics.get("allocated_bytes_per_op") if measure == MEMORY else None
            doc_go, doc_py = _document(py, metric_go, metric_py)
            found.append(GoPythonPair(measure, name, benchmark, go_value.median, py_value.median,
                                      allocated.median if allocated is not None else None, doc_go, doc_py))
    return found
