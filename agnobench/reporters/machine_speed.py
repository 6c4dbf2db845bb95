"""How fast the machine ran while a suite was timed, and the warnings that go under its table.

The facts come from each scenario's timing result
(:class:`agnobench.passes.timing.TimingResult`): the reference kernel's time in
every timing process against the fastest this machine has shown (the
per-machine record, :mod:`agnobench.measure.machine`).
"""

from __future__ import annotations

from typing import Sequence

from agnobench.passes.timing import TimingResult
from agnobench.reporters.format import format_ns
from agnobench.results import ScenarioResult

HEADLINE = "time_per_op_best_ns"
SPEED_CHANGE_WARN = 0.20  # warn when the slowest timing process ran this much slower than the fastest
RECORD_MOVE_NOTE = 0.005  # say so when the run lowered the machine's record by more than this


def timing_facts(result: ScenarioResult) -> TimingResult | None:
    """The timing pass's result when it timed paired bursts (not a file from before them), else None."""
    facts = result.result_of("timing")
    return facts if isinstance(facts, TimingResult) and facts.pairs_per_process else None


def rerun_pct(result: ScenarioResult) -> float | None:
    facts = timing_facts(result)
    return float(facts.rerun_pct) if facts is not None and HEADLINE in result.metrics else None


def speed_notes(results: Sequence[ScenarioResult]) -> list[str]:
    timed = [(r, f) for r in results if (f := timing_facts(r)) is not None]
    if not timed:
        return []
    low = min(f.speed_min for _, f in timed)
    high = max(f.speed_max for _, f in timed)
    machine = timed[-1][1].machine
    best = machine.best_ns
    where = machine.path or "not kept (cache directory not writable)"
    notes = [f"machine speed: {100 * low:.0f}–{100 * high:.0f} % of the fastest this machine has shown "
             f"(reference kernel {format_ns(best) if best else '?'} per call; record: {where})."]
    if high and (high - low) / high > SPEED_CHANGE_WARN:
        notes.append(f"⚠ the machine's speed changed by more than {100 * SPEED_CHANGE_WARN:.0f} % while these "
                     f"scenarios were timed ({100 * low:.0f}–{100 * high:.0f} %): wall/op is not comparable between "
                     "scenarios or with another run; time/op is (paired with the kernel, fast-phase bursts only).")
    slow = [r.name for r, f in timed if f.slow_phase_only]
    if slow:
        notes.append(f"⚠ {', '.join(slow)}: timed only while the machine ran slow (the kernel more than 15 % slower "
                     "than in its fast phase of the last 10 minutes, else its record): time/op may read "
                     "high (3–12 % in the trials here); rerun to confirm.")
    moved = [f.machine for _, f in timed if f.machine.best_before_ns]
    if moved:
        before = max(m.best_before_ns or 0.0 for m in moved)
        if best and best < before * (1 - RECORD_MOVE_NOTE):
            notes.append(f"note: this run set a new fastest kernel for this machine ({format_ns(best)}, was "
                         f"{format_ns(before)}): time/op of earlier runs was converted at the old record "
                         f"(×{before / best:.3f} of this one's); time/kernel compares across that.")
    return notes
