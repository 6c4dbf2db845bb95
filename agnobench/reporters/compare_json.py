"""The comparison as JSON, for other tools (every figure, the policy, the exit code)."""

from __future__ import annotations

import json
import math
from typing import Any

from agnobench.compare import Comparison


def finite_json(value: Any) -> Any:
    """``value`` with every NaN and ±inf made ``null``: standard JSON, which strict parsers (jq, JavaScript's
    JSON.parse, Go) accept; Python's default would write the non-standard ``NaN``/``Infinity``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(item) for item in value]
    return value


def render_compare_json(comparison: Comparison) -> str:
    return json.dumps(finite_json(comparison.to_dict()), indent=1, allow_nan=False) + "\n"
