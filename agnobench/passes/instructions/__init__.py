"""The instructions pass: CPU instructions per op under valgrind's callgrind, every scenario of a run at once.

Deterministic where time is not, for a tight CI gate. It is not listed in a
scenario's ``[measure] passes``: ``agnobench run --instructions`` (or
``--instructions-only``) asks for it, and it counts all selected scenarios in
one callgrind process (agno imported once), so it declares ``once`` instead of
a per-scenario ``run``. Engine: :mod:`.engine` (the parent side) and
:mod:`.child` (inside callgrind); report: :mod:`.report`.
"""

from __future__ import annotations

from agnobench.core.plugin import NoParams, PassPlugin, not_in_a_worker
from agnobench.passes.instructions.contract import METRICS, NAME, InstructionResult

PLUGIN = PassPlugin(name=NAME, order=150, run=not_in_a_worker, params=NoParams, result=InstructionResult,
                    metrics=METRICS, once=True,
                    summary="CPU instructions per op under callgrind (run --instructions), all scenarios in "
                            "one process")
