"""agnobench's time/op beside two tools without its harness, interleaved: the agreement table of docs/timing.md.

``python tools/agreement/agreement.py --rounds 3 SCENARIO.toml ... --out DIR`` runs,
round after round and for each scenario in turn (so a change of the machine's speed
falls on all three alike):

1. ``plain_loop.py``: a plain ``perf_counter_ns`` loop in a fresh interpreter, op
   bursts alternating with the reference kernel; its fast-pair op ÷ kernel times
   the machine's kernel record is the same quantity as agnobench's time/op;
2. ``agnobench run SCENARIO`` (the full pipeline, not ``--quick``): time/op, wall/op;
3. ``pyperf_op.py --fast``: pyperf's calibrated mean (wall time, like wall/op).

Each tool runs inside ``unshare -n`` where it is available (the two without a guard
must not reach the network). Prints a markdown table: per op, the median over rounds
of each figure and the ratios agnobench ÷ plain loop (time/op) and agnobench wall/op
÷ pyperf, with the range of the per-round ratios.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def _netns() -> list[str]:
    ok = shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    return ["unshare", "-n"] if ok else []


def plain(scenario: Path) -> dict[str, float]:
    out = subprocess.run([*_netns(), sys.executable, str(HERE / "plain_loop.py"), str(scenario), "--seconds", "3"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def agnobench(scenario: Path, out: Path) -> dict[str, float]:
    subprocess.run([sys.executable, "-m", "agnobench", "run", str(scenario), "-o", str(out), "--format", "json"],
                   capture_output=True, text=True, check=True)
    result = json.loads(out.read_text())["scenarios"][0]
    if result["status"] != "ok":
        raise RuntimeError(f"{scenario}: {result['error']}")
    metrics = result["metrics"]
    return {"time_ns": metrics["time_per_op_best_ns"]["median"], "wall_ns": metrics["time_per_op_ns"]["median"],
            "events": result["details"].get("audited_events_per_op")}


def pyperf(scenario: Path, out: Path) -> float:
    out.unlink(missing_ok=True)
    subprocess.run([*_netns(), sys.executable, str(HERE / "pyperf_op.py"), str(scenario), "--fast", "-q", "-o",
                    str(out)], capture_output=True, text=True, check=True)
    import pyperf as pp

    return pp.BenchmarkSuite.load(str(out)).get_benchmarks()[0].mean() * 1e9


def record_ns() -> float:
    from agnobench.measure.machine import known

    best, _ = known()
    if best is None:
        raise SystemExit("no kernel record yet: run `agnobench run` once first")
    return best


def fmt(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs" if ns >= 1e3 else f"{ns:.0f} ns"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenarios", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("agreement-out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, float]]] = {s.stem: [] for s in args.scenarios}
    for round_ in range(args.rounds):
        for scenario in args.scenarios:
            loop = plain(scenario)
            ours = agnobench(scenario, args.out / f"{scenario.stem}-{round_}.json")
            perf = pyperf(scenario, args.out / f"{scenario.stem}-{round_}.pyperf.json")
            best = record_ns()  # read after the run: agnobench's time/op uses the record as it stood then
            row = {"ours_time": ours["time_ns"], "ours_wall": ours["wall_ns"], "events": ours["events"] or 0,
                   "loop_time": loop["rel"] * best, "loop_wall": loop["wall_ns"], "pyperf": perf}
            rows[scenario.stem].append(row)
            print(json.dumps({"round": round_, "scenario": scenario.stem, **row}), file=sys.stderr, flush=True)
    (args.out / "rows.json").write_text(json.dumps(rows, indent=1))
    print("| op | audited events/op | agnobench time/op | plain loop, full speed | ratio (range) "
          "| agnobench wall/op | pyperf mean | ratio (range) |")
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for name, runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        time_ratios = [r["ours_time"] / r["loop_time"] for r in runs]
        wall_ratios = [r["ours_wall"] / r["pyperf"] for r in runs]
        print(f"| {name} | {med['events']:,.0f} | {fmt(med['ours_time'])} | {fmt(med['loop_time'])} "
              f"| {statistics.median(time_ratios):.2f} ({min(time_ratios):.2f}–{max(time_ratios):.2f}) "
              f"| {fmt(med['ours_wall'])} | {fmt(med['pyperf'])} "
              f"| {statistics.median(wall_ratios):.2f} ({min(wall_ratios):.2f}–{max(wall_ratios):.2f}) |")


if __name__ == "__main__":
    main()
