"""The document's "Go vs Python" table, rebuilt from measured data: formatting only.

The pairs and their figures come from :mod:`agnobench.interop.go_python` (the
Go side from a ``go test -bench -benchmem`` run, the Python side from an
``agnobench run``); the factor is computed, never copied. The document's own
figures, where the Python scenario carries them as references, stand in a
column beside ours, and the notes say why Go's ``B/op`` and Python's bytes
are not the same quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from agnobench.interop.go_python import DEFAULT_PAIRS, INSTANTIATION, GoPythonPair, pair_go_with_python  # noqa: F401
from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.side_by_side import LabelledResults

NOTES = [
    "Improvement factor = Python ÷ Go: how many times faster, or how many times less memory, Go is.",
    "Go's B/op and Python's bytes are not the same quantity. B/op counts every byte Go's heap allocated "
    "during one op, temporaries included (whole-number division). Python's “retained” is what one live "
    "agent keeps (the document's “memory per agent”); Python's allocated/op is the closer analogue of B/op "
    "but counts CPython's allocators, not Go's.",
    "Both sides' times depend on their machines; compare them only when both ran on the same kind of machine.",
]


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


def _document(pair: GoPythonPair, fmt: Callable[[float], str]) -> str:
    go_value, py_value = pair.document_go, pair.document_python
    if go_value is None or py_value is None or not go_value:
        return ""
    return f"{fmt(go_value)} vs {fmt(py_value)}: ×{py_value / go_value:.3g}"


def _row(pair: GoPythonPair) -> GoPythonRow:
    fmt: Callable[[float], str]
    if pair.measure == INSTANTIATION:
        go_text, py_text, fmt = f"{format_ns(pair.go_value)}/op", f"{format_ns(pair.python_value)}/op", format_ns
    else:
        go_text, fmt = f"{pair.go_value:,.0f} B/op", format_bytes
        py_text = f"{format_bytes(pair.python_value)} retained"
        if pair.python_allocated is not None:
            py_text += f" ({format_bytes(pair.python_allocated)} allocated/op)"
    return GoPythonRow(pair.measure, pair.python_scenario, pair.go_benchmark, pair.go_value, pair.python_value,
                       go_text, py_text, _document(pair, fmt))


def build_go_vs_python(go: LabelledResults, python: LabelledResults,
                       extra_pairs: Mapping[str, str] | None = None) -> GoPythonTable | None:
    rows = [_row(pair) for pair in pair_go_with_python(go.results, python.results, extra_pairs)]
    if not rows:
        return None
    notes = list(NOTES)
    go_cpu, py_cpu = go.results.environment.get("cpu_model"), python.results.environment.get("cpu_model")
    if go_cpu and py_cpu and go_cpu != py_cpu:
        notes.append(f"The two runs name different CPUs: Go “{go_cpu}”, Python “{py_cpu}”.")
    return GoPythonTable(go.label, python.label, rows, notes)
