"""The worker process of one scenario: ``python -m agnobench.measure.worker``.

It reads a JSON spec on stdin, reports progress and the result as JSON lines
on the file descriptor named in the spec, and keeps its own stdout/stderr for
whatever the measured code prints (the parent saves them to show on failure).
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from typing import Any, Callable

from agnobench.measure import netguard


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass  # a lower hard limit already applies


def measure(spec: dict[str, Any], emit: Callable[..., None]) -> dict[str, Any]:
    os.environ["AGNO_TELEMETRY"] = "false"  # agno reads it at every run; it overrides telemetry=True
    netguard.install()
    # Imports wait until the guard is in: module import may already phone home.
    from agnobench.importing import add_import_paths
    from agnobench.measure.forking import run_exit_handlers
    from agnobench.measure.operation import ScenarioError, build_operation, check_operation
    from agnobench.measure.pipeline import run_passes
    from agnobench.measure.settings import MeasureSettings
    from agnobench.scenario import load_scenario

    scenario = load_scenario(spec["scenario_path"])
    settings = MeasureSettings.from_dict(spec["settings"])
    _limit_memory(scenario.measure.memory_limit_mb)
    add_import_paths([spec.get("cwd", os.getcwd()), Path(scenario.path).parent])

    emit(event="progress", message="importing and checking")
    op = build_operation(scenario)
    check_operation(scenario, op)
    violations = netguard.violations()
    if violations:
        raise ScenarioError("network access attempted: " + "; ".join(violations[:3]))

    hold = scenario.measure.hold or settings.hold
    if settings.quick:
        hold = min(hold, settings.hold)
    passes = run_passes(scenario, settings, op, hold, lambda message: emit(event="progress", message=message))
    run_exit_handlers()  # flush what the op queued in this process (agno's telemetry) while the guard watches
    details: dict[str, Any] = {"network_events": netguard.violations()}
    if details["network_events"]:
        raise ScenarioError("network access attempted: " + "; ".join(details["network_events"][:3]))
    return {"passes": passes, "details": details}


def main() -> int:
    spec = json.loads(sys.stdin.read())
    events = os.fdopen(int(spec["events_fd"]), "w", buffering=1)

    def emit(**fields: Any) -> None:
        events.write(json.dumps(fields) + "\n")

    try:
        result = measure(spec, emit)
    except MemoryError:
        emit(event="error", error="out of memory (MemoryError)")
        return 1
    except Exception as exc:
        from agnobench.errors import InputError
        from agnobench.measure.forking import ChildError
        from agnobench.measure.operation import ScenarioError

        if isinstance(exc, InputError):
            emit(event="error", error=exc.one_line(), bad_input=True)
        elif isinstance(exc, ChildError):
            emit(event="error", error=str(exc))
        elif isinstance(exc, ScenarioError):
            emit(event="error", error=str(exc), bad_input=exc.field is not None)
        else:
            emit(event="error", error=f"{type(exc).__name__}: {exc}")
        return 1
    emit(event="result", **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
