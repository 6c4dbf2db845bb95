"""memray's HTML flamegraphs, rendered to work offline.

memray's reports load d3, bootstrap and plotly from a CDN unless rendered
with ``no_web``, which inlines memray's vendored copies: these machines and
many CI runners have no internet, and a report that opens blank there is no
report. Two views of one capture:

- every allocation the N ops made, by stack (memray's own ``flamegraph``
  command shows the heap at its peak instead; with the results held that is
  nearly the leaks view, and it hides the temporaries that make up most of
  ``allocated_bytes_per_op``);
- memray's leaks view: what is still alive at the end of the capture, i.e.
  what the N held results retain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from memray import AllocationRecord, FileReader
from memray.reporters.flamegraph import FlameGraphReporter
from memray.reporters.templates import get_render_environment

_ALLOCATIONS_HELP = """
<p>
  agnobench: this flame graph shows <b>every allocation</b> made while the
  operation ran {ops} times under memray, temporaries included, by the stack
  that made it: width is bytes allocated (hover for the number of
  allocations). It is the picture behind <code>allocated_bytes_per_op</code>
  and <code>allocs_per_op</code>. The companion <code>leaks.html</code> shows
  what stayed alive: what the {ops} held results retain.
</p>
<p>
  memray follows Python stacks with a profile hook, which makes CPython build
  a frame object at every Python call; those appear here at the caller's
  line. The terminal summary and <code>summary.json</code> leave them out.
</p>
<p>
  Vertical order is the call order, from caller to callee; horizontal order
  means nothing. Use <b>Show/Hide Irrelevant Frames</b> to show the frames
  of the interpreter and of memray itself.
</p>
"""

_LEAKS_HELP = """
<p>
  agnobench: the {ops} results of the operation were held alive until the
  end of the capture, so this view shows, by the stack that allocated it,
  what those results retain (and anything else the operation left behind:
  caches, registries, leaks).
</p>
"""


class _StackTotal:
    """The parts of an AllocationRecord memray's reporter reads, summed over one stack."""

    __slots__ = ("size", "n_allocations", "_record")
    tid = -1  # memray's "merged thread"
    thread_name = ""

    def __init__(self, record: AllocationRecord) -> None:
        self.size = 0
        self.n_allocations = 0
        self._record = record

    def stack_trace(self, max_stacks: int | None = None) -> list[tuple[str, str, int]]:
        return self._record.stack_trace() if max_stacks is None else self._record.stack_trace(max_stacks)

    def hybrid_stack_trace(self, max_stacks: int | None = None) -> Any:
        return (self._record.hybrid_stack_trace() if max_stacks is None
                else self._record.hybrid_stack_trace(max_stacks))


def stack_totals(records: Iterable[AllocationRecord], allocating: frozenset[int],
                 native: bool) -> dict[tuple[int, ...], _StackTotal]:
    """Sum allocating records per stack: a few thousand stacks instead of a million records."""
    totals: dict[tuple[int, ...], _StackTotal] = {}
    for record in records:
        if record.allocator not in allocating:
            continue
        key = ((record.stack_id, record.native_stack_id, record.native_segment_generation)
               if native else (record.stack_id,))
        total = totals.get(key)
        if total is None:
            total = totals[key] = _StackTotal(record)
        total.size += record.size
        total.n_allocations += record.n_allocations
    return totals


def _render(records: Iterable[Any], reader: FileReader, path: Path, *, leaks: bool, title: str, help_html: str) -> None:
    native = reader.metadata.has_native_traces
    memory_records = tuple(reader.get_memory_snapshots())
    reporter = FlameGraphReporter.from_snapshot(records, memory_records=memory_records, native_traces=native,
                                                merge_threads=True, inverted=False)
    # memray's own template, with agnobench's explanation in its help dialog.
    template = get_render_environment().from_string(
        '{% extends "flamegraph.html" %}{% block help %}' + help_html.replace("{", "&#123;")
        + "{% if show_memory_leaks %}{{ super() }}{% endif %}{% endblock %}")
    html = template.render(kind="flamegraph", title=title, data=reporter.data, metadata=reader.metadata,
                           memory_records=memory_records, show_memory_leaks=leaks, merge_threads=True,
                           inverted=False, no_web=True)
    path.write_text(html, encoding="utf-8")


def write_allocations_flamegraph(reader: FileReader, totals: Iterable[_StackTotal], path: Path,
                                 scenario: str, ops: int) -> None:
    _render(totals, reader, path, leaks=False, title=f"{scenario}: all allocations of {ops} ops",
            help_html=_ALLOCATIONS_HELP.format(ops=ops))


def write_leaks_flamegraph(reader: FileReader, leaked: Iterable[AllocationRecord], path: Path,
                           scenario: str, ops: int) -> None:
    _render(leaked, reader, path, leaks=True, title=f"{scenario}: retained by {ops} held results",
            help_html=_LEAKS_HELP.format(ops=ops))
