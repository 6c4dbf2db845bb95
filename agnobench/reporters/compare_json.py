"""The comparison as JSON, for other tools (every figure, the policy, the exit code)."""

from __future__ import annotations

import json

from agnobench.compare import Comparison


def render_compare_json(comparison: Comparison) -> str:
    return json.dumps(comparison.to_dict(), indent=1) + "\n"
