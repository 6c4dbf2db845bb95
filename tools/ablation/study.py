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
the rows that failed it) and ``<out>/ablation.md`` (the table). Reuses runs and compares already in ``--out``, so an
interrupted study resumes where it stopped.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
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
WINDOW = 5  # runs behind one spread: the 5-run spread of docs/timing.md


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
    flagged: list[str] = field(default_factory=list)  # "scenario metric +x.x %" of each row that fails the gate


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


def meta_path(out: Path, config: str, round_: int) -> Path:
    return out / "runs" / config / f"run-{round_}.meta.json"


def run_one(config: str, round_: int, scenarios: list[str], quick: bool, out: Path) -> RunRecord:
    path = out / "runs" / config / f"run-{round_}.json"
    meta = meta_path(out, config, round_)
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
    flagged = [f"{r['scenario']} {r['metric']} {r['change_pct']:+.2f} %" for r in rows if r.get("fails")]
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
            # 5-run spreads: one per window of WINDOW consecutive rounds (independent runs, so each window is a
            # separate draw of what five runs show); the MAD over every run
            windows = [values[i:i + WINDOW] for i in range(0, len(values) - WINDOW + 1, WINDOW)] or [values]
            if len(values) >= 2:
                entry[f"{figure}_window_spreads_pct"] = [round(spread_pct(w), 2) for w in windows]
                entry[f"{figure}_spread_pct"] = round(statistics.median(spread_pct(w) for w in windows), 2)
                entry[f"{figure}_mad_pct"] = round(mad_pct(values), 2)
        timing = [s["passes"]["timing"] for s in found if "timing" in s.get("passes", {})]
        entry["timing_wall_s"] = [t.get("wall_s") for t in timing]
        entry["timed_again"] = sum(1 for t in timing if t["details"].get("extra_processes", 0) > 0)
        entry["slow_phase_only"] = sum(1 for t in timing if t["details"].get("slow_phase_only"))
        entry["cpu_hops"] = [t["details"].get("cpu_hops", 0) for t in timing]
        entry["rerun_pct"] = [t["details"].get("rerun_pct") for t in timing]
        entry["fast_share"] = [t["details"].get("fast_share") for t in timing]
        entry["machine_speed"] = [statistics.median(s["metrics"]["machine_speed"]["samples"]) for s in found
                                  if s["metrics"].get("machine_speed", {}).get("samples")]
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


def against_baseline(summary: list[dict], scenarios: list[str]) -> None:
    """Per configuration and scenario: its median time/kernel against the baseline's (a layer can move the
    figure, not only its spread), its MAD ÷ the baseline's, and the Brown-Forsythe test (Levene's about the
    median) of whether the two spreads differ, on the logs of every run's figure."""
    from scipy.stats import levene

    base = summary[0]["scenarios"]
    for entry in summary[1:]:
        for name in scenarios:
            mine, theirs = entry["scenarios"][name]["time_per_op_rel"], base[name]["time_per_op_rel"]
            if len(mine) < 3 or len(theirs) < 3:
                continue
            p_value = levene([math.log(v) for v in mine], [math.log(v) for v in theirs], center="median").pvalue
            entry["scenarios"][name]["vs_baseline"] = {
                "level_pct": round(100 * (statistics.median(mine) / statistics.median(theirs) - 1), 2),
                "mad_ratio": round(mad_pct(mine) / mad_pct(theirs), 2) if mad_pct(theirs) else None,
                "brown_forsythe_p": round(float(p_value), 3)}


def markdown(summary: list[dict], scenarios: list[str], rounds: int, quick: bool) -> str:
    head = ["configuration"] + [f"{s}: 5-run spread / MAD" for s in scenarios] + \
        ["false alarms / pairs", "inconclusive", "timed again", "run wall s (median)",
         "timing pass s / scenario (median)", "machine speed (range)", "load 1 min (range)"]
    lines = [f"time/op (`time_per_op_best_ns`), {rounds} runs a configuration, {'--quick' if quick else 'full'} "
             f"mode; 5-run spread = max ÷ min − 1 over {WINDOW} consecutive runs (the median over the windows of "
             f"{WINDOW}), MAD = median absolute deviation over every run, both in %; time/kernel "
             "(`time_per_op_rel`, the gated figure) in brackets. False alarms: `agnobench compare` exit 1 "
             "over the ordered pairs of a configuration's runs (identical code); timed again: scenario runs "
             "whose timing was timed again (`details.extra_processes` > 0).", "",
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
        speeds = [x for name in scenarios for x in entry["scenarios"][name]["machine_speed"]]
        again = sum(entry["scenarios"][name]["timed_again"] for name in scenarios)
        cells += [f"{entry['false_alarms']} / {entry['pairs']}", str(entry["inconclusive"]),
                  f"{again} / {sum(entry['scenarios'][name]['runs'] for name in scenarios)}",
                  f"{entry['run_wall_s_median']:.1f}" if entry["run_wall_s_median"] else "—",
                  f"{statistics.median(timing_s):.2f}" if timing_s else "—",
                  f"{min(speeds):.2f}–{max(speeds):.2f}" if speeds else "—",
                  f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Against the baseline, time/kernel of every run: the median's change, MAD ÷ the baseline's "
              "MAD, and the p-value of the Brown-Forsythe test that the two spreads differ.", "",
              "| configuration | " + " | ".join(scenarios) + " |", "|" + " --- |" * (len(scenarios) + 1)]
    for entry in summary[1:]:
        cells = [f"{entry['config']} off"]
        for name in scenarios:
            vs = entry["scenarios"][name].get("vs_baseline")
            cells.append(f"{vs['level_pct']:+.1f} %, MAD ×{vs['mad_ratio']} (p = {vs['brown_forsythe_p']})"
                         if vs else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=SCENARIOS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/agnobench-ablation"))
    parser.add_argument("--quick", action="store_true", help="agnobench run --quick (a smoke test of the study)")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: the table of the complete rounds already in --out")
    parser.add_argument("--layers", default=",".join(LAYERS), help="the layers to turn off, one at a time")
    args = parser.parse_args()
    configs = ["baseline"] + [name for name in args.layers.split(",") if name]
    args.out.mkdir(parents=True, exist_ok=True)
    seed_records(configs, args.out)
    runs: dict[str, list[RunRecord]] = {c: [] for c in configs}
    for round_ in range(args.rounds):
        order = configs[round_ % len(configs):] + configs[:round_ % len(configs)]
        if args.report_only and not all(meta_path(args.out, c, round_).exists() for c in configs):
            break  # a round not complete: report the rounds before it
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
    against_baseline(summary, args.scenarios)
    rounds = min(len(r) for r in runs.values())
    (args.out / "ablation.json").write_text(json.dumps({"scenarios": args.scenarios, "rounds": rounds,
                                                        "quick": args.quick, "configs": summary}, indent=1))
    table = markdown(summary, args.scenarios, rounds, args.quick)
    (args.out / "ablation.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
