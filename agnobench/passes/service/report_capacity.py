"""The service suite's capacity tables: capacity at the p99 goal per server configuration, the plan for the
document's 10,000 req/s, AgentOS against a bare route, and streaming's time to first and last event.

Every figure is read from the measured windows (agnobench.passes.service.plan does the
arithmetic); where the goal was never met the table says at which rate and
with what p99, never a capacity of zero.
"""

from __future__ import annotations

import statistics
from typing import Callable, Sequence

from agnobench.reporters.format import format_bytes, format_count, format_ns
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult
from agnobench.passes.service import plan as arithmetic
from agnobench.passes.service.results import Capacity, Level, ServerRun, ServiceResult

Pair = tuple[ScenarioResult, ServiceResult]
AGENTOS, BARE = "agnobench.passes.service.apps:agentos_app", "agnobench.passes.service.apps:bare_agent_app"


def _trials(cap: Capacity) -> str:
    return " → ".join(f"{lv.load.rate:.4g}/s {format_ns(lv.load.latency.p99) if lv.load.good else 'no answer'}"
                      f"{'' if not lv.load.errors else f' ({lv.load.errors} err)'} {'✓' if met else '✗'}"
                      for lv, met in zip(cap.trials, cap.met))


def _capacity_cell(run: ServerRun) -> str:
    cap = run.capacity
    assert cap is not None
    found = arithmetic.figures(run)
    if found is None:
        lowest = cap.lowest
        if lowest is None:
            return "no trial ran"
        p99 = format_ns(lowest.load.latency.p99) if lowest.load.good else "no right answer"
        return f"goal not met at {lowest.load.rate:.4g} req/s (p99 {p99}, {lowest.load.errors} errors)"
    return (("" if cap.bracketed else "≥ ") + f"{format_count(found.rate)} req/s" +
            ("" if cap.confirmed else " unconfirmed") + (" ⚠" if cap.warning else ""))


def capacity_section(pairs: Sequence[Pair]) -> Section | None:
    rows, notes = [], []
    for result, service in pairs:
        one = next((arithmetic.figures(r) for r in service.runs if r.workers == 1), None)
        for run in service.runs:
            cap = run.capacity
            if cap is None:
                continue
            found = arithmetic.figures(run)
            windows = cap.windows
            p50 = statistics.median(w.load.latency.p50 for w in windows) if windows else None
            p99s = [w.load.latency.p99 for w in windows]
            p99 = (format_ns(statistics.median(p99s)) + (f" ({format_ns(min(p99s))}–{format_ns(max(p99s))})"
                                                         if len(p99s) > 1 else "")) if p99s else "—"
            per_core = found.per_busy_core if found else None
            eff = f"{100 * arithmetic.efficiency(one, found):.0f}%" if found and one and run.workers > 1 else "—"
            rows.append([result.name, str(run.workers), f"{cap.goal_p99_ns / 1e6:g} ms", _capacity_cell(run),
                         format_count(found.per_process) if found else "—",
                         format_count(per_core) if per_core else "—", eff,
                         format_ns(p50) if p50 is not None else "—", p99,
                         f"{statistics.fmean(w.server_cores for w in windows):.2f}" if windows else "—",
                         cap.generator, _trials(cap)])
            if cap.warning:
                notes.append(f"⚠ {result.name} ({run.workers} process{'es' if run.workers > 1 else ''}): "
                             f"{cap.warning}.")
            if run.load_network:
                notes.append(f"{result.name}: Locust {run.load_network}.")
    if not rows:
        return None
    notes += [
        "capacity: the highest fixed arrival rate (requests/s, open loop) at which p99 stayed ≤ the goal with no "
        "socket error or timeout; latency counted from each request's scheduled send, recorded in HDR histograms. "
        "Found by doubling/halving, then bisecting to within 10 % (≥: the trial budget ran out before a higher rate "
        "missed the goal: a floor). p50/p99/server cores: medians over the windows at that rate (the trial that "
        "found it and its repeats; p99's range in brackets); ⚠: they disagree, see the lines above.",
        "per process: capacity ÷ uvicorn worker processes (one Python process uses at most one core). per busy "
        "core: capacity ÷ the cores the server processes kept busy in those windows. scaling: capacity(N) ÷ "
        "(N × capacity(1)). The generator runs on the same cores, so more processes compete with it: the scaling "
        "here is a floor for a machine that only serves.",
    ]
    columns = ["scenario", "processes", "p99 goal", "req/s at p99 ≤ goal", "per process", "per busy core",
               "scaling", "p50", "p99", "server cores", "generator", "search (rate p99 met?)"]
    return Section(title="Capacity at the latency goal", columns=columns, rows=rows, right={1, 4, 5, 6, 7, 8, 9},
                   wrap=11, notes=notes)


