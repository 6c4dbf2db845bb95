"""Calibration operations whose answers are known, for the metric tests.

Copied next to the scenario files the tests write, so the worker process can
import them the way it imports a user's own module.
"""

from __future__ import annotations

import itertools
import os
import socket
import sys


class Slotted:
    __slots__ = ("a",)


K_OBJECTS = 50


def bytearray_1000() -> bytearray:
    """Retains exactly sys.getsizeof(bytearray(1000)) per op."""
    return bytearray(1000)


def k_objects() -> None:
    """Allocates K_OBJECTS instances and one itertools.repeat per op, retains nothing."""
    for _ in itertools.repeat(None, K_OBJECTS):
        Slotted()


def calls_only(depth: int = 30) -> int:
    """Makes `depth` Python calls and allocates nothing (small ints are cached)."""
    return _recurse(depth)


def _recurse(n: int) -> int:
    return _recurse(n - 1) + 1 if n else 0


def noop() -> None:
    return None


def make_state() -> dict:
    return {"calls": 0}


def uses_setup(state: dict) -> int:
    state["calls"] += 1
    return state["calls"]


def raises() -> None:
    raise RuntimeError("boom from the operation")


def crashes() -> None:
    os._exit(3)


def opens_socket() -> None:
    """Tries to reach a non-local address: the network guard must refuse it."""
    socket.create_connection(("192.0.2.1", 9), timeout=0.5)


def sleeps_forever() -> None:
    import time

    time.sleep(3600)


def returns_false_check(result: object) -> bool:
    return False


def runs_agent_with_telemetry_forced_on() -> None:
    """Overrides agnobench's AGNO_TELEMETRY=false: agno then tries to post telemetry."""
    os.environ["AGNO_TELEMETRY"] = "true"
    from agnobench.adapters.agno.creation import create_simple, shared_parts

    create_simple(shared_parts()).run("hello")


def runs_agent() -> object:
    """A complete offline agno run: telemetry would post after it unless turned off."""
    from agnobench.adapters.agno.creation import create_simple, shared_parts

    output = create_simple(shared_parts()).run("hello")
    assert output.content and "hello" in output.content, output.content
    return output


def argv_length() -> int:
    return len(sys.argv)


def allocates_gigabytes() -> bytearray:
    """More than a 1 GiB address-space limit allows: MemoryError in the worker."""
    return bytearray(4 * 1024**3)


def parse_with_tabulate() -> int:
    """Imports a third-party package inside the op: the results must record its version."""
    import tabulate

    return len(tabulate.tabulate([[1]]))
