"""The service suite's tables: a saturation table per scenario, and the document's three claims.

The saturation table lists every load level of every server configuration
(closed-loop connections, then open-loop rates) with the level where more
connections stopped buying throughput marked as the knee. The claims table
sets the document's scenario 2 ("10,000 req/s; < 1 ms excluding the LLM;
10,000 × 1.2 KB = 12 MB") beside what was measured here, with the ratio.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.reporters.format import format_bytes, format_count, format_ns
from agnobench.reporters.realworld import _decimal_bytes
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult
from agnobench.passes.service.results import Level, ServerRun, ServiceResult

CLAIM_RPS = 10_000.0
CLAIM_LATENCY_NS = 1e6
CLAIM_AGENTS, CLAIM_BYTES_PER_AGENT = 10_000, 1_200.0
MEANINGFUL_IN_FLIGHT = 10  # below this, (RSS − idle) ÷ N is mostly noise of a few pages


def _service(result: ScenarioResult) -> ServiceResult | None:
    if not result.ok:
        return None
    found = result.result_of("service")
    return found if isinstance(found, ServiceResult) and found.runs else None


def _errors(level: Level) -> str:
    load = level.load
    parts = [f"{n} {what}" for n, what in ((load.wrong, "wrong"), (load.socket_errors, "socket"),
                                           (load.timeouts, "timeout")) if n]
    return ", ".join(parts) or "0"


def _row(run: ServerRun, level: Level, label: str, knee: bool) -> list[str]:
    load, lat = level.load, level.load.latency
    memory = level.memory_per_in_flight_bytes
    return [str(run.workers), label + (" ◀ knee" if knee else ""), format_count(load.throughput),
            format_ns(lat.p50), format_ns(lat.p90), format_ns(lat.p99), format_ns(lat.p999), format_ns(lat.max),
            _errors(level), format_ns(level.server_cpu_per_request_ns), f"{level.server_cores:.2f}",
            f"{level.generator_cores:.2f} ({100 * level.generator_cpu_share:.0f}%)", format_bytes(level.rss_peak_bytes),
            format_count(level.in_flight),
            format_bytes(memory) if memory is not None and level.in_flight >= MEANINGFUL_IN_FLIGHT else "—"]


def saturation_section(result: ScenarioResult, service: ServiceResult, explain: bool = True) -> Section:
    rows: list[list[str]] = []
    knees = []
    for run in service.runs:
        for level in run.levels:
            rows.append(_row(run, level, f"{level.load.connections} conn",
                             level.load.connections == run.knee_connections))
        for level in run.rates:
            rows.append(_row(run, level, f"{level.load.rate:g}/s open", False))
        knees.append(f"{run.workers} worker{'s' if run.workers > 1 else ''}: " +
                     (f"{run.knee_connections} connections" if run.knee_connections else
                      "none within the levels measured (req/s still rising)") +
                     f", idle RSS {format_bytes(run.rss_idle_bytes)} over {run.processes} process(es)")
    wait = f", mock LLM wait {service.llm_wait_ms:g} ms" if service.llm_wait_ms else ""
    notes = [
        f"knee (the last level before req/s grew < 10 % with more connections) — " + "; ".join(knees) + ".",
        f"{service.request} to {service.app}{wait}; {service.generator} closed loop ({service.duration_s:g} s per "
        f"level after {service.warmup_s:g} s warm-up)" + ("; 'open' rows: built-in generator at a fixed rate, "
                                                          "latency from each request's scheduled start (no "
                                                          "coordinated omission)." if any(r.rates for r in service.runs)
                                                          else "."),
    ]
    notes += [] if not explain else [
        "req/s counts right answers only (status and the request's own token checked in every response); "
        "errors: wrong answers fail the scenario, socket errors and timeouts are counted here.",
        "server CPU/req: the server processes' CPU over the window ÷ answers; cores: CPU ÷ wall time; gen: the "
        "generator's cores and its share of generator + server CPU (near 50 %+ the generator, not the server, "
        "may be the limit). mem/in flight: (peak RSS − idle RSS) ÷ requests in flight (closed loop: the "
        f"connections), shown from {MEANINGFUL_IN_FLIGHT} in flight.",
    ]
    columns = ["workers", "load", "req/s", "p50", "p90", "p99", "p99.9", "max", "errors", "server CPU/req",
               "server cores", "gen cores (share)", "peak RSS", "in flight", "mem/in flight"]
    return Section(title=f"{result.name}: saturation", columns=columns, rows=rows,
                   right=set(range(2, len(columns))) - {8}, notes=notes)


def _claim_rows(result: ScenarioResult, service: ServiceResult) -> list[list[str]]:
    """Without a simulated LLM wait: throughput and latency; behind one: memory per request in flight."""
    rows = []
    for run in (r for r in service.runs if r.levels):
        who = f"{result.name} ({run.workers}w)"
        if not service.llm_wait_ms:
            peak = max(run.levels, key=lambda lv: lv.load.throughput)
            rows.append(["10,000 req/s", who, f"{format_count(peak.load.throughput)} req/s at "
                         f"{peak.load.connections} conn", "10,000 req/s", f"×{peak.load.throughput / CLAIM_RPS:.3g}"])
            lowest = run.levels[0]
            rows.append(["< 1 ms per request excluding the LLM call", who,
                         f"p50 {format_ns(lowest.load.latency.p50)}, p99 {format_ns(lowest.load.latency.p99)} at "
                         f"{lowest.load.connections} conn", "< 1 ms",
                         f"×{lowest.load.latency.p50 / CLAIM_LATENCY_NS:.3g}"])
            continue
        top = run.levels[-1]
        if top.memory_per_in_flight_bytes is not None:
            per = top.memory_per_in_flight_bytes
            rows.append(["10,000 × 1.2 KB = 12 MB", who,
                         f"{_decimal_bytes(per)} per request at {format_count(top.in_flight)} in flight → "
                         f"{_decimal_bytes(per * CLAIM_AGENTS)} for 10,000", "12 MB",
                         f"×{per / CLAIM_BYTES_PER_AGENT:.3g}"])
    return rows


def claims_section(pairs: Sequence[tuple[ScenarioResult, ServiceResult]]) -> Section | None:
    rows = [row for result, service in pairs for row in _claim_rows(result, service)]
    if not rows:
        return None
    return Section(title="The document's scenario 2 (high-concurrency API service) beside the measured figures",
                   columns=["claim", "scenario", "measured here", "document", "here ÷ document"], rows=rows,
                   right={4}, wrap=2, notes=[
                       "document: Agno-Go, 実世界シナリオ2 — 10,000 req/s, one agent per request, 12 MB for 10,000 "
                       "agents, < 1 ms excluding the LLM call. Its figures are arithmetic (N × one op), ours are "
                       "measured through uvicorn and a real load generator on this machine (both on the same cores).",
                       "req/s and latency from the scenarios without a simulated LLM wait (latency at the lowest "
                       "level, ratio on p50); memory from those with one: RSS growth over idle per request in "
                       "flight at the highest level, in the "
                       "document's decimal units (1 KB = 1,000 B); it includes the request's socket, its task and "
                       "its agent, and Python's allocator keeping freed memory."])


def service_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    from agnobench.passes.service.report_capacity import (capacity_section, overhead_section, plan_section,
                                                      streaming_section)

    pairs = [(r, s) for r in results if (s := _service(r)) is not None]
    sections = [saturation_section(r, s, explain=index == 0) for index, (r, s) in enumerate(pairs)]
    sections += streaming_section(pairs)
    extra = [capacity_section(pairs), plan_section(pairs), overhead_section(pairs), claims_section(pairs)]
    return sections + [section for section in extra if section is not None]


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """This package's tables for one suite (found by :mod:`agnobench.reporters.hooks`)."""
    return service_sections(results)
