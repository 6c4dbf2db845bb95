"""Ops that look for harness cost from inside the processes that measure them (imported by workers).

``probes_harness`` records, once per process that runs it, what of
agnobench's could run inside a timed op there: whether the network guard's
audit hook sees an audited event, and any trace or profile function,
tracemalloc, GC callback or non-default handler of the signals a profiler
would use. The records go, one JSON line each, to the file named by
``AGNOBENCH_TEST_PROBE``.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import signal
import socket
import sys
import threading
import tracemalloc

PROBE_ENV = "AGNOBENCH_TEST_PROBE"
PROBE_EVENT = "agnobench.test.probe"
OBJECTS = [object() for _ in range(1000)]
_probed: set[int] = set()
_calls = 0


def probes_harness() -> int:
    pid = os.getpid()
    if pid in _probed:
        return pid
    _probed.add(pid)
    from agnobench.measure import netguard

    netguard.start_counting()  # counts only if netguard's hook is in this process
    sys.audit(PROBE_EVENT)
    seen = netguard.stop_counting()[PROBE_EVENT]
    record = {"pid": pid, "hook_saw_event": seen, "trace": sys.gettrace() is not None,
              "profile": sys.getprofile() is not None, "thread_trace": threading.gettrace() is not None,
              "thread_profile": threading.getprofile() is not None, "tracemalloc": tracemalloc.is_tracing(),
              "gc_callbacks": len(gc.callbacks), "switch_interval": sys.getswitchinterval(),
              "signals": sorted(s.name for s in (signal.SIGALRM, signal.SIGPROF, signal.SIGVTALRM)
                                if signal.getsignal(s) not in (signal.SIG_DFL, None))}
    with open(os.environ[PROBE_ENV], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    return pid


def calls_id_1000_times() -> None:
    """1,000 audited events per op (``builtins.id``), as deepcopy fires them."""
    ident = id
    for item in OBJECTS:
        ident(item)


def connects_late_and_swallows_it() -> None:
    """Tries the network only after its first calls (never in the check run) and hides the failure."""
    global _calls
    _calls += 1
    if _calls > 10:
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=0.2).close()
        except OSError:
            pass


_handler: threading.Thread | None = None
_events: "queue.Queue[int]" = queue.Queue()


def _handle() -> None:
    while True:
        _events.get()
        _events.task_done()


def hands_events_to_a_thread() -> bool:
    """Like CrewAI's run: the first call starts a handler thread, every call hands it an event and waits.
    Records, once per process, whether the handler is alive in the process that runs the op."""
    global _handler
    if _handler is None:
        _handler = threading.Thread(target=_handle, name="EventHandler", daemon=True)
        _handler.start()
    pid = os.getpid()
    if pid not in _probed:
        _probed.add(pid)
        with open(os.environ[PROBE_ENV], "a", encoding="utf-8") as out:
            out.write(json.dumps({"pid": pid, "handler_alive": _handler.is_alive()}) + "\n")
    if _handler.is_alive():
        _events.put(1)
        _events.join()
    return _handler.is_alive()
