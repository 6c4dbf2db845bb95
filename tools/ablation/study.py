"""What each layer of the timing method buys: the same runs with one layer off at a time.

    python tools/ablation/study.py [--rounds 5] [--out /tmp/agnobench-ablation] [--quick]
                                   [--layers fast_pairs,recent_fast,retime,cpu_hop,layout] [SCENARIO ...]

Configurations: ``baseline`` (every layer on) and, for each layer, that layer off alone
(``AGNOBENCH_ABLATE=<layer>``, docs/timing.md *Ablation*). Round r runs every configuration once, in an
order rotated by r, so a change of the machine's load falls on all of them alike. Every run is a plain
``agnobench run SCENARIO... -o FILE``; the load average is read before and after it.

Each configuration keeps its own machine record (``AGNOBENCH_CACHE_DIR=<out>/cache/<configuration>``),
seeded at the start with a copy of the user's record, so one configuration's kernel times (all pairs,
with ``fast_pairs`` off) never set what "fast" means for another.

From each configuration's runs:

- the spread of ``time_per_op_best_ns`` (time/op) and ``time_per_op_rel`` (time/kernel, what the gate
  judges) per scenario over the runs: (max − min) ÷ min and the median absolute deviation, in %;
- the one-run gate's false alarms: ``agnobench compare A B`` (the real gate, default settings, its code
  called in this process) for every ordered pair of its runs, all of the same code; exit 1 = a regression
  flagged, 3 = inconclusive;
- wall time of a run, and of the timing pass per scenario; runs timed again, CPU moves.

Writes ``<out>/ablation.json`` (every figure, every run's load average and every compare's exit code and
flagged rows) and ``<out>/ablation.md`` (the table). Reuses runs and compares already in ``--out``, so an
interrupted study resumes where it stopped.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

LAYERS = ["fast_pairs", "recent_fast", "retime", "cpu_hop", "layout"]
SCENARIOS = ["agent-create-simple", "agent-run-simple", "multi-agent-100"]
FIGURES = ["time_per_op_best_ns", "time_per_op_rel"]


@dataclass
class RunRecord:
    config: str
    round: int
    path: str
    wall_s: float
    load_before: float  # 1-minute load average
    load_after: float
    exit_code: int


@dataclass
class CompareRecord:
    config: str
    baseline: int  # round of the baseline run
    current: int
    exit_code: int
    flagged: list[str] = field(default_factory=list)  # "scenario metric +x.x %" of each regression row


def load_1min() -> float:
    return os.getloadavg()[0]


def config_env(config: str, out: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AGNOBENCH_ABLATE", None)
    if config != "baseline":
        env["AGNOBENCH_ABLATE"] = config
    env["AGNOBENCH_CACHE_DIR"] = str(out / "cache" / config)
    return env


def seed_records(configs: list[str], out: Path) -> None:
    """Each configuration's machine record starts as a copy of the user's (if any), once."""
    from agnobench.measure.machine import FILE_NAME, cache_dir

    source = cache_dir() / FILE_NAME
    for config in configs:
        target = out / "cache" / config / FILE_NAME
        if target.parent.exists():
            continue
        target.parent.mkdir(parents=True)
        if source.exists():
            shutil.copyfile(source, target)


def run_one(config: str, round_: int, scenarios: list[str], quick: bool, out: Path) -> RunRecord:
    path = out / "runs" / config / f"run-{round_}.json"
    meta = path.with_suffix(".meta.json")
    if meta.exists():
        return RunRecord(**json.loads(meta.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "agnobench", "run", *scenarios, "-o", str(path), "--format", "json"]
    before, started = load_1min(), time.monotonic()
    proc = subprocess.run(cmd + (["--quick"] if quick else []), env=config_env(config, out),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    record = RunRecord(config, round_, str(path), round(time.monotonic() - started, 2), before, load_1min(),
                       proc.returncode)
    if proc.returncode != 0:  # a failed run is recorded, never counted as a measurement
        print(f"  {config} round {round_} failed ({proc.returncode}): {proc.stderr[-500:]}", file=sys.stderr)
    meta.write_text(json.dumps(asdict(record)))
    return record


def compare_one(config: str, a: RunRecord, b: RunRecord, out: Path) -> CompareRecord:
    """``agnobench compare A B`` with its default settings, in this process (the command's own code, without
    a process start per pair): its exit code and the rows it calls a regression."""
    from agnobench.commands.compare import load_compared
    from agnobench.compare.thresholds import DEFAULT_ALPHA, TimeMode
    from agnobench.compare import ThresholdPolicy, compare_results
    from agnobench.reporters.compare_json import render_compare_json

    path = out / "compares" / config / f"{a.round}-{b.round}.json"
    if path.exists():
        return CompareRecord(**json.loads(path.read_text()))
    path.parent.mkdir(parents=True, exist_ok=True)
    policy = ThresholdPolicy(default_pct=None, per_metric={}, time_mode=TimeMode.rel, alpha=DEFAULT_ALPHA)
    comparison = compare_results(load_compared(Path(a.path)), load_compared(Path(b.path)), policy,
                                 baseline_path=Path(a.path), current_path=Path(b.path), only_metrics=[])
    rows = json.loads(render_compare_json(comparison))["comparisons"]
    flagged = [f"{r['scenario']} {r['metric']} {r['change_pct']:+.2f} %" for r in rows if r.get("verdict") == "regression"]
    record = CompareRecord(config, a.round, b.round, comparison.exit_code, flagged)
    path.write_text(json.dumps(asdict(record)))
    return record


def _scenario(results: dict, name: str) -> dict | None:
    return next((s for s in results["scenarios"] if s["name"] == name and s.get("status") != "failed"), None)


def spread_pct(values: list[float]) -> float:
    return 100 * (max(values) / min(values) - 1)


def mad_pct(values: list[float]) -> float:
    center = statistics.median(values)
    return 100 * statistics.median(abs(v - center) for v in values) / center


def summarize(config: str, runs: list[RunRecord], compares: list[CompareRecord],
              scenarios: list[str]) -> dict:
    good = [r for r in runs if r.exit_code == 0]
    files = [json.loads(Path(r.path).read_text()) for r in good]
    per_scenario: dict[str, dict] = {}
    for name in scenarios:
        found = [s for s in (_scenario(f, name) for f in files) if s is not None]
        entry: dict = {"runs": len(found)}
        for figure in FIGURES:
            values = [s["metrics"][figure]["median"] for s in found if figure in s["metrics"]]
            entry[figure] = values
            if len(values) >= 2:
                entry[f"{figure}_spread_pct"] = round(spread_pct(values), 2)
                entry[f"{figure}_mad_pct"] = round(mad_pct(values), 2)
        timing = [s["passes"]["timing"] for s in found if "timing" in s.get("passes", {})]
        entry["timing_wall_s"] = [t.get("wall_s") for t in timing]
        entry["timed_again"] = sum(1 for t in timing if t["details"].get("extra_processes", 0) > 0)
        entry["slow_phase_only"] = sum(1 for t in timing if t["details"].get("slow_phase_only"))
        entry["cpu_hops"] = [t["details"].get("cpu_hops", 0) for t in timing]
        entry["rerun_pct"] = [t["details"].get("rerun_pct") for t in timing]
        per_scenario[name] = entry
    return {
        "config": config,
        "runs": [asdict(r) for r in runs],
        "failed_runs": len(runs) - len(good),
        "run_wall_s_median": statistics.median(r.wall_s for r in good) if good else None,
        "load": [[r.load_before, r.load_after] for r in runs],
        "scenarios": per_scenario,
        "compares": [asdict(c) for c in compares],
        "false_alarms": sum(1 for c in compares if c.exit_code == 1),
        "inconclusive": sum(1 for c in compares if c.exit_code == 3),
        "pairs": len(compares),
    }


def markdown(summary: list[dict], scenarios: list[str], rounds: int, quick: bool) -> str:
    head = ["configuration"] + [f"{s} spread / MAD" for s in scenarios] + \
        ["false alarms / pairs", "inconclusive", "run wall s (median)", "timing pass s / scenario (median)",
         "load 1 min (range)"]
    lines = [f"time/op (`time_per_op_best_ns`) over {rounds} runs, {'--quick' if quick else 'full'} mode; "
             "spread = max ÷ min − 1, MAD = median absolute deviation, both in %; time/kernel "
             "(`time_per_op_rel`, the gated figure) in brackets. False alarms: `agnobench compare` exit 1 "
             "over the ordered pairs of a configuration's runs (identical code).", "",
             "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for entry in summary:
        cells = [entry["config"] if entry["config"] == "baseline" else f"{entry['config']} off"]
        timing_s: list[float] = []
        for name in scenarios:
            s = entry["scenarios"][name]
            timing_s += [w for w in s["timing_wall_s"] if w is not None]
            cells.append(f"{s.get('time_per_op_best_ns_spread_pct', float('nan')):.1f} / "
                         f"{s.get('time_per_op_best_ns_mad_pct', float('nan')):.1f} "
                         f"({s.get('time_per_op_rel_spread_pct', float('nan')):.1f} / "
                         f"{s.get('time_per_op_rel_mad_pct', float('nan')):.1f})")
        loads = [x for pair in entry["load"] for x in pair]
        cells += [f"{entry['false_alarms']} / {entry['pairs']}", str(entry["inconclusive"]),
                  f"{entry['run_wall_s_median']:.1f}" if entry["run_wall_s_median"] else "—",
                  f"{statistics.median(timing_s):.2f}" if timing_s else "—",
                  f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=SCENARIOS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/agnobench-ablation"))
    parser.add_argument("--quick", action="store_true", help="agnobench run --quick (a smoke test of the study)")
    parser.add_argument("--layers", default=",".join(LAYERS), help="the layers to turn off, one at a time")
    args = parser.parse_args()
    configs = ["baseline"] + [name for name in args.layers.split(",") if name]
    args.out.mkdir(parents=True, exist_ok=True)
    seed_records(configs, args.out)
    runs: dict[str, list[RunRecord]] = {c: [] for c in configs}
    for round_ in range(args.rounds):
        order = configs[round_ % len(configs):] + configs[:round_ % len(configs)]
        for config in order:
            record = run_one(config, round_, args.scenarios, args.quick, args.out)
            runs[config].append(record)
            print(f"round {round_} {config:12s} {record.wall_s:6.1f} s  load {record.load_before:.2f} → "
                  f"{record.load_after:.2f}  exit {record.exit_code}", flush=True)
    summary = []
    for config in configs:
        good = [r for r in runs[config] if r.exit_code == 0]
        compares = [compare_one(config, a, b, args.out) for a, b in itertools.permutations(good, 2)]
        summary.append(summarize(config, runs[config], compares, args.scenarios))
    (args.out / "ablation.json").write_text(json.dumps({"scenarios": args.scenarios, "rounds": args.rounds,
                                                        "quick": args.quick, "configs": summary}, indent=1))
    table = markdown(summary, args.scenarios, args.rounds, args.quick)
    (args.out / "ablation.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
