"""Cold import: what one ``import`` costs a fresh interpreter, start-up subtracted.

Import time is paid once per process, so it dominates CLI tools, serverless
cold starts and short-lived workers. Each sample is a pair of fresh
interpreters started alike (same executable, flags, environment and working
directory): one runs ``pass``, the other the import statement. The pair is
taken back to back so both see the same phase of a machine whose speed
drifts, and the sample is their difference — never clamped, so noise shows
as spread rather than being hidden. One discarded pair first compiles the
bytecode caches and warms the page cache: the figure is a *warm* cold start,
as ``python -X importtime`` measures it.

How many pairs: until the median difference's 95 % interval lies within the
target (:mod:`agnobench.passes.cold_import.sequential`), between a floor and a ceiling
and within a time budget; the result says which of these ended it, so a
figure that missed its target never passes for one that reached it.

A separate ``-X importtime`` run (slower than a plain one, so never timed)
breaks the import down into the modules with the most cumulative time,
leaving out what a bare interpreter imports anyway. The warm-up and that run
carry an audit hook that refuses any connection, and they come first: an
import that phones home fails the scenario before any unguarded run. The
timed runs go without the hook so its per-event cost is not in the figure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

from agnobench.passes.cold_import.sequential import MedianInterval, StoppingRule, median_interval

# Defined in the child before the statement; only builtins, so it imports nothing measurable.
_GUARD = (
    "import sys\n"
    "def _agnobench_guard(event, args):\n"
    "    if event not in ('socket.connect', 'socket.getaddrinfo', 'socket.gethostbyname'):\n"
    "        return\n"
    "    target = args[1] if event == 'socket.connect' and len(args) > 1 else (args[0] if args else None)\n"
    "    host = target[0] if isinstance(target, tuple) and target else target\n"
    "    if isinstance(host, bytes):\n"
    "        host = host.decode(errors='replace')\n"
    "    if isinstance(host, str) and host and not host.startswith(('localhost', '127.', '::1', '0.0.0.0')):\n"
    "        sys.stderr.write(f'agnobench-network-attempt: {event} to {host!r}\\n')\n"
    "        raise OSError(f'agnobench blocks network access during measurement ({event} to {host!r})')\n"
    "sys.addaudithook(_agnobench_guard)\n"
)
_NETWORK_MARK = "agnobench-network-attempt: "


class ColdImportError(RuntimeError):
    """The statement failed in a fresh interpreter (or tried the network): nothing to time."""


@dataclass(frozen=True)
class ImportRow:
    """One module of ``-X importtime``: its own time, its time with what it imported, its depth."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclass
class ColdImportResult:
    statement: str
    import_ns: list[float]  # per pair: statement run − start-up run
    startup_ns: list[float]  # the bare interpreter runs
    raw_ns: list[float]  # the statement runs, start-up included
    import_cpu_ns: list[float] = field(default_factory=list)  # per pair, CPU time (user + system): steadier on a busy machine
    top_modules: list[ImportRow] = field(default_factory=list)
    importtime_total_us: int = 0  # top-level cumulative sum under -X importtime (slower than a plain run)
    modules_imported: int = 0  # beyond those a bare interpreter imports
    packages_self_us: dict[str, int] = field(default_factory=dict)  # self time summed per top-level package
    rule: StoppingRule | None = None  # how the number of pairs was decided
    stopped: str = ""  # which part of the rule ended the pairs (sequential.STOP_*)
    timed_s: float = 0.0  # wall seconds of the timed pairs

    @property
    def interval(self) -> MedianInterval | None:
        """The median difference's 95 % interval (None under 6 pairs)."""
        return median_interval(self.import_ns)

    def details(self) -> dict[str, Any]:
        return {"statement": self.statement, "importtime_total_us": self.importtime_total_us,
                "modules_imported": self.modules_imported,
                "top_modules": [asdict(row) for row in self.top_modules],
                "packages_self_us": self.packages_self_us}


