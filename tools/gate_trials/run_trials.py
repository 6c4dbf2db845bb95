"""Detection and false-alarm trials of ``agnobench compare``, on this machine.

    python tools/gate_trials/run_trials.py wall  --trials 20 --out /tmp/trials-wall [--rounds 3] [--quick]
    python tools/gate_trials/run_trials.py instr --trials 20 --out /tmp/trials-instr
    python tools/gate_trials/run_trials.py analyse /tmp/trials-wall
    python tools/gate_trials/run_trials.py layout --out /tmp/trials-layout [--quick]

Each wall-time trial runs ``agnobench run trial-agents.toml`` four times in a
row: baseline (20 agents per op), +5 % (21), a second baseline (20), +10 %
(22). Baseline against second baseline is identical code (a false alarm if
flagged); baseline against +5 % and +10 % must be flagged. Instruction
trials run ``--instructions-only`` with 200 and 201 agents per op (+0.5 %);
identical code is each trial's baseline against the next trial's. ``layout``
counts the baseline op with environment variables of different sizes: the
code is the same, only where things land in memory moves, as it does when a
pull request changes code the op never runs. ``analyse`` compares every pair with agnobench's own compare and
prints the rates for raw and kernel-normalised time and several thresholds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "trial-agents.toml"

WALL_PLAN = [("base", 20), ("slow5", 21), ("base2", 20), ("slow10", 22)]
INSTR_PLAN = [("base", 200), ("slow05", 201)]  # identical code: each trial's base against the next trial's


def agnobench_run(agents: int, out: Path, extra: list[str]) -> float:
    env = {**os.environ, "AGNOBENCH_TRIAL_AGENTS": str(agents)}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "agnobench", "run", str(SCENARIO), "-o", str(out), "--format", "json",
                           *extra], cwd=HERE, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"agnobench run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.monotonic() - started


def run_plan(plan: list[tuple[str, int]], trials: int, out_dir: Path, extra: list[str], rounds: int = 1,
             first: int = 0) -> None:
    """Per trial, ``rounds`` interleaved rounds of the plan (A S5 B S10, A S5 B S10, ...)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "plan.json").write_text(json.dumps({"plan": plan, "extra": extra, "trials": trials,
                                                   "rounds": rounds}))
    for trial in range(first, trials):
        for round_ in range(rounds):
            for label, agents in plan:
                path = out_dir / f"{trial:02d}-r{round_}-{label}.json"
                if path.exists():
                    continue
                seconds = agnobench_run(agents, path, extra)
                print(f"trial {trial:2d} round {round_} {label:7s} agents={agents}  {seconds:5.1f} s", flush=True)


def _load_side(out_dir: Path, trial: int, label: str, rounds: int):
    from agnobench.results_merge import merge_results
    from agnobench.results import load_results

    paths = [out_dir / f"{trial:02d}-r{r}-{label}.json" for r in range(rounds)]
    if not all(p.exists() for p in paths):
        return None
    files = [load_results(p) for p in paths]
    return files[0] if rounds == 1 else merge_results(files, paths)


def analyse(out_dir: Path) -> None:
    """Rates for 1..rounds pooled runs per side, per time metric and threshold."""
    from agnobench.compare import ThresholdPolicy, compare_results
    from agnobench.compare.thresholds import TimeMode

    meta = json.loads((out_dir / "plan.json").read_text())
    labels = [label for label, _ in meta["plan"] if label != "base"]
    if "base2" not in labels:
        labels.append("next-base")  # identical code: the next trial's baseline
    trials = range(meta["trials"])
    instr = "--instructions-only" in meta["extra"]
    metric_sets = ({"instr": ("instructions_per_op", TimeMode.rel)} if instr else
                   {"rel": ("time_per_op_rel", TimeMode.rel), "raw": ("time_per_op_ns", TimeMode.raw)})
    thresholds = [0.05, 0.1, 0.2, 0.3] if instr else [1.5, 2, 2.5, 3, 3.5, 4]
    for rounds in range(1, meta.get("rounds", 1) + 1):
        sides = {(t, lab): _load_side(out_dir, t, lab, rounds) for t in trials for lab in ["base", *labels]
                 if lab != "next-base"}
        for t in trials:
            sides[(t, "next-base")] = sides.get(((t + 1) % len(trials), "base"))
        for name, (metric, mode) in metric_sets.items():
            print(f"\n== {rounds} run(s) per side, {name} ({metric}): change in % per trial")
            for label in labels:
                changes = []
                for t in trials:
                    base, cur = sides[(t, "base")], sides[(t, label)]
                    if base is not None and cur is not None:
                        comparison = compare_results(base, cur, ThresholdPolicy(time_mode=mode), only_metrics=[metric])
                        changes.append(comparison.rows[0].change_pct)
                print(f"{label:7s} n={len(changes):2d}  " + " ".join(f"{v:+.3f}" for v in changes))
            print(f"{'threshold':>10s} " + " ".join(f"{lab:>13s}" for lab in labels))
            for threshold in thresholds:
                cells = []
                for label in labels:
                    flagged = total = 0
                    for t in trials:
                        base, cur = sides[(t, "base")], sides[(t, label)]
                        if base is None or cur is None:
                            continue
                        policy = ThresholdPolicy(per_metric={metric: threshold}, time_mode=mode)
                        total += 1
                        flagged += compare_results(base, cur, policy, only_metrics=[metric]).exit_code == 1
                    cells.append(f"{flagged:>3d}/{total:<3d}{100 * flagged / max(total, 1):4.0f}%")
                print(f"{threshold:>9g}% " + " ".join(f"{c:>13s}" for c in cells))


LAYOUT_PADS = [1, 7, 33, 100, 257, 1000]


def layout(out_dir: Path, extra: list[str]) -> None:
    from agnobench.results import load_results

    out_dir.mkdir(parents=True, exist_ok=True)
    medians = []
    for pad in LAYOUT_PADS:
        path = out_dir / f"pad-{pad}.json"
        if not path.exists():
            os.environ["AGNOBENCH_PAD"] = "x" * pad
            agnobench_run(200, path, ["--instructions-only", *extra])
        median = load_results(path).scenarios[0].metrics["instructions_per_op"].median
        medians.append(median)
        print(f"pad {pad:5d}  {median:,.0f}", flush=True)
    low, high = min(medians), max(medians)
    print(f"spread (max - min) / min: {100 * (high - low) / low:.3f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["wall", "instr", "analyse", "layout"])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--first", type=int, default=0, help="start at this trial (to split trials over processes)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds per trial, pooled by `agnobench merge`")
    args = parser.parse_args()
    if args.mode == "analyse":
        analyse(Path(args.path or args.out))
    elif args.mode == "layout":
        layout(args.out, ["--quick"] if args.quick else [])
    elif args.mode == "wall":
        run_plan(WALL_PLAN, args.trials, args.out, ["--quick"] if args.quick else [], args.rounds, args.first)
    else:
        run_plan(INSTR_PLAN, args.trials, args.out, ["--instructions-only"] + (["--quick"] if args.quick else []),
                 args.rounds, args.first)


if __name__ == "__main__":
    main()
