"""Notes under a table about conditions of the harness that touch its figures.

The network guard's audit hook: where a worker cannot have a network namespace of its own (not root), the
audit hook is the only network guard, so it stays in every measuring process
and is called for every audited event an op fires (``id()`` in each
``copy.deepcopy`` step among them). The check run counts those events per op
(``details.audited_events_per_op``); this note names the scenarios where the
count is not zero, so a reader sees whether the hook's cost matters there.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.results import ScenarioResult

SHOWN = 4  # scenarios named in the note, most events first


def hooked_during_measurement(result: ScenarioResult) -> bool:
    guard = result.details.get("network_guard")
    return isinstance(guard, dict) and guard.get("audit_hook") is True


def hook_notes(results: Sequence[ScenarioResult]) -> list[str]:
    hooked = [r for r in results if hooked_during_measurement(r)]
    if not hooked:
        return []
    counted = sorted(((float(r.details["audited_events_per_op"]), r.name) for r in hooked
                      if isinstance(r.details.get("audited_events_per_op"), (int, float))), reverse=True)
    busy = [f"{name} {events:,.0f}" for events, name in counted if events > 0]
    why = "no network namespace: " + str(hooked[0].details["network_guard"].get("namespace_error") or "not made")
    if not busy:
        return [f"network guard: its audit hook ran during measurement ({why}); these ops fire no audited event, "
                f"so it costs them nothing."]
    more = f" and {len(busy) - SHOWN} more" if len(busy) > SHOWN else ""
    return [f"⚠ network guard: its audit hook ran during measurement ({why}), and these figures include its cost: "
            f"one call per audited event — per op: {', '.join(busy[:SHOWN])}{more} (docs/harness.md). "
            f"As root, workers get a network namespace instead and carry no hook."]


def thread_notes(results: Sequence[ScenarioResult]) -> list[str]:
    """Scenarios whose worker ran threads after setup: its forks (every measuring process) have none of them."""
    named = [f"{r.name} ({', '.join(r.details['threads_before_measuring'][:3])})" for r in results
             if r.details.get("threads_before_measuring")]
    if not named:
        return []
    return [f"⚠ threads were running after setup in {'; '.join(named[:SHOWN])}: the measuring processes are forks "
            f"of the worker and have none of them, so work those threads would do is not in these figures "
            f"(docs/harness.md)."]
