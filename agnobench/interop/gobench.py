"""Go's benchmark text format: read ``go test -bench`` output, write it for ``benchstat``.

The format (golang.org/design/14313-benchmark-format): optional ``key: value``
configuration lines (``goos``, ``goarch``, ``pkg``, ``cpu``), then one line per
run of a benchmark: its name, the iteration count, then value-unit pairs::

    BenchmarkAgentCreation-2   2162608   464.2 ns/op   1272 B/op   8 allocs/op

Real output is messier than the grammar, and the parser tolerates it:

- Without ``-v``, ``go test`` prints a benchmark's name *before* running it
  and its numbers after; whatever the benchmark prints in between (log
  lines) falls between the two. A name line without numbers is remembered
  until a line of numbers arrives.
- ``-count N`` repeats a benchmark; each repeat becomes one sample.
- ``-N`` is GOMAXPROCS, not part of the name; sub-benchmarks keep their path
  (``BenchmarkX/case=1``).
- Units other than ns/op, B/op and allocs/op (``MB/s``, ``widgets/op``) are
  kept as metrics of their own under a sanitised name.
- ``allocs/op`` and ``B/op`` are integer divisions in Go: ``0 allocs/op``
  beside a non-zero ``B/op`` means fewer than one allocation per op, not none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from agnobench.errors import InputError
from agnobench.inputfile import read_text
from agnobench.measure.pipeline import add_derived
from agnobench.core.registry import is_known, metric_info, metrics_with
from agnobench.results import STATUS_FAILED, Metric, ResultsFile, ScenarioResult

GO_STANDARD_UNITS = ("ns/op", "B/op", "allocs/op")  # Go prints these first, in this order
# Go unit -> (agnobench metric, factor to agnobench's unit): each metric's `go_unit` (agnobench's own ones,
# such as retained-B/op, written by export_go_text so a round trip keeps them), and benchstat's sec/op.
# Read from the metric table when first needed (not at import: the table includes every pass found).
def known_units() -> dict[str, tuple[str, float]]:
    return {**{m.go_unit: (m.name, m.go_factor) for m in metrics_with(lambda m: bool(m.go_unit))},
            "sec/op": ("time_per_op_ns", 1e9)}  # benchstat's normalised unit

_CONFIG = re.compile(r"^([a-z][a-z0-9_-]*):\s*(.*?)\s*$")
_NAME = re.compile(r"^(Benchmark(?:[^a-z\s]\S*)?)(?=\s|$)")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RESULTS = re.compile(rf"(?:^|\s)(\d+)((?:\s+{_NUMBER}\s+\S+)+)\s*$")
_PAIR = re.compile(rf"({_NUMBER})\s+(\S+)")
_PROCS = re.compile(r"^(.*?)-(\d+)$")
_FAIL = re.compile(r"^\s*--- (FAIL|SKIP): (Benchmark\S*)")


def sanitize_unit(unit: str) -> str:
    """A metric name for a custom unit: ``MB/s`` -> ``mb_per_s``, ``widgets/op`` -> ``widgets_per_op``."""
    name = unit.lower().replace("/", "_per_")
    name = re.sub(r"[^a-z0-9_]+", "_", name).strip("_")
    return name or "value"


def split_procs(full_name: str) -> tuple[str, int | None]:
    """``BenchmarkX/case=1-8`` -> (``BenchmarkX/case=1``, 8); no suffix means GOMAXPROCS=1 or unknown."""
    match = _PROCS.match(full_name)
    if match and match.group(1):
        return match.group(1), int(match.group(2))
    return full_name, None


@dataclass
class GoRun:
    """One line of results: one run of one benchmark."""

    name: str  # without the -N suffix
    procs: int | None
    iterations: int
    values: dict[str, float]  # Go unit -> value
    pkg: str = ""
    line: int = 0


@dataclass
class GoBenchFile:
    config: dict[str, str] = field(default_factory=dict)
    runs: list[GoRun] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # name -> "FAIL" / "SKIP"


def _parse_pairs(text: str) -> dict[str, float] | None:
    pairs = _PAIR.findall(text)
    if not pairs:
        return None
    values: dict[str, float] = {}
    for number, unit in pairs:
        values[unit] = float(number)
    return values


def _results_in(text: str) -> tuple[int, dict[str, float]] | None:
    """Iterations and value-unit pairs at the end of a line, if it ends with them."""
    match = _RESULTS.search(text)
    if not match:
        return None
    values = _parse_pairs(match.group(2))
    if not values or not any(unit.endswith("/op") or "/" in unit for unit in values):
        return None  # "3 apples" in a log line is not a benchmark result
    return int(match.group(1)), values


def parse_go_bench(lines: Iterable[str]) -> GoBenchFile:
    """Parse ``go test -bench`` output; tolerant of interleaved log lines."""
    out = GoBenchFile()
    pkg = ""
    pending: tuple[str, int] | None = None  # a name printed before its numbers
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        name_match = _NAME.match(line)
        if name_match:
            full_name = name_match.group(1)
            found = _results_in(line[name_match.end():])
            if found:
                name, procs = split_procs(full_name)
                out.runs.append(GoRun(name, procs, found[0], found[1], pkg, number))
                pending = None
            else:
                pending = (full_name, number)  # numbers follow after whatever the benchmark prints
            continue
        fail = _FAIL.match(line)
        if fail:
            name, _ = split_procs(fail.group(2))
            out.failed.setdefault(name, fail.group(1))
            pending = None
            continue
        if pending is not None:
            found = _results_in(line)
            if found:
                name, procs = split_procs(pending[0])
                out.runs.append(GoRun(name, procs, found[0], found[1], pkg, number))
                pending = None
                continue
        config = _CONFIG.match(line)
        if config and pending is None and not line.startswith((" ", "\t")):
            key, value = config.groups()
            out.config[key] = value
            if key == "pkg":
                pkg = value
    return out


def _scenario_name(run: GoRun, clashes: set[str]) -> str:
    """The benchmark's name without GOMAXPROCS; with its package when two packages share a name."""
    if run.name in clashes and run.pkg:
        return f"{run.pkg.rsplit('/', 1)[-1]}.{run.name}"
    return run.name


