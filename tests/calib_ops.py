"""Calibration operations whose answers are known, for the metric tests.

Copied next to the scenario files the tests write, so the worker process can
import them the way it imports a user's own module.
"""

from __future__ import annotations

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
    """Allocates K_OBJECTS instances per op (plus a list), retains nothing."""
    [Slotted() for _ in range(K_OBJECTS)]


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


def never_called_before() -> int:
    return len(sys.argv)
