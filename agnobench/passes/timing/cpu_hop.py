"""Time on whichever CPU is fast right now: a timing child moves when its kernel says it is slow.

Measured on these 2-vCPU VMs (docs/timing.md): each vCPU has its own slow
phases (a neighbour on its host core), seconds long and independent of the
other's. Over 150 s of the reference kernel timed on one vCPU and then the
other every 55 ms, each was at full speed ~35 % of the time and at least one
of them 56 % of the time; times when both were slow lasted under 1 s, at
most 5 s. A process that stays where the scheduler put it (the scheduler
does not know a vCPU is slow) can spend a whole scenario's timing in one
vCPU's slow phase; the op then reads 3-16 % high against the kernel, and
nothing in the run can tell how much. So a timing child pins itself to the
fastest CPU it is allowed on and, whenever a kernel burst runs slower than
the fast level, moves to the next one and runs one discarded pair there
(the caches it left behind) before timing again — at most ``MAX_HOPS`` times.
A timing that found no fast phase at all can wait a moment for a fast CPU
(:func:`wait_for_fast_cpu`) before it times again.

With a single allowed CPU, or where affinity cannot be set, it does nothing.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Callable

_PROBE_BURSTS = 2  # kernel bursts per CPU when choosing where to start; not varied (docs/timing.md, Constants)
MAX_PROBED = 8  # derived: a look is 3 kernel bursts, ~1.4 ms; 8 CPUs ~11 ms of a 90 ms child (2 vCPUs: never binds)
# Moves per child. A child lasts ~0.1 s and a phase seconds, so where the child starts (the fastest CPU
# then) does most of the good; when every CPU is slow, unbounded moves cost a discarded pair after
# nearly every pair (measured: ~1,000 moves per scenario, its timing twice as long). In the ablation study at load
# 6-11 every child made both moves (docs/timing.md, Ablation).
MAX_HOPS = 2


def _allowed_cpus() -> list[int]:
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return []


def _pin(cpu: int) -> bool:
    try:
        os.sched_setaffinity(0, {cpu})
        return True
    except OSError:
        return False


def _look(cpu: int, kernel_burst: Callable[[], float], bursts: int) -> list[float] | None:
    """Pin to ``cpu`` (-1: stay) and time ``bursts`` kernel bursts there, after one on the caches left
    behind; None if the process may not move there."""
    if cpu >= 0 and not _pin(cpu):
        return None
    kernel_burst()
    return [kernel_burst() for _ in range(bursts)]


class CpuHopper:
    """Where a timing child runs: the fastest CPU at its start, the next one after a slow kernel burst.

    ``fast_ns`` is the kernel time (ns per call) a burst must not exceed by more than
    ``tolerance`` to count as fast: the machine's recent fast phase, else its record; lowered to the
    fastest burst this child has seen.
    """

    def __init__(self, fast_ns: float | None, tolerance: float, cpus: list[int] | None = None) -> None:
        allowed = _allowed_cpus() if cpus is None else cpus
        self.cpus = allowed[:MAX_PROBED] if len(allowed) > 1 else []
        self.fast_ns = fast_ns
        self.tolerance = tolerance
        self.hops = 0
        self._index = 0

    @property
    def active(self) -> bool:
        return bool(self.cpus)

    def start(self, kernel_burst: Callable[[], float]) -> None:
        """Pin to the CPU whose kernel bursts run fastest now (``kernel_burst`` returns ns per call)."""
        if not self.active:
            return
        timed = []
        for index, cpu in enumerate(self.cpus):
            looked = _look(cpu, kernel_burst, _PROBE_BURSTS)
            if looked is None:
                self.cpus = []  # not allowed to move after all: stay where the scheduler puts us
                return
            timed.append((min(looked), index))
        best_ns, self._index = min(timed)
        self._see(best_ns)
        _pin(self.cpus[self._index])

    def _see(self, kernel_ns: float) -> None:
        if kernel_ns > 0 and (self.fast_ns is None or kernel_ns < self.fast_ns):
            self.fast_ns = kernel_ns

    def after_pair(self, kernel_ns: float) -> bool:
        """Move on to the next CPU if this kernel burst was slow; whether it moved (then run one
        pair and discard it before timing again)."""
        if not self.active or kernel_ns <= 0 or self.hops >= MAX_HOPS:
            return False
        self._see(kernel_ns)
        assert self.fast_ns is not None
        if kernel_ns <= (1 + self.tolerance) * self.fast_ns:
            return False
        self._index = (self._index + 1) % len(self.cpus)
        if not _pin(self.cpus[self._index]):
            self.cpus = []
            return False
        self.hops += 1
        return True


POLL_PAUSE_S = 0.02  # between two looks at every CPU while waiting for a fast one; not varied (docs/timing.md)
# Bursts per look, after the cold one: the median decides. One fast burst is not a fast phase: in the first
# trial that took one, the children timed right after found the CPU slow again.
LOOK_BURSTS = 3
# Looks in a row in which a CPU must be fast (POLL_PAUSE_S apart). One fast look was not one either: in a
# gate trial, a timing in the middle slow phase waited 0.22 s for one, and every child after it ran in the
# deep slow phase.
FAST_LOOKS = 2


def wait_for_fast_cpu(kernel_burst: Callable[[], float], fast_ns: float, tolerance: float, budget_s: float,
                      cpus: list[int] | None = None) -> tuple[bool, float]:
    """Look at every allowed CPU's kernel speed every ``POLL_PAUSE_S`` until one has run within ``tolerance`` of
    ``fast_ns`` in ``FAST_LOOKS`` looks in a row, or ``budget_s`` has passed; whether one did, and the seconds it
    waited. Pins the calling process (to the CPU it found fast, if any): call it in a child. Where both vCPUs
    were slow, one of them was fast again within 0.25 s at the median, 1.3 s at the 90th percentile
    (docs/timing.md)."""
    allowed = (_allowed_cpus() if cpus is None else cpus)[:MAX_PROBED] or [-1]
    fast_looks = dict.fromkeys(allowed, 0)
    started = time.monotonic()
    while True:
        for cpu in allowed:
            looked = _look(cpu, kernel_burst, LOOK_BURSTS)
            if looked is None:  # cannot move: watch the CPU we are on from the next round
                allowed, fast_looks = [-1], {-1: 0}
                break
            fast = statistics.median(looked) <= (1 + tolerance) * fast_ns
            fast_looks[cpu] = fast_looks[cpu] + 1 if fast else 0
            if fast_looks[cpu] >= FAST_LOOKS:
                return True, time.monotonic() - started
        if time.monotonic() - started >= budget_s:
            return False, time.monotonic() - started
        time.sleep(POLL_PAUSE_S)
