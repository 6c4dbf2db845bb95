"""Turn a scenario's references into a ready, checked, zero-argument operation.

An ``async def`` operation becomes an :class:`~agnobench.measure.calls.AsyncOperation`:
called, it runs one await to completion (the check, a warm-up); passes that
call it many times go through :mod:`agnobench.measure.calls`, which awaits it
in a loop inside one coroutine.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from agnobench.errors import ScenarioError
from agnobench.importing import import_reference
from agnobench.measure.calls import AsyncOperation, Bursts, as_operation, burst_timer, shared_loop  # noqa: F401
from agnobench.scenario import Scenario


def _resolve(scenario: Scenario, field_name: str) -> Callable[..., Any] | None:
    reference = getattr(scenario, field_name)
    if reference is None:
        return None
    try:
        return import_reference(reference)
    except ValueError as exc:
        raise ScenarioError(f"error: {scenario.path}: {field_name}: {exc}", field=field_name) from None


def build_operation(scenario: Scenario) -> Callable[[], Any]:
    """Import operation, setup and check; call setup once; return the bound op."""
    operation = _resolve(scenario, "operation")
    setup = _resolve(scenario, "setup")
    assert operation is not None
    if setup is not None:
        try:
            state = setup()
            if inspect.isawaitable(state):  # an async setup is awaited, on the loop the op will run on
                state = shared_loop().run_until_complete(state)
        except Exception as exc:
            raise ScenarioError(f"setup {scenario.setup} raised {type(exc).__name__}: {exc}") from exc
        op: Callable[[], Any] = functools.partial(operation, state)
    else:
        op = operation
    if inspect.iscoroutinefunction(operation):
        op = AsyncOperation(op)
    return op


def check_operation(scenario: Scenario, op: Callable[[], Any]) -> None:
    """Call the op once and run the scenario's check on its result.

    A broken path must fail the scenario instead of being timed: the op may
    raise, and ``check(result)`` may raise or return False.
    """
    try:
        result = op()
    except MemoryError:
        raise ScenarioError(f"operation {scenario.operation} ran out of memory (MemoryError; the worker's limit "
                            f"is measure.memory_limit_mb = {scenario.measure.memory_limit_mb})") from None
    except Exception as exc:
        raise ScenarioError(f"operation {scenario.operation} raised {type(exc).__name__}: {exc}") from exc
    check = _resolve(scenario, "check")
    if check is None:
        return
    try:
        verdict = check(result)
    except Exception as exc:
        raise ScenarioError(f"check {scenario.check} failed: {type(exc).__name__}: {exc}") from exc
    if verdict is False:
        raise ScenarioError(f"check {scenario.check} returned False for the operation's result")