def _run(argv: Sequence[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(list(argv), env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        attempt = next((line[len(_NETWORK_MARK):] for line in proc.stderr.splitlines()
                        if line.startswith(_NETWORK_MARK)), None)
        if attempt:
            raise ColdImportError(f"network access attempted while importing ({attempt})")
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise ColdImportError(f"{what} failed in a fresh interpreter: {tail[0]}")
    return proc


def _child_cpu_ns() -> int:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((usage.ru_utime + usage.ru_stime) * 1e9)


def _timed(argv: Sequence[str], env: dict[str, str], what: str) -> tuple[float, float]:
    """(wall ns, CPU ns) of one fresh interpreter. Children run one at a time, so the
    change in the reaped children's CPU time is this child's alone."""
    cpu, start = _child_cpu_ns(), time.perf_counter_ns()
    _run(argv, env, what)
    return float(time.perf_counter_ns() - start), float(_child_cpu_ns() - cpu)


def parse_importtime(stderr: str) -> list[ImportRow]:
    """``import time: <self us> | <cumulative us> | <indented module>`` lines, in output order."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3:
            continue
        try:
            self_us, cumulative_us = int(parts[0]), int(parts[1])
        except ValueError:
            continue  # the header line
        name = parts[2].rstrip()
        stripped = name.lstrip(" ")
        rows.append(ImportRow(stripped, self_us, cumulative_us, (len(name) - len(stripped) - 1) // 2))
    return rows


@dataclass
class Breakdown:
    top_modules: list[ImportRow]
    total_us: int
    modules: int
    packages_self_us: dict[str, int]


def by_package(rows: Sequence[ImportRow], top: int) -> dict[str, int]:
    """Self time per top-level package (``pydantic``, ``agno``, ...), largest first: where the time goes."""
    totals: dict[str, int] = {}
    for row in rows:
        package = row.module.split(".", 1)[0]
        totals[package] = totals.get(package, 0) + row.self_us
    return dict(sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top])


def importtime_breakdown(statement: str, env: dict[str, str], top: int) -> Breakdown:
    """The ``top`` modules by cumulative time and the per-package totals, start-up's own imports left out."""
    bare = {row.module for row in parse_importtime(_run(
        [sys.executable, "-X", "importtime", "-c", "pass"], env, "pass").stderr)}
    rows = [row for row in parse_importtime(_run(
        [sys.executable, "-X", "importtime", "-c", _GUARD + statement], env, statement).stderr)
        if row.module not in bare]
    top_level = min((row.depth for row in rows), default=0)
    total = sum(row.cumulative_us for row in rows if row.depth == top_level)
    ranked = sorted(rows, key=lambda row: row.cumulative_us, reverse=True)[:top]
    return Breakdown(ranked, total, len(rows), by_package(rows, top))


def measure_cold_import(statement: str, pairs: int | StoppingRule, env: dict[str, str] | None = None, top: int = 15,
                        progress: Callable[[str], None] = lambda _: None) -> ColdImportResult:
    """Back-to-back pairs of fresh interpreters, after one discarded warm-up pair: ``pairs`` of them, or as
    many as a :class:`StoppingRule` asks for."""
    rule = pairs if isinstance(pairs, StoppingRule) else StoppingRule.fixed(pairs)
    env = dict(os.environ if env is None else env)
    bare = [sys.executable, "-c", "pass"]
    stmt = [sys.executable, "-c", statement]
    progress("cold import: warm-up, -X importtime")
    # The discarded pair compiles bytecode caches and warms the page cache; its statement runs under the
    # network guard, so nothing unguarded ever runs an import that would connect.
    _timed(bare, env, "pass")
    _timed([sys.executable, "-c", _GUARD + statement], env, statement)
    breakdown = importtime_breakdown(statement, env, top)
    startup: list[tuple[float, float]] = []
    raw: list[tuple[float, float]] = []
    differences: list[float] = []
    started = time.monotonic()
    stopped = None
    while stopped is None:
        index = len(differences)
        progress(_progress_line(index + 1, rule, differences))
        if index % 2:  # alternate which runs first, so neither always follows the other
            raw.append(_timed(stmt, env, statement))
            startup.append(_timed(bare, env, "pass"))
        else:
            startup.append(_timed(bare, env, "pass"))
            raw.append(_timed(stmt, env, statement))
        differences.append(raw[-1][0] - startup[-1][0])
        stopped = rule.stop(differences, time.monotonic() - started)
    return ColdImportResult(
        statement=statement,
        import_ns=differences, startup_ns=[s[0] for s in startup],
        raw_ns=[r[0] for r in raw], import_cpu_ns=[r[1] - s[1] for r, s in zip(raw, startup)],
        top_modules=breakdown.top_modules, importtime_total_us=breakdown.total_us, modules_imported=breakdown.modules,
        packages_self_us=breakdown.packages_self_us, rule=rule, stopped=stopped,
        timed_s=round(time.monotonic() - started, 3))


def _progress_line(pair: int, rule: StoppingRule, differences: Sequence[float]) -> str:
    if rule.target_pct <= 0:
        return f"cold import: fresh interpreters {pair}/{rule.max_pairs}"
    interval = median_interval(differences)
    width = f", ±{interval.half_width_pct:.1f} % so far" if interval else ""
    return f"cold import: pair {pair} (target ±{rule.target_pct:g} %{width}, at most {rule.max_pairs})"
