"""Operations that misbehave the ways the reliability battery needs (imported by workers, not tests).

Addresses aimed at are from 192.0.2.0/24 (TEST-NET-1, documentation only),
and every test that runs them does so inside its own network namespace.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from agnobench.harness.layout import addresses_randomized  # no agno: _AGNO_AT_IMPORT stays true

TARGET = "192.0.2.1"
_started = False


def leaves_a_thread() -> int:
    """Starts one non-daemon thread that sleeps a minute, once per process, and returns."""
    global _started
    if not _started:
        _started = True
        threading.Thread(target=time.sleep, args=(60,), name="sleeper-left-by-op").start()
        _mark("worker")
    return 1


def returns_its_state(state: int) -> int:
    """An op whose setup (``leaves_a_thread``) started the thread: the worker itself then holds it."""
    return state


def _mark(kind: str) -> None:
    marker = os.environ.get("AGNOBENCH_TEST_MARKER")
    if marker:
        Path(f"{marker}.{kind}.{os.getpid()}").write_text(str(os.getpid()))


def hangs_with_a_child() -> None:
    """Starts a grandchild (``sleep``), records both pids, and hangs."""
    child = subprocess.Popen(["sleep", "300"])
    marker = os.environ.get("AGNOBENCH_TEST_MARKER")
    if marker:
        Path(f"{marker}.sleep.{child.pid}").write_text(str(child.pid))
    _mark("worker")
    time.sleep(300)


def connects_from_a_subprocess() -> None:
    """A child interpreter connects (as a tool an agent shells out to would); its failure is ignored."""
    code = f"import socket\ntry:\n    socket.create_connection(({TARGET!r}, 80), timeout=2)\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-I", "-c", code], check=False, timeout=30)


def connects_through_ctypes() -> None:
    """libc's connect() called directly: no Python socket call for the audit hook to see."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    # struct sockaddr_in: family in host order, port in network order, the address, 8 bytes of zeros
    address = struct.pack("=H", socket.AF_INET) + struct.pack("!H", 80) + socket.inet_aton(TARGET) + bytes(8)
    libc.connect(fd, ctypes.c_char_p(address), len(address))
    os.close(fd)


def connects_in_python() -> None:
    socket.create_connection((TARGET, 80), timeout=2)


def serves_on_loopback() -> int:
    """A loopback server and client in the worker's own namespace must still work."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5) as client:
            connection, _ = server.accept()
            with connection:
                client.sendall(b"ping")
                assert connection.recv(4) == b"ping"
    return 1


async def async_setup() -> dict:
    await asyncio.sleep(0)
    return {"ready": True}


def uses_async_state(state: dict) -> bool:
    if not isinstance(state, dict) or not state.get("ready"):
        raise TypeError(f"setup's coroutine was not awaited: got {state!r}")
    return True


# ---- the worker server (tests/harness/test_worker_server.py) ----------------------------------------------------

def _parent_command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def identity() -> dict:
    """Who this process is, and whether agno and another worker's leftovers were already here."""
    seen = getattr(sys, "_agnobench_taint", None)  # set by an earlier worker, if workers shared state
    sys._agnobench_taint = os.getpid()  # type: ignore[attr-defined]
    return {"pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0), "parent": _parent_command(os.getppid()),
            "agno_preloaded": _AGNO_AT_IMPORT, "taint_seen": seen, "hash_of_text": hash("agnobench"),
            "addresses_randomized": addresses_randomized()}


_AGNO_AT_IMPORT = "agno.agent" in sys.modules  # this module is imported by the worker, before any op runs


def _record_importer() -> None:
    """The worker imports this module (building the op) before any fork of its own, and never calls the op
    itself (its forks do): so the worker's identity is written here, once, at import."""
    marker = os.environ.get("AGNOBENCH_TEST_MARKER")
    if marker:
        import json

        Path(f"{marker}.identity.{os.getpid()}").write_text(json.dumps(identity()))


def records_its_worker() -> int:
    """The op of the worker-server scenarios: its worker recorded itself when it imported this module."""
    return 1


def work_identity(spec: dict, emit) -> dict:
    """A harness work function: the child's identity (run forked from a server, or as ``python -m``)."""
    if spec.get("hang_s"):
        _mark("worker")
        time.sleep(float(spec["hang_s"]))
    return identity()



_record_importer()

if __name__ == "__main__":
    from agnobench.harness.child import child_main

    child_main(work_identity)
