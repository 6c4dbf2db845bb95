"""The passes of one scenario, run in its worker, and their output assembled in the parent.

Worker side, :func:`run_passes` loops over the scenario's passes in file
order: each gets its own typed params (``--quick`` rule applied) and returns
samples and a typed result, kept under its own name. Parent side,
:func:`assemble` turns that payload into each pass's :class:`PassRecord` and
the scenario's flat ``metrics`` map.

The flat map (what CI and users read) holds every metric under its plain name
from the *first* pass in ``[measure] passes`` that measured it; the same
metric from a later pass goes in as ``<pass>.<metric>`` (for example
``variants.time_per_op_ns`` beside timing's ``time_per_op_ns``), so no pass
overwrites another's. Derived metrics (ops/s) are derived per pass and
published only for the plain name.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from agnobench.core.params_schema import build_params
from agnobench.core.plugin import AnyPlugin, PassContext, PassOutput
from agnobench.core.registry import all_metrics, metric_info, plugin
from agnobench.core.settings import MeasureSettings
from agnobench.core.pass_records import decode_details, encode_details
from agnobench.results import Metric, PassRecord


def run_passes(scenario: Any, settings: Any, op: Callable[[], Any], hold: int,
               progress: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Worker side: pass name -> {"samples", "details" (JSON), "wall_s"}, in the scenario's order."""
    out: dict[str, dict[str, Any]] = {}
    for name in scenario.measure.passes:
        p = plugin(name)
        params = scenario.measure.pass_params.get(name) or p.params()
        params = reduced(p, params, settings)
        ctx = PassContext(name=scenario.name, op=op, settings=settings, params=params, hold=hold,
                          progress=progress)
        started = time.monotonic()
        output = p.run(ctx)
        out[name] = {"samples": output.samples, "details": encode_details(output.details),
                     "wall_s": round(time.monotonic() - started, 3)}
    return out


def reduced(p: AnyPlugin, params: Any, settings: MeasureSettings) -> Any:
    """A pass's params under the run's settings: its --quick rule, then its --debug-single-value rule."""
    if settings.quick:
        params = p.quick(params)
    if settings.debug_single_value:
        params = p.debug(params)
    return params


def run_pass(name: str, op: Callable[[], Any], settings: Any, hold: int = 10, **params: Any) -> PassOutput[Any]:
    """One pass on ``op`` in this process, params checked as the scenario loader does (tests, notebooks)."""
    p = plugin(name)
    typed = build_params(p.params, params, f"<{name} params>")
    typed = reduced(p, typed, settings)
    return p.run(PassContext(name=name, op=op, settings=settings, params=typed, hold=hold))


def metrics_from_samples(samples: dict[str, list[float]]) -> dict[str, Metric]:
    """Summaries of each sampled metric, plus the metrics derived from them (ops/s from time/op)."""
    metrics = {name: Metric.from_samples(values, metric_info(name).unit)
               for name, values in samples.items() if values}
    add_derived(metrics)
    return metrics


def add_derived(metrics: dict[str, Metric]) -> None:
    """Add each declared derived metric (``MetricInfo.derive``) whose source is present and positive."""
    for info in all_metrics().values():
        source = metrics.get(info.derived_from) if info.derive is not None else None
        if source is not None and source.median > 0 and info.name not in metrics:
            derived = metrics[info.name] = Metric.single(info.derive(source.median), info.unit)  # type: ignore[misc]
            derived.samples = [info.derive(v) for v in source.samples if v > 0]  # type: ignore[misc]


def scenario_metrics(passes: dict[str, PassRecord]) -> dict[str, Metric]:
    """The flat map: first pass wins a plain name, a later one's goes in as ``pass.metric``."""
    flat: dict[str, Metric] = {}
    for name, record in passes.items():
        for metric, value in record.metrics.items():
            if metric not in flat:
                flat[metric] = value
            elif not metric_info(metric).derived_from:
                flat[f"{name}.{metric}"] = value
    return flat


def assemble(payload: dict[str, Any]) -> tuple[dict[str, Metric], dict[str, PassRecord], dict[str, Any]]:
    """Parent side: (flat metrics, pass records, scenario details) of a worker's result payload."""
    passes = {name: PassRecord(metrics=metrics_from_samples(out.get("samples", {})),
                               details=decode_details(name, out.get("details")), wall_s=out.get("wall_s"))
              for name, out in payload.get("passes", {}).items()}
    return scenario_metrics(passes), passes, dict(payload.get("details", {}))
