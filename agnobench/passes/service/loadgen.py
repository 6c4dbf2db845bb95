"""The built-in load generator: ``python -m agnobench.passes.service.loadgen`` (used when ``wrk`` is absent).

It reads a :class:`~agnobench.passes.service.spec.LoadSpec` as JSON on stdin and
writes a :class:`~agnobench.passes.service.spec.LoadResult` as JSON on stdout. It runs
in its own process, so its CPU is its own (the parent reports it as the
generator's share) and it never shares an interpreter lock with the server.

Closed loop: ``connections`` keep-alive connections, each sending its next
request as soon as the previous answer is in (what wrk does). Open loop: a
schedule of one request every ``1/rate`` s; each goes out on a free
connection (a new one is opened when none is free, up to
``max_connections``), and its latency is counted from its *intended* start on
the schedule, not from when it was actually sent, so a stalled server or
generator cannot hide its queueing delay (no coordinated omission, as wrk2
does it). Every answer is parsed and checked: status and the echo of the
request's own token.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

from agnobench.passes.service import hdr
from agnobench.passes.service.spec import LoadResult, LoadSpec
from agnobench.passes.service.stats import LatencySummary, summarize_latencies

LOOPBACK = ("127.", "localhost", "::1")


class Latencies:
    """Latencies of right answers: an HDR histogram when ``hdrhistogram`` is installed (mergeable across
    generators), else every value kept (exact percentiles of one generator)."""

    def __init__(self) -> None:
        self.histogram = hdr.new() if hdr.available() else None
        self.values: list[int] = []
        self.count = 0

    def add(self, latency_ns: int) -> None:
        self.count += 1
        if self.histogram is not None:
            hdr.record(self.histogram, latency_ns)
        else:
            self.values.append(latency_ns)

    def summary(self) -> LatencySummary:
        return hdr.summarize(self.histogram) if self.histogram is not None else summarize_latencies(self.values)

    def encoded(self) -> str:
        return hdr.encode(self.histogram) if self.histogram is not None else ""


class Recorder:
    """Counts and latencies of one run, from the generator's side."""

    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.latencies = Latencies()
        self.first_events = Latencies()  # time to the first byte of the answer's body (the first SSE event)
        self.wrong = self.socket_errors = self.timeouts = self.late = 0
        self.first_wrong = ""
        self.counter = 0

    def token(self) -> str:
        self.counter += 1
        return f"{self.spec.token_prefix}{self.counter}"

    def answer(self, status: int, body: bytes, token: str, latency_ns: int, first_ns: int = 0) -> None:
        if self.spec.request.answer_ok(status, body, token):
            self.latencies.add(latency_ns)
            if first_ns:
                self.first_events.add(first_ns)
            return
        self.wrong += 1
        if not self.first_wrong:
            self.first_wrong = f"status {status}: {body[:200].decode(errors='replace')}"


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool, int]:
    """(status, body, keep-alive, when its first body bytes came) of one HTTP/1.1 response (Content-Length or
    chunked; for a server-sent event stream the first chunk is the first event)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    keep_alive = headers.get("connection", "").lower() != "close"
    first_ns = 0
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2))
            first_ns = first_ns or time.perf_counter_ns()
            if size == 0:
                break
        body = b"".join(p[:-2] for p in parts)
    else:
        body, keep_alive = await reader.read(), False
    return status, body, keep_alive, first_ns or time.perf_counter_ns()


class Connection:
    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, payload: bytes) -> tuple[int, bytes, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.spec.host, self.spec.port)
        assert self.reader is not None
        self.writer.write(payload)
        status, body, keep_alive, first_ns = await _read_response(self.reader)
        if not keep_alive:
            self.close()
        return status, body, first_ns

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _one(conn: Connection, rec: Recorder, started_ns: int) -> None:
    """Send one request on ``conn``, latency counted from ``started_ns``."""
    spec, token = rec.spec, rec.token()
    try:
        async with asyncio.timeout(spec.timeout_s):
            status, body, first_ns = await conn.exchange(spec.request.encode(spec.host, spec.port, token))
    except TimeoutError:
        rec.timeouts += 1
        conn.close()
        return
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
        rec.socket_errors += 1
        conn.close()
        return
    rec.answer(status, body, token, time.perf_counter_ns() - started_ns, first_ns - started_ns)


async def closed_loop(spec: LoadSpec, rec: Recorder) -> None:
    deadline = time.perf_counter() + spec.duration_s

    async def client() -> None:
        conn = Connection(spec)
        while time.perf_counter() < deadline:
            await _one(conn, rec, time.perf_counter_ns())
        conn.close()

    await asyncio.gather(*(client() for _ in range(spec.connections)))


async def open_loop(spec: LoadSpec, rec: Recorder) -> None:
    free: list[Connection] = []
    opened = 0
    slot = asyncio.Semaphore(spec.max_connections)
    tasks: set[asyncio.Task[None]] = set()

    async def send(intended_ns: int) -> None:
        nonlocal opened
        async with slot:
            if free:
                conn = free.pop()
            else:
                conn, opened = Connection(spec), opened + 1
            if time.perf_counter_ns() - intended_ns > 1_000_000:
                rec.late += 1
            await _one(conn, rec, intended_ns)
            free.append(conn)

    interval_ns = int(1e9 / spec.rate)
    start = time.perf_counter_ns()
    total = int(spec.duration_s * spec.rate)
    for index in range(total):
        intended = start + index * interval_ns
        delay = (intended - time.perf_counter_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.get_running_loop().create_task(send(intended))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(list(tasks), timeout=spec.timeout_s + 1)
    for conn in free:
        conn.close()


def run(spec: LoadSpec) -> LoadResult:
    if not spec.host.startswith(LOOPBACK):
        raise ValueError(f"the load generator only targets loopback addresses, not {spec.host!r}")
    return measure(spec)


def measure(spec: LoadSpec) -> LoadResult:
    """One run against ``spec``'s address (callers check the address: loopback here, the run's own network
    namespaces for the Locust workers)."""
    rec = Recorder(spec)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    asyncio.run(open_loop(spec, rec) if spec.rate > 0 else closed_loop(spec, rec))
    wall = time.perf_counter() - wall0
    return LoadResult(
        generator="builtin", connections=spec.connections, duration_s=wall if spec.rate <= 0 else spec.duration_s,
        good=rec.latencies.count, wrong=rec.wrong, socket_errors=rec.socket_errors, timeouts=rec.timeouts,
        latency=rec.latencies.summary(), generator_cpu_s=time.process_time() - cpu0,
        rate=spec.rate, late_sends=rec.late, first_wrong=rec.first_wrong, histogram=rec.latencies.encoded(),
        first_event=rec.first_events.summary(), first_event_histogram=rec.first_events.encoded())


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> int:
    _raise_fd_limit()
    spec = LoadSpec.from_dict(json.loads(sys.stdin.read()))
    sys.stdout.write(json.dumps(run(spec).to_dict()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