def plan_section(pairs: Sequence[Pair]) -> Section | None:
    rows = []
    for result, service in pairs:
        figs = [(run.workers, arithmetic.figures(run)) for run in service.runs
                if run.capacity is not None and run.capacity.confirmed]
        one = next((f for w, f in figs if w == 1 and f is not None), None)
        if one is None:
            continue
        most = max(((w, f) for w, f in figs if f is not None and w > 1), default=None, key=lambda p: p[0])
        eff = arithmetic.efficiency(one, most[1]) if most else None
        p = arithmetic.plan(one, service.machine_cores or 1, eff)
        at_eff = (f"; at the {100 * eff:.0f}% scaling measured with {most[0]} processes: {p.processes_at_efficiency:,} "
                  f"cores" if most and eff and p.processes_at_efficiency else "")
        wait = f" (mock LLM wait {service.llm_wait_ms:g} ms)" if service.llm_wait_ms else ""
        by_cpu = (f"; at the CPU per request measured ({format_count(one.per_busy_core or 0)} req/s per busy core): "
                  f"{p.cores_by_cpu:,}" if p.cores_by_cpu else "")
        rows.append([result.name + wait, f"{format_count(p.per_process)} req/s",
                     f"{p.processes:,} cores at 100% scaling{at_eff}{by_cpu}",
                     f"{p.machines:,} × {p.machine_cores} cores",
                     f"{format_bytes(p.memory_bytes)} ({format_bytes(p.rss_per_process)} per process)"])
    if not rows:
        return None
    return Section(title=f"Capacity plan: {arithmetic.PLAN_RPS:,.0f} req/s at the p99 goal (the document's scenario 2)",
                   columns=["scenario", "one process holds", "cores needed", "machines of this kind", "memory"],
                   rows=rows, right=set(), wrap=2, notes=[
                       "arithmetic on the figures measured above: cores = ⌈10,000 ÷ one process's capacity at the "
                       "goal⌉ (a uvicorn process uses at most one core), and again divided by the scaling "
                       "efficiency measured at the most processes, and ⌈10,000 ÷ req/s per busy core⌉ (what the "
                       "requests cost in CPU, the figure least moved by other work on a shared machine, a floor: "
                       "a core kept 100 % busy does not hold p99); machines = ⌈cores ÷ this machine's cores⌉ "
                       "(from the scaling-corrected count where there is one); "
                       "memory = cores × one process's peak RSS at its capacity. It assumes the load generator "
                       "runs elsewhere and that processes scale as measured; the load balancer in front is not "
                       "counted."])


def _confirmed(run: ServerRun) -> arithmetic.CapacityFigures | None:
    return arithmetic.figures(run) if run.capacity is not None and run.capacity.confirmed else None


def _row(label: str, a: float, b: float, fmt: Callable[[float], str]) -> list[str]:
    return [label, fmt(a), fmt(b), fmt(a - b), f"×{a / b:.3g}" if b else "—"]


def _overhead_rows(agentos: Pair, bare: Pair) -> list[list[str]]:
    """Each row compares the two apps at the same load: the same closed-loop level, or each one's capacity."""
    rows = []
    os_run, bare_run = agentos[1].runs[0], bare[1].runs[0]
    bare_levels = {lv.load.connections: lv for lv in bare_run.levels}
    for level in os_run.levels:
        other = bare_levels.get(level.load.connections)
        if other is not None:
            conn = f"{level.load.connections} connection{'s' if level.load.connections > 1 else ''}"
            rows.append(_row(f"server CPU per request at {conn}", level.server_cpu_per_request_ns,
                             other.server_cpu_per_request_ns, format_ns))
            if level is os_run.levels[0]:
                rows.append(_row(f"p50 at {conn} (no queueing)", level.load.latency.p50,
                                 other.load.latency.p50, format_ns))
    fa, fb = _confirmed(os_run), _confirmed(bare_run)
    if fa and fb and fa.processes == fb.processes:
        rows.append(_row(f"req/s at p99 ≤ goal ({fa.processes} process)", fa.rate, fb.rate, format_count))
        rows.append(_row("time per request at that capacity (1 ÷ req/s per process)", 1e9 / fa.per_process,
                         1e9 / fb.per_process, format_ns))
    return rows


def overhead_section(pairs: Sequence[Pair]) -> Section | None:
    def find(app: str) -> Pair | None:
        return next(((r, s) for r, s in pairs if s.app == app and not s.stream and not s.llm_wait_ms and s.runs),
                    None)

    agentos, bare = find(AGENTOS), find(BARE)
    if agentos is None or bare is None:
        return None
    rows = _overhead_rows(agentos, bare)
    if not rows:
        return None
    return Section(title=f"AgentOS overhead: {agentos[0].name} against {bare[0].name}",
                   columns=["figure", "AgentOS", "bare FastAPI route", "AgentOS adds", "ratio"], rows=rows,
                   right={1, 2, 3, 4}, notes=[
                       "the same agent (mock model, same instructions) answering the same form request, each row at "
                       "the same load for both (capacity rows only where both capacities were confirmed); the bare "
                       "route awaits agent.arun and returns its content. The difference is what AgentOS's layer "
                       "(its routing, run bookkeeping, session handling, response model) costs per request here."])


def _stream_row(label: str, level: Level) -> list[str]:
    first, last = level.load.first_event, level.load.latency
    return [label, format_count(level.load.throughput), format_ns(first.p50), format_ns(first.p99),
            format_ns(last.p50), format_ns(last.p99)]


def streaming_section(pairs: Sequence[Pair]) -> list[Section]:
    sections = []
    for result, service in pairs:
        if not service.stream:
            continue
        rows = []
        for run in service.runs:
            rows += [_stream_row(f"{run.workers}p, {lv.load.connections} conn", lv) for lv in run.levels
                     if lv.load.first_event.count]
            rows += [_stream_row(f"{run.workers}p, {lv.load.rate:.4g}/s fixed", lv)
                     for lv in run.rates + (run.capacity.windows if run.capacity else []) if lv.load.first_event.count]
        if rows:
            sections.append(Section(
                title=f"{result.name}: server-sent events, time to first and to last event", rows=rows,
                columns=["load", "req/s", "first event p50", "first event p99", "last event p50", "last event p99"],
                right={1, 2, 3, 4, 5}, notes=[
                    "first event: from the request's start (its scheduled send at a fixed rate) to the first chunk "
                    "of the event stream (AgentOS's RunStarted); last event: to the end of the stream (the "
                    "RunCompleted event, whose content is checked). Built-in generator (wrk cannot time a chunk)."]))
    return sections
