"""Start the profiled child (directly, or under py-spy) through the harness, and read its outcome.

The parent never imports agno or the user's code: the child does the work
and reports on the harness's event channel, because its stdout and stderr
belong to the measured code (and, under py-spy, to py-spy too). Spawning,
the timeout, killing the group (py-spy included) and death messages are
:mod:`agnobench.harness.spawn`'s, as for ``agnobench run``.
"""

from __future__ import annotations

from typing import Any

from agnobench.errors import EXIT_BAD_INPUT, EXIT_FAILED
from agnobench.harness import spawn
from agnobench.harness.spawn import ChildJob, ChildOutcome
from agnobench.profile.errors import ProfileError

def run_child(spec: dict[str, Any], timeout_s: float, wrapper: list[str] | None = None) -> ChildOutcome:
    """Run ``[*wrapper, python -m agnobench.profile._child SPEC]`` to completion or timeout."""
    job = ChildJob("agnobench.profile._child", spec, timeout_s, what="the profiled process", wrapper=wrapper or [])
    return spawn.run_child(job)


def result_or_raise(run: ChildOutcome, timeout_s: float) -> dict[str, Any]:
    """The child's result, or a ProfileError saying in one line why there is none."""
    if run.ok:
        assert run.result is not None
        return run.result
    failure = run.failure
    assert failure is not None
    if run.timed_out and not failure.from_child:
        raise ProfileError(f"the profiled operation timed out after {timeout_s:g} s (measure.timeout_s)")
    raise ProfileError(failure.message, EXIT_BAD_INPUT if failure.bad_input else EXIT_FAILED)
