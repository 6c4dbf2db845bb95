"""Which load generator runs a load, and running it: ``wrk`` when on PATH, else the built-in one.

Both run in a process of their own and answer a :class:`LoadResult`. The
fixed-rate (open-loop) runs always use the built-in generator: wrk has no
open-loop mode.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from agnobench.passes.service import locust_run, wrk
from agnobench.passes.service.child import run_child
from agnobench.passes.service.locust_run import LocustSetup
from agnobench.passes.service.spec import LoadResult, LoadSpec

GENERATORS = ("auto", "wrk", "builtin")


class GeneratorMissing(RuntimeError):
    """``generator = "wrk"`` was asked for and wrk is not installed."""


def pick(preference: str) -> str:
    if preference == "builtin" or (preference == "auto" and not wrk.available()):
        return "builtin"
    if not wrk.available():
        raise GeneratorMissing("measure.params.generator = \"wrk\" but wrk is not on PATH "
                               "(apt-get install wrk; or generator = \"auto\" to use the built-in one)")
    return "wrk"


def run_builtin(spec: LoadSpec) -> LoadResult:
    done = run_child([sys.executable, "-m", "agnobench.passes.service.loadgen"], json.dumps(spec.to_dict()).encode(),
                     spec.duration_s + spec.timeout_s + 30)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the built-in load generator failed (status {done.returncode}): "
                           f"{done.stderr.strip()[-500:] or '(no output)'}")
    # generator_cpu_s is the process's own CPU over the run (its ~0.2 s of start-up imports excluded)
    return LoadResult.from_dict(json.loads(lines[-1]))


def run_load(spec: LoadSpec, generator: str, locust: LocustSetup | None = None) -> LoadResult:
    """One load run with the named generator (``wrk``, ``builtin``, or ``locust`` for a fixed rate; open loop is
    built-in unless it is Locust's). Locust's workers in namespaces reach the server on the run's bridge."""
    if generator == "locust" and spec.rate > 0:
        setup = locust or LocustSetup()
        host = setup.network.server_address if setup.network is not None else spec.host
        return locust_run.run(replace(spec, host=host), setup)
    if generator == "wrk" and spec.rate <= 0:
        return wrk.run(spec)
    return run_builtin(spec)
