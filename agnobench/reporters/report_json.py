"""``agnobench report`` as JSON: the same rows, with numbers instead of formatted text."""

from __future__ import annotations

import json
from typing import Any

from agnobench.core.registry import metric_info
from agnobench.reporters.go_vs_python import GoPythonTable
from agnobench.reporters.side_by_side import SideBySide


def report_dict(side: SideBySide, go_python: list[GoPythonTable]) -> dict[str, Any]:
    return {
        "files": [{"label": f.label, "path": f.path, "environment": f.results.environment,
                   "created": f.results.created} for f in side.files],
        "rows": [{"scenario": r.scenario, "metric": r.metric, "unit": metric_info(r.metric).unit, "values": r.values,
                  "ratios_to_first": [r.ratio(i) for i in range(len(r.values))]} for r in side.rows],
        "go_vs_python": [{"go": b.go_label, "python": b.python_label, "notes": b.notes,
                          "rows": [{"measure": r.measure, "python_scenario": r.python_scenario,
                                    "go_benchmark": r.go_benchmark, "go": r.go_value, "python": r.python_value,
                                    "improvement_factor": r.factor, "document": r.document} for r in b.rows]}
                         for b in go_python],
    }


def render_report_json(side: SideBySide, go_python: list[GoPythonTable]) -> str:
    return json.dumps(report_dict(side, go_python), indent=1) + "\n"
