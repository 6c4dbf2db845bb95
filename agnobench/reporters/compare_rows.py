"""The cells of the comparison table, shared by its table, markdown and text reporters."""

from __future__ import annotations

from agnobench.compare import Comparison, MetricComparison, Verdict
from agnobench.compare.judgeable import SOURCE_NO_RERUNS, SOURCE_RERUNS
from agnobench.compare.stats import TEST_RANGES
from agnobench.core.registry import metric_info
from agnobench.reporters.format import format_bytes, format_ns

COLUMNS = ["scenario", "metric", "baseline", "current", "change", "test", "threshold", "verdict"]
RIGHT_ALIGNED = {2, 3, 4, 5, 6}

MARKS = {Verdict.regression: "✗", Verdict.improvement: "✓", Verdict.unchanged: "=", Verdict.not_significant: "?",
         Verdict.inconclusive: "~"}

NOTES = [
    "A regression needs both: a significant difference (Mann-Whitney U on the samples, two-sided; "
    "with too few samples for it, sample ranges that do not overlap) and a change beyond the threshold.",
    "“not significant”: beyond the threshold, but the samples cannot tell it from noise; it does not fail the gate.",
    "Rows marked (info) are shown but never fail the gate (kernel = the machine's speed; ops/s = time/op restated; "
    "time/op moves with the machine: time/kernel gates in its place).",
    "time/kernel: time per op divided by the reference kernel timed beside it, steady when the whole machine slows down.",
    "wall/op of a scenario with no kernel beside it (concurrency, async, streaming) gates only on pooled runs "
    "(`agnobench merge`), at a threshold no narrower than its measured rerun spread (“reruns” in the threshold "
    "column); one run a side shows it for information.",
    "“inconclusive”: the machine was too disturbed to judge the metric (kernel speeds of the two runs too far apart, "
    "a run timed only in the slow phase, a rerun spread over 50 %), or a side's figure is no measurement; never a "
    "regression; exit code 3 when nothing else failed.",
]


def format_figure(metric: str, value: float) -> str:
    """More digits than the results table: the change column is read against these."""
    unit = metric_info(metric).unit
    if unit == "ns":
        return format_ns(value)
    if unit == "B":
        return format_bytes(value) if abs(value) >= 100 * 1024 else f"{value:,.1f} B".replace(".0 B", " B")
    if unit == "ratio":
        return f"{value:.4g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def format_change(row: MetricComparison) -> str:
    if row.verdict is Verdict.inconclusive and row.change_pct is None:
        return "—"
    if row.change_pct is None:
        return "new"
    return f"{row.change_pct:+.2f}%"


def format_test(row: MetricComparison) -> str:
    sig = row.significance
    if sig.p_value is not None:
        return f"p={sig.p_value:.3g}" if sig.p_value >= 0.001 else "p<0.001"
    if sig.test == TEST_RANGES:
        return "ranges apart" if sig.significant else "ranges overlap"
    return f"n={row.n_baseline}/{row.n_current}"


def format_threshold(row: MetricComparison) -> str:
    """The threshold, and where a machine rule set it: "reruns" (widened to the rerun spread), "—" (not gated)."""
    if row.rule.source == SOURCE_NO_RERUNS:
        return "— (1 run)"
    if row.rule.source == SOURCE_RERUNS:
        return f"±{row.rule.threshold_pct:g}% reruns"
    return f"±{row.rule.threshold_pct:g}%"


def format_verdict(row: MetricComparison) -> str:
    if row.gated:
        return f"{MARKS[row.verdict]} {row.verdict.value}"
    if row.verdict in (Verdict.regression, Verdict.improvement):  # not a judgement: say which way it moved
        higher = (row.change_pct or 0) > 0 or row.change_pct is None
        return f"{'↑ higher' if higher else '↓ lower'} (info)"
    return f"{MARKS[row.verdict]} {row.verdict.value} (info)"


def cells(row: MetricComparison) -> list[str]:
    return [row.scenario, metric_info(row.metric).label,
            format_figure(row.metric, row.baseline), format_figure(row.metric, row.current), format_change(row),
            format_test(row), format_threshold(row), format_verdict(row)]


def _inconclusive_names(comparison: Comparison) -> str:
    return ", ".join(f"{r.scenario} {metric_info(r.metric).label}" for r in comparison.inconclusive)


def environment_clause(comparison: Comparison, scenarios: set[str] | None = None) -> str:
    """" — packages changed: pydantic 2.14.4 → 2.12.5" when the environments differ (those the flagged
    scenarios imported, when known), else ''."""
    changes = [c for s in comparison.scenarios if scenarios is None or s.name in scenarios for c in s.package_changes]
    changes = list(dict.fromkeys(changes)) or comparison.package_changes
    if not changes:
        return ""
    shown = ", ".join(changes[:4]) + (f" and {len(changes) - 4} more" if len(changes) > 4 else "")
    return f" — the environments differ, packages changed: {shown}"


def summary_line(comparison: Comparison) -> str:
    return _summary(comparison) + environment_clause(
        comparison, {r.scenario for r in comparison.regressions + comparison.inconclusive} or None)


def _summary(comparison: Comparison) -> str:
    regressions, broken = comparison.regressions, comparison.broken
    if not regressions and not broken:
        improved = sum(1 for r in comparison.rows if r.gated and r.verdict is Verdict.improvement)
        extra = f", {improved} improvement(s)" if improved else ""
        if comparison.inconclusive:
            return (f"No regressions in {len(comparison.scenarios)} scenario(s){extra}, but "
                    f"{len(comparison.inconclusive)} metric(s) could not be judged on these runs "
                    f"({_inconclusive_names(comparison)}): inconclusive, rerun (exit 3).")
        return f"No regressions in {len(comparison.scenarios)} scenario(s){extra}: gate passes."
    parts = []
    if regressions:
        names = ", ".join(f"{r.scenario} {metric_info(r.metric).label} {format_change(r)}" for r in regressions)
        parts.append(f"{len(regressions)} regression(s): {names}")
    if broken:
        parts.append(f"{len(broken)} scenario(s) failed in current: {', '.join(f.name for f in broken)}")
    return "; ".join(parts) + ": gate fails."


def side_lists(comparison: Comparison) -> list[str]:
    """Scenarios on one side only, failed scenarios, and warnings, one line each."""
    lines = []
    if comparison.only_baseline:
        lines.append(f"only in baseline (not compared): {', '.join(comparison.only_baseline)}")
    if comparison.only_current:
        lines.append(f"only in current (not compared): {', '.join(comparison.only_current)}")
    if comparison.skipped:
        lines.append(f"skipped (not installed on one side, not compared): {', '.join(comparison.skipped)}")
    if comparison.package_changes:
        lines.append("packages the measured code imported differ between the runs: "
                     + ", ".join(comparison.package_changes))
    for failed in comparison.failed:
        lines.append(f"{failed.name} failed in {failed.side}: {failed.error}")
    for row in comparison.rows:
        if row.verdict is Verdict.inconclusive and row.reason:
            lines.append(f"{row.scenario} {metric_info(row.metric).label} inconclusive: {row.reason}")
    lines.extend(comparison.notes)
    return lines

