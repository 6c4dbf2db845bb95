"""Detection and false-alarm trials of ``agnobench ab``, beside the five-rounds recipe and pyperf.

    python tools/ab_trials/make_copies.py DIR            # agno copies: base, base2, slow5, slow2
    python tools/ab_trials/run_trials.py run DIR --trials 20 [--others-every 4]
    python tools/ab_trials/run_trials.py analyse DIR

Each trial runs, on the creation suite:

- ``agnobench ab DIR/agno-base DIR/agno-slow5`` — a 5 % slowdown of ``Agent()`` (must be caught);
- ``agnobench ab DIR/agno-base DIR/agno-base2`` — two identical copies (must not be flagged);
- ``agnobench ab DIR/agno-base DIR/agno-slow2`` — a 2 % slowdown.

Every ``--others-every``-th trial also runs, for base against slow5 and base against base2, the
five-rounds recipe (``agnobench run`` five times a side alternately, ``merge``, ``compare``) and
pyperf (``pyperf timeit`` with each side's interpreter, one after the other, ``pyperf compare_to``).
Each result is one JSON line in DIR/trials.jsonl; ``analyse`` prints the rates at 3 % and at 1 %.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SCENARIO = "agent-create-simple"
PAIRS = {"slow5": "agno-slow5", "same": "agno-base2", "slow2": "agno-slow2"}
SETUP = "from agnobench.adapters.agno.creation import shared_parts, create_simple; parts = shared_parts()"
STATEMENT = "create_simple(parts)"


def _ab(directory: Path, other: str, out: Path) -> dict[str, object]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "agnobench", "ab", "./agno-base", f"./{other}", "--suite", "creation",
                           "-o", str(out), "--format", "json"], cwd=directory, capture_output=True, text=True)
    seconds = time.monotonic() - started
    data = json.loads(out.read_text())
    rows = {s["name"]: next(m for m in s["metrics"] if m["metric"] == "time_per_op_ns") for s in data["scenarios"]}
    return {"exit": proc.returncode, "seconds": round(seconds, 1),
            "rows": {name: {k: row[k] for k in ("ratio", "low", "high", "verdict")} for name, row in rows.items()}}


def _side_python(directory: Path, copy: str) -> str:
    """The interpreter of the cached ab environment built for ``./copy`` (run an ab first)."""
    from agnobench.measure.machine import cache_dir

    for ready in (cache_dir() / "ab-envs").glob("*/agnobench-ab-ready.json"):
        if json.loads(ready.read_text()).get("side") == f"./{copy}":
            return str(ready.parent / "bin" / "python")
    raise SystemExit(f"no ab environment for ./{copy} yet")


def _recipe(directory: Path, other: str, work: Path) -> dict[str, object]:
    """Five alternating ``agnobench run``s a side, merged, compared (docs/ci-gate.md's recipe)."""
    started = time.monotonic()
    files: dict[str, list[str]] = {"base": [], "other": []}
    for round_ in range(1, 6):
        for side, copy in (("base", "agno-base"), ("other", other)):
            out = work / f"{side}-{round_}.json"
            subprocess.run([_side_python(directory, copy), "-m", "agnobench", "run", "--suite", "creation",
                            "--hash-seed", str(round_), "-o", str(out), "--format", "json"], cwd=directory,
                           capture_output=True, check=True)
            files[side].append(str(out))
    merged = {}
    for side, paths in files.items():
        merged[side] = work / f"{side}.json"
        subprocess.run([sys.executable, "-m", "agnobench", "merge", *paths, "-o", str(merged[side])], check=True,
                       capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "agnobench", "compare", str(merged["base"]), str(merged["other"]),
                           "--format", "json"], capture_output=True, text=True)
    data = json.loads(proc.stdout)
    rows = [c for c in data["comparisons"] if c["scenario"] == SCENARIO and c["gated"]]
    return {"exit": proc.returncode, "seconds": round(time.monotonic() - started, 1),
            "flagged": any(c["verdict"] == "regression" for c in rows),
            "changes": {c["metric"]: c["change_pct"] for c in rows}}


def _pyperf(directory: Path, other: str, work: Path) -> dict[str, object]:
    """``pyperf timeit`` with each side's interpreter, one after the other, then ``pyperf compare_to``."""
    started = time.monotonic()
    outs = []
    for copy in ("agno-base", other):
        out = work / f"pyperf-{copy}.json"
        out.unlink(missing_ok=True)
        subprocess.run(["unshare", "-n", _side_python(directory, copy), "-m", "pyperf", "timeit", "--quiet",
                        "--inherit-environ", "AGNO_TELEMETRY", "-o", str(out), "-s", SETUP, STATEMENT],
                       cwd=directory, env={**os.environ, "AGNO_TELEMETRY": "false"}, check=True, capture_output=True)
        outs.append(str(out))
    proc = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", *outs], capture_output=True, text=True)
    text = proc.stdout
    import pyperf

    base, other = (pyperf.BenchmarkSuite.load(path).get_benchmarks()[0] for path in outs)
    # compare_to prints a ratio only for a significant change ("Benchmark hidden because not significant")
    return {"seconds": round(time.monotonic() - started, 1), "ratio": other.mean() / base.mean(),
            "significant": "not significant" not in text.lower(), "text": text.strip().splitlines()[-1:]}


