"""The arithmetic on measured capacities: per process, per core, scaling efficiency, and the 10,000 req/s plan.

Kept apart from the tables so tests can check it on synthetic results. Every
figure is computed from a :class:`ServerRun`'s capacity windows; nothing here
is measured or assumed.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from agnobench.passes.service.results import Level, ServerRun

PLAN_RPS = 10_000.0  # the Agno-Go document's scenario 2


@dataclass(frozen=True)
class CapacityFigures:
    """One server configuration's capacity at the goal and what it makes per process and per core."""

    processes: int  # uvicorn worker processes
    rate: float  # the capacity: requests/s asked at the highest rate that met the goal
    achieved: list[float]  # right answers/s in each window at that rate
    server_cores: float  # mean cores the server processes kept busy in those windows
    rss_bytes: float  # peak RSS of the server's processes in those windows (largest)

    @property
    def per_process(self) -> float:
        return self.rate / self.processes

    @property
    def per_busy_core(self) -> float | None:
        """req/s per core of server CPU actually used (capacity ÷ server cores busy)."""
        return self.rate / self.server_cores if self.server_cores > 0 else None


def figures(run: ServerRun) -> CapacityFigures | None:
    cap = run.capacity
    if cap is None or cap.rate is None or not cap.windows:
        return None
    windows: list[Level] = cap.windows
    return CapacityFigures(processes=run.workers, rate=cap.rate, achieved=[w.load.throughput for w in windows],
                           server_cores=statistics.fmean(w.server_cores for w in windows),
                           rss_bytes=float(max(w.rss_peak_bytes for w in windows)))


def efficiency(one: CapacityFigures, many: CapacityFigures) -> float:
    """Scaling efficiency of N processes against one: capacity(N) ÷ (N × capacity(1))."""
    return many.rate / (many.processes * one.rate)


@dataclass(frozen=True)
class Plan:
    """Cores, machines and memory for ``target`` req/s at the goal, from one process's capacity."""

    target: float
    per_process: float  # req/s one process held at the goal (≤ one core: one Python process, one GIL)
    processes: int  # = cores at 100 % scaling
    machine_cores: int
    machines: int
    rss_per_process: float
    memory_bytes: float
    efficiency: float | None = None  # measured at the most processes, when more than one was measured
    processes_at_efficiency: int | None = None
    cores_by_cpu: int | None = None  # ⌈target ÷ req/s per busy core⌉: cores kept busy at the measured CPU/request


def plan(one: CapacityFigures, machine_cores: int, best_efficiency: float | None,
         target: float = PLAN_RPS) -> Plan:
    processes = math.ceil(target / one.per_process)
    at_eff = math.ceil(target / (one.per_process * best_efficiency)) if best_efficiency else None
    cores = at_eff or processes
    by_cpu = math.ceil(target / one.per_busy_core) if one.per_busy_core else None
    return Plan(target=target, per_process=one.per_process, processes=processes, machine_cores=machine_cores,
                machines=math.ceil(cores / max(1, machine_cores)), rss_per_process=one.rss_bytes,
                memory_bytes=cores * one.rss_bytes, efficiency=best_efficiency, processes_at_efficiency=at_eff,
                cores_by_cpu=by_cpu)
