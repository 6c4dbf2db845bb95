"""The check run: the op called and checked once, with the network guard's audit hook, in a forked child.

Every measuring process must carry none of agnobench's Python-level hooks:
an audit hook is called for every audited event an op fires (``builtins.id``
in each ``copy.deepcopy`` step, ``open``, ``import``, ...), so it would be
timed with the op, and it cannot be removed once added. Where the worker has
a network namespace of its own, the namespace guards every measurement, and
the hook — which names the offending Python call before it is made — lives
only in this child, forked from the worker after setup. The child:

1. adds the hook (a no-op where the worker already has it: no namespace);
2. calls the op and runs the scenario's check (the first call, with its lazy
   imports and caches, as the worker's own first call would be);
3. calls the op again (up to :data:`COUNT_CALLS` times, within
   :data:`COUNT_BUDGET_S`) counting every audited event, so the results say
   how many events one op fires (``details.audited_events_per_op``): what a
   hook costs that op wherever one is live (~350 ns an event on these VMs).

A network attempt in the child fails the scenario with the call named.

The worker itself does not call the op: every measuring process is forked
from it and warms the op up itself (timing's warm-up pairs, the memory
pass's first calls), and a fork copies no thread. An op whose first call
starts threads (CrewAI's starts an event loop and a handler thread) would
otherwise leave the worker with threads that no fork has, and each forked
measuring process would run a different program from the user's, or hang
(the CrewAI adapter resets its event bus at fork for that reason).

A worker that already runs threads after setup cannot fork faithfully: it
runs the check itself, the namespace as its guard, counts no events unless
it carries the hook, and the result names the threads
(``details.threads_before_measuring``) with a warning under the table.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from agnobench.measure import netguard
from agnobench.measure.forking import ChildError, run_forked
from agnobench.errors import ScenarioError
from agnobench.measure.operation import check_operation
from agnobench.scenario import Scenario

COUNT_CALLS = 3  # calls counted after the first: the first may import and fill caches
COUNT_BUDGET_S = 0.5  # counting stops early for a slow op (at least one call is counted)
TOP_EVENTS = 5


@dataclass
class CheckRun:
    """How the op was checked and what one op fires; recorded in the scenario's details."""

    where: str  # "forked child" or "worker (…)"
    hook_during_measurement: bool  # the worker carries the audit hook: timings include its cost
    audited_events_per_op: float | None = None  # None: not counted (no hook where the check ran)
    top_audited_events: dict[str, float] = field(default_factory=dict)  # per op, the most frequent events
    threads_before_measuring: list[str] = field(default_factory=list)  # forks of the worker have none of these
    # top-level modules loaded once the op ran in the check's child (what it imports lazily, on first call);
    # the worker adds them to its own for the package versions (issue 20, agnobench/packages.py). Not in details().
    modules: list[str] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        return {"check_run": self.where, "audit_hook_during_measurement": self.hook_during_measurement,
                "audited_events_per_op": self.audited_events_per_op,
                "top_audited_events": self.top_audited_events,
                "threads_before_measuring": self.threads_before_measuring}


def running_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())


def count_events(op: Callable[[], Any], calls: int = COUNT_CALLS, budget_s: float = COUNT_BUDGET_S
                 ) -> tuple[float, dict[str, float]]:
    """Audited events per op over up to ``calls`` calls (the hook must be in): the mean and the top names."""
    netguard.start_counting()
    done = 0
    deadline = time.perf_counter() + budget_s
    try:
        while done < calls:
            op()
            done += 1
            if time.perf_counter() > deadline:
                break
    finally:
        counts: Counter[str] = netguard.stop_counting()
    top = {name: round(n / done, 2) for name, n in counts.most_common(TOP_EVENTS)}
    return round(sum(counts.values()) / done, 2), top


def _checked_and_counted(scenario: Scenario, op: Callable[[], Any]) -> dict[str, Any]:
    """In the forked child: hook in, the check, then the count. A failed check comes back as a value,
    so the worker raises the same :class:`ScenarioError` (bad input or not) it would have raised."""
    netguard.add_hook()
    try:
        check_operation(scenario, op)
    except ScenarioError as exc:
        return {"error": str(exc), "field": exc.field}
    per_op, top = count_events(op)
    from agnobench.packages import imported_top_level_modules  # issue 20: what the op imported when it ran

    return {"events_per_op": per_op, "top": top, "modules": imported_top_level_modules()}


def run_check(scenario: Scenario, op: Callable[[], Any]) -> CheckRun:
    """Check the op in a hooked child where the worker can fork faithfully (no thread), else in the worker.

    Raises :class:`ScenarioError` when the check fails, and
    :class:`agnobench.measure.forking.ChildError` naming the call when the
    child tried the network.
    """
    hooked = netguard.hooked()
    if threading.active_count() > 1:
        threads = running_threads()
        where = f"worker ({len(threads)} thread(s) running after setup: not forked)"
        check_operation(scenario, op)
        if not hooked:
            return CheckRun(where=where, hook_during_measurement=False, threads_before_measuring=threads)
        per_op, top = count_events(op)
        return CheckRun(where=where, hook_during_measurement=True, audited_events_per_op=per_op,
                        top_audited_events=top, threads_before_measuring=threads)
    try:
        outcome = run_forked(lambda: _checked_and_counted(scenario, op))
    except ChildError as exc:
        netguard.adopt(exc.network)  # the scenario's network_events name the child's calls
        raise
    if "error" in outcome:
        raise ScenarioError(outcome["error"], outcome.get("field"))
    return CheckRun(where="forked child", hook_during_measurement=hooked,
                    audited_events_per_op=outcome["events_per_op"], top_audited_events=outcome["top"],
                    modules=list(outcome.get("modules", [])))