def _metrics(runs: Sequence[GoRun]) -> tuple[dict[str, Metric], list[str]]:
    samples: dict[str, list[float]] = {}
    units: dict[str, str] = {}
    known = known_units()
    for run in runs:
        for unit, value in run.values.items():
            metric, factor = known.get(unit, (sanitize_unit(unit), 1.0))
            samples.setdefault(metric, []).append(value * factor)
            units[metric] = unit
    metrics: dict[str, Metric] = {}
    for metric, values in samples.items():
        unit = metric_info(metric).unit if is_known(metric) else units[metric]  # a custom metric keeps Go's unit
        metrics[metric] = Metric.from_samples(values, unit)
    notes = []
    add_derived(metrics)
    allocs, allocated = metrics.get("allocs_per_op"), metrics.get("allocated_bytes_per_op")
    if allocs is not None and allocated is not None and allocs.median == 0 and allocated.median > 0:
        notes.append("0 allocs/op beside a non-zero B/op: Go divides whole numbers, so this is fewer than "
                     "one allocation per op on average, not none")
    return metrics, notes


def go_to_results(parsed: GoBenchFile, source: str | Path) -> ResultsFile:
    """An agnobench results file with one scenario per benchmark and one sample per ``-count`` repeat."""
    if not parsed.runs and not parsed.failed:
        raise InputError(source, None, "no benchmark results found (expected `go test -bench` output "
                                       "with lines like 'BenchmarkX-8  1000  123 ns/op')")
    by_pkg_name: dict[tuple[str, str], list[GoRun]] = {}
    for run in parsed.runs:
        by_pkg_name.setdefault((run.pkg, run.name), []).append(run)
    names = [name for _, name in by_pkg_name]
    clashes = {name for name in names if names.count(name) > 1}
    procs = sorted({r.procs for r in parsed.runs if r.procs is not None})
    environment = {
        "source": "go test -bench", "imported_from": str(source),
        "goos": parsed.config.get("goos"), "goarch": parsed.config.get("goarch"),
        "pkg": parsed.config.get("pkg"), "cpu_model": parsed.config.get("cpu"),
        "cpu_count": procs[-1] if procs else None, "gomaxprocs": procs,
        "go_config": parsed.config, "python": None, "agno": None,
    }
    scenarios = []
    for (pkg, _), runs in by_pkg_name.items():
        metrics, notes = _metrics(runs)
        first = runs[0]
        full = f"{first.name}-{first.procs}" if first.procs else first.name
        scenarios.append(ScenarioResult(
            name=_scenario_name(first, clashes), suite=f"go:{pkg}" if pkg else "go", metrics=metrics,
            description=f"Go benchmark {full}" + (f" ({pkg})" if pkg else ""),
            details={"go_name": first.name, "procs": first.procs, "pkg": pkg,
                     "iterations": [r.iterations for r in runs], "lines": [r.line for r in runs],
                     "samples_are": "go test -count repeats", "notes": notes}))
    for name, kind in parsed.failed.items():
        if any(s.details.get("go_name") == name for s in scenarios):
            continue
        scenarios.append(ScenarioResult(name=name, suite="go", status=STATUS_FAILED,
                                        error=f"go benchmark reported --- {kind}", details={"go_name": name}))
    return ResultsFile(environment=environment, scenarios=scenarios,
                       settings={"mode": "go test -bench", "complete": True})