def run(directory: Path, trials: int, every: int) -> None:
    log = directory / "trials.jsonl"
    done = {(r["trial"], r["kind"], r["method"]) for r in map(json.loads, log.read_text().splitlines())} \
        if log.exists() else set()
    for trial in range(trials):
        for kind, other in PAIRS.items():
            jobs = [("ab", lambda: _ab(directory, other, directory / "out" / f"{trial:02d}-{kind}.json"))]
            if every and trial % every == 0 and kind != "slow2":
                work = directory / "out" / f"{trial:02d}-{kind}"
                work.mkdir(parents=True, exist_ok=True)
                jobs += [("recipe", lambda: _recipe(directory, other, work)),
                         ("pyperf", lambda: _pyperf(directory, other, work))]
            for method, job in jobs:
                if (trial, kind, method) in done:
                    continue
                (directory / "out").mkdir(exist_ok=True)
                record = {"trial": trial, "kind": kind, "method": method, **job()}
                with log.open("a") as handle:
                    handle.write(json.dumps(record) + "\n")
                print(json.dumps(record)[:200], flush=True)


def _ab_flag(row: dict[str, float], threshold: float) -> bool:
    """The gate's rule at another threshold: the change beyond it and the interval clear of 1."""
    return (row["ratio"] - 1) * 100 > threshold and row["low"] > 1


def analyse(directory: Path) -> None:
    records = [json.loads(line) for line in (directory / "trials.jsonl").read_text().splitlines()]
    print("| method | threshold | +5 % caught | +2 % caught | identical flagged | seconds a trial (median) |")
    print("|---|---|---|---|---|---|")
    for threshold in (3.0, 1.0):
        ab = [r for r in records if r["method"] == "ab"]
        caught5 = [r for r in ab if r["kind"] == "slow5"]
        caught2 = [r for r in ab if r["kind"] == "slow2"]
        same = [r for r in ab if r["kind"] == "same"]
        hit5 = sum(_ab_flag(r["rows"][SCENARIO], threshold) for r in caught5)
        hit2 = sum(_ab_flag(r["rows"][SCENARIO], threshold) for r in caught2)
        false = sum(any(_ab_flag(row, threshold) for row in r["rows"].values()) for r in same)
        seconds = sorted(r["seconds"] for r in ab)
        print(f"| agnobench ab | {threshold:g} % | {hit5}/{len(caught5)} | {hit2}/{len(caught2)} | {false}/{len(same)} "
              f"(any of 4 scenarios) | {seconds[len(seconds) // 2] if seconds else '—'} |")
    for method in ("recipe", "pyperf"):
        rows = [r for r in records if r["method"] == method]
        slow = [r for r in rows if r["kind"] == "slow5"]
        same = [r for r in rows if r["kind"] == "same"]
        if method == "recipe":
            hits, falses = sum(r["flagged"] for r in slow), sum(r["flagged"] for r in same)
        else:
            hits = sum(r["significant"] and r["ratio"] > 1.03 for r in slow)
            falses = sum(r["significant"] and r["ratio"] > 1.03 for r in same)
        seconds = sorted(r["seconds"] for r in rows)
        print(f"| {method} | 3 % | {hits}/{len(slow)} | — | {falses}/{len(same)} | "
              f"{seconds[len(seconds) // 2] if seconds else '—'} |")
    ratios5 = sorted(r["rows"][SCENARIO]["ratio"] for r in records if r["method"] == "ab" and r["kind"] == "slow5")
    ratios0 = sorted(r["rows"][SCENARIO]["ratio"] for r in records if r["method"] == "ab" and r["kind"] == "same")
    ratios2 = sorted(r["rows"][SCENARIO]["ratio"] for r in records if r["method"] == "ab" and r["kind"] == "slow2")
    for name, values in (("+5 %", ratios5), ("+2 %", ratios2), ("identical", ratios0)):
        if values:
            print(f"{name}: ab's B ÷ A for {SCENARIO} over {len(values)} trials: {values[0]:.3f} … "
                  f"{values[len(values) // 2]:.3f} (median) … {values[-1]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["run", "analyse"])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--others-every", type=int, default=4)
    args = parser.parse_args()
    if args.command == "run":
        run(args.directory.resolve(), args.trials, args.others_every)
    else:
        analyse(args.directory.resolve())


if __name__ == "__main__":
    main()
