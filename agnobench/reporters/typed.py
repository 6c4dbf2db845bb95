"""A pass's typed result, scenario by scenario, for the report hooks of its package."""

from __future__ import annotations

from typing import Any, Sequence

from agnobench.results import ScenarioResult


def typed_results(results: Sequence[ScenarioResult], pass_name: str) -> list[tuple[ScenarioResult, Any]]:
    """Each ok result that ran ``pass_name``, with that pass's typed details (the storage tables use it too)."""
    found = []
    for result in results:
        if result.ok and pass_name in result.passes:
            details = result.result_of(pass_name)
            if details is not None and not isinstance(details, dict):
                found.append((result, details))
    return found
