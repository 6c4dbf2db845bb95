"""A scenario's op timed by pyperf (``Runner.bench_func``, or ``bench_async_func`` for an async op).

``python tools/agreement/pyperf_op.py SCENARIO.toml --fast -o OUT.json``: pyperf's
own calibrated loops in its own worker processes, nothing of agnobench's harness
(the op is loaded as :mod:`plain_loop` loads it). Run it inside ``unshare -n``.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import pyperf

sys.path.insert(0, str(Path(__file__).parent))
from plain_loop import load_op  # noqa: E402


def main() -> None:
    os.environ.setdefault("AGNO_TELEMETRY", "false")
    runner = pyperf.Runner(add_cmdline_args=lambda cmd, args: cmd.append(args.scenario))
    runner.argparser.add_argument("scenario")
    args = runner.parse_args()
    op = load_op(Path(args.scenario))
    name = Path(args.scenario).stem
    if inspect.iscoroutinefunction(getattr(op, "func", op)):
        runner.bench_async_func(name, op)
    else:
        runner.bench_func(name, op)


if __name__ == "__main__":
    main()
