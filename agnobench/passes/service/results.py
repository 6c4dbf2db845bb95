"""The service pass's typed results: one :class:`ServerRun` per server configuration, one :class:`Level` per load.

Light on purpose (dataclasses only): the parent process reads them back from
results files for the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agnobench.core.model import Model
from agnobench.passes.service.spec import LoadResult


@dataclass
class Level:
    """The measured figures of one load level."""

    load: LoadResult
    server_cpu_s: float = 0.0
    server_cpu_per_request_ns: float = 0.0
    server_cores: float = 0.0  # server CPU ÷ wall time of the window
    generator_cores: float = 0.0  # generator CPU ÷ wall time
    generator_cpu_share: float = 0.0  # generator CPU ÷ (generator + server CPU): who had the machine
    rss_peak_bytes: int = 0
    in_flight: float = 0.0  # closed loop: the connections (each always has one request out); open loop: Little's law
    littles_law_in_flight: float = 0.0  # requests/s × mean latency, the cross-check
    memory_per_in_flight_bytes: float | None = None


@dataclass
class Capacity:
    """The search for the highest fixed rate held at p99 ≤ the goal (see agnobench.passes.service.capacity)."""

    goal_p99_ns: float
    generator: str = "builtin"  # the fixed-rate generator: "builtin" or "locust"
    rate: float | None = None  # the capacity, requests/s asked; None: the goal was not met even at the lowest rate
    trials: list[Level] = field(default_factory=list)  # fixed-rate windows in the order the search ran them
    met: list[bool] = field(default_factory=list)  # per trial: p99 ≤ goal and no error
    windows: list[Level] = field(default_factory=list)  # at the capacity rate: the trial that found it, then repeats
    warning: str = ""  # the repeated windows disagree
    bracketed: bool = False  # a rate just above missed the goal; False: the search stopped first (a floor: ≥)
    confirmed: bool = True  # most windows at ``rate`` met the goal (else the warning says so)

    @property
    def lowest(self) -> Level | None:
        return min(self.trials, key=lambda lv: lv.load.rate) if self.trials else None


@dataclass
class ServerRun:
    """One server configuration (app, worker processes) through all its levels."""

    workers: int
    generator: str
    pid: int = 0  # the server's process (group leader), gone when the run ended
    port: int = 0  # on 127.0.0.1, closed when the run ended
    rss_idle_bytes: int = 0
    rss_peak_bytes: int = 0
    processes: int = 0
    start_s: float = 0.0
    levels: list[Level] = field(default_factory=list)  # closed loop, in concurrency order
    knee_connections: int | None = None  # see stats.knee; None: throughput still grew at the last level
    rates: list[Level] = field(default_factory=list)  # open loop, in rate order
    capacity: Capacity | None = None
    load_network: str = ""  # generator = "locust": where the master, the workers and the server's address were


@dataclass
class ServiceResult(Model):
    """The service pass's details: what was served and asked, and every server configuration's levels."""

    app: str = ""
    request: str = ""  # "POST /agents/bench/runs"
    generator: str = ""  # "wrk" or "builtin" (open-loop rates are always built-in)
    llm_wait_ms: float = 0.0
    duration_s: float = 0.0
    warmup_s: float = 0.0
    machine_cores: int = 0  # os.cpu_count() where it ran: the capacity plan's "machines of this kind"
    stream: bool = False  # the request asks for server-sent events (time to first event is measured)
    runs: list[ServerRun] = field(default_factory=list)
