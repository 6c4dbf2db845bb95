"""The worker process of one scenario: ``python -m agnobench.measure.worker SPEC.json``.

Started by :func:`agnobench.runner.run_scenario` through the harness
(:mod:`agnobench.harness`), which isolates it, reports its progress and its
result on the event channel, and maps its failures to one payload. Here is
only the measuring: build the op, check it (in a forked child that carries
the network guard's audit hook, :mod:`agnobench.measure.check_run`), then run
the scenario's passes
(:func:`agnobench.measure.pipeline.run_passes`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from agnobench.harness.child import Emit, check_network, child_main


def measure(spec: dict[str, Any], emit: Emit) -> dict[str, Any]:
    # Imports wait until the guard is in (child_main): module import may already phone home.
    from agnobench.importing import add_import_paths
    from agnobench.measure.check_run import run_check
    from agnobench.measure.operation import build_operation
    from agnobench.measure.pipeline import run_passes
    from agnobench.core.settings import MeasureSettings
    from agnobench.scenario import load_scenario

    scenario = load_scenario(spec["scenario_path"])
    settings = MeasureSettings.from_dict(spec["settings"])
    add_import_paths([spec.get("cwd", os.getcwd()), Path(scenario.path).parent])

    emit(event="progress", message="importing and checking")
    op = build_operation(scenario)
    checked = run_check(scenario, op)  # the audit hook names a network call here, in a child of its own
    check_network()

    hold = scenario.measure.hold or settings.hold
    if settings.quick:
        hold = min(hold, settings.hold)
    passes = run_passes(scenario, settings, op, hold, lambda message: emit(event="progress", message=message))
    # The harness adds network_events and the guard's layers; the parent maps imported_modules to the versions
    # of the packages the measured code imported (issue 20: agnobench/packages.py).
    from agnobench.packages import IMPORTED_MODULES, imported_top_level_modules

    modules = sorted(set(imported_top_level_modules()) | set(checked.modules))  # the op's first calls: in a child
    return {"passes": passes, "details": {**checked.details(), IMPORTED_MODULES: modules}}


if __name__ == "__main__":
    child_main(measure)