def read_go_bench(path: str | Path) -> ResultsFile:
    """Read a file of ``go test -bench`` output into a results file (InputError if it holds none)."""
    path = Path(path)
    text = read_text(path, errors="replace")
    return go_to_results(parse_go_bench(text.splitlines()), path)


# ---- writing: agnobench results as Go benchmark text -----------------------

def camel_name(name: str) -> str:
    """``agent-create-simple`` -> ``AgentCreateSimple`` (Go benchmark names are identifiers)."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p) or "Unnamed"


def _format_number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:.10g}"


def go_bench_name(result: ScenarioResult, cpu_count: int | None) -> str:
    """Imported Go benchmarks keep their name; agnobench scenarios become ``BenchmarkAgnobench<Name>``."""
    go_name = result.details.get("go_name")
    if isinstance(go_name, str) and go_name.startswith("Benchmark"):
        base, procs = go_name, result.details.get("procs")
    else:
        base, procs = f"BenchmarkAgnobench{camel_name(result.name)}", cpu_count
    return f"{base}-{procs}" if procs and procs > 1 else base


_GOARCH = {"x86_64": "amd64", "aarch64": "arm64", "i686": "386", "armv7l": "arm"}

def _export_columns(names: Iterable[str]) -> list[tuple[str, str]]:
    """(metric, Go unit) of the exported metrics among ``names``: Go's own units first, as Go prints them."""
    exported = metrics_with(lambda m: bool(m.go_unit) and m.go_factor == 1.0, names)
    rank = {unit: i for i, unit in enumerate(GO_STANDARD_UNITS)}
    return [(m.name, m.go_unit) for m in sorted(exported, key=lambda m: rank.get(m.go_unit, len(rank)))]


def export_go_text(results: ResultsFile) -> Iterator[str]:
    """Lines ``benchstat`` reads: one per sample, ns/op first, then the other per-op figures."""
    env = results.environment
    platform = str(env.get("platform") or "")
    machine = str(env.get("machine") or "")
    for key, value in (("goos", env.get("goos") or platform.split("-", 1)[0].lower()),
                       ("goarch", env.get("goarch") or _GOARCH.get(machine, machine)),
                       ("pkg", env.get("pkg") or "agnobench"),
                       ("cpu", env.get("cpu_model"))):
        if value:
            yield f"{key}: {value}"
    cpu_count = env.get("cpu_count") if isinstance(env.get("cpu_count"), int) else None
    for result in results.scenarios:
        if not result.ok:
            continue
        columns = _export_columns(result.metrics)
        if not columns:
            continue
        name = go_bench_name(result, cpu_count)
        timing = result.result_of("timing")
        loops = timing.loops if timing is not None else None
        iterations = result.details.get("iterations")
        count = max(len(result.metrics[m].samples) or 1 for m, _ in columns)
        for index in range(count):
            fields = []
            for metric, unit in columns:
                samples = result.metrics[metric].samples or [result.metrics[metric].median]
                if index < len(samples):
                    fields.append(f"{_format_number(samples[index])} {unit}")
            if isinstance(iterations, list) and index < len(iterations):
                n = int(iterations[index])
            else:
                n = int(loops) if isinstance(loops, (int, float)) and loops >= 1 else 1
            yield f"{name}\t{n:>10}\t" + "\t".join(fields)
