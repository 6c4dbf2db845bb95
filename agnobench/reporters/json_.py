"""The results file's JSON, for piping into other tools."""

from __future__ import annotations

import json

from agnobench.results import ResultsFile


def render_json(results: ResultsFile) -> str:
    return json.dumps(results.to_dict(), indent=1) + "\n"
