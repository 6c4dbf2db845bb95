"""Between-run stability of the headline figures: N consecutive full runs, spread (max − min) ÷ median.

    python tools/gate_trials/stability.py [--runs 5] [--out /tmp/stability] [--quick] [SCENARIO ...]

Default scenarios: agent-create-simple python-floor (issue 10's targets). For each scenario and figure —
time/op (the headline, ``time_per_op_best_ns``), time/kernel (``time_per_op_rel``), wall/op
(``time_per_op_ns``) — it prints every run's median, the spread, and the ± the first run predicted, so
you can see whether the printed ± covers what a rerun did. Reuses result files already in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

FIGURES = [("time_per_op_best_ns", "time/op"), ("time_per_op_rel", "time/kernel"), ("time_per_op_ns", "wall/op"),
           ("machine_speed", "speed")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["agent-create-simple", "python-floor"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/agnobench-stability"))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = []
    for index in range(args.runs):
        path = args.out / f"run-{index}.json"
        if not path.exists():
            started = time.monotonic()
            cmd = [sys.executable, "-m", "agnobench", "run", *args.scenarios, "-o", str(path), "--format", "json"]
            proc = subprocess.run(cmd + (["--quick"] if args.quick else []), capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"run {index} failed ({proc.returncode}): {proc.stderr[-1500:]}")
            print(f"run {index}: {time.monotonic() - started:.1f} s", flush=True)
        runs.append(json.loads(path.read_text()))
    for name in args.scenarios:
        scenarios = [next(s for s in r["scenarios"] if s["name"] == name) for r in runs]
        print(f"\n{name}")
        for metric, label in FIGURES:
            values = [s["metrics"][metric]["median"] for s in scenarios if metric in s["metrics"]]
            if not values:
                continue
            median = statistics.median(values)
            spread = 100 * (max(values) - min(values)) / median
            cells = " ".join(f"{v:10.5g}" for v in values)
            print(f"  {label:12s} {cells}   spread {spread:5.2f} %")
        predicted = [s.get("passes", {}).get("timing", {}).get("details", {}).get("rerun_pct") for s in scenarios]
        print("  printed ±    " + " ".join(f"{p:9.2f}%" if p is not None else "         —" for p in predicted))


if __name__ == "__main__":
    main()
