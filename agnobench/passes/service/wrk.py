"""The ``wrk`` load generator (Debian package ``wrk``), driven with agnobench's Lua script.

wrk is a closed-loop generator in C: ``-c`` keep-alive connections over
``-t`` threads, each connection sending its next request when the previous
answer is in. ``check.lua`` (beside this module) gives every request its own
token and checks every response (see the script's header for how a response
is matched without knowing its connection); its ``done`` prints one
``AGNOBENCH {json}`` line that :func:`parse_output` reads. Latency
percentiles are wrk's own (microsecond histogram, over responses that
completed). wrk has no open-loop mode (wrk2 has, and is not packaged), so the
fixed-rate runs always use the built-in generator.
"""

from __future__ import annotations

import json
import math
import resource
import shutil
from pathlib import Path

from agnobench.passes.service.child import run_child
from agnobench.passes.service.spec import LoadResult, LoadSpec
from agnobench.passes.service.stats import LatencySummary

SCRIPT = Path(__file__).with_name("check.lua")
MARK = "AGNOBENCH "


def available() -> bool:
    return shutil.which("wrk") is not None


def command(spec: LoadSpec, threads: int) -> list[str]:
    r = spec.request
    duration = max(1, math.ceil(spec.duration_s))  # wrk takes whole seconds
    return ["wrk", f"-t{max(1, min(threads, spec.connections))}", f"-c{spec.connections}", f"-d{duration}s",
            f"--timeout={max(1, math.ceil(spec.timeout_s))}s", "-s", str(SCRIPT),
            f"http://{spec.host}:{spec.port}/", "--",
            r.method, r.path, r.body, r.content_type, str(r.expect_status), r.expect_body, spec.token_prefix]


def parse_output(stdout: str, connections: int, cpu_s: float) -> LoadResult:
    line = next((ln for ln in stdout.splitlines() if ln.startswith(MARK)), None)
    if line is None:
        raise RuntimeError("wrk printed no result line: " + (stdout.strip().splitlines() or ["(nothing)"])[-1])
    d = json.loads(line[len(MARK):])
    us = 1000.0
    latency = LatencySummary(count=d["good"], mean=d["mean"] * us, p50=d["p50"] * us, p90=d["p90"] * us,
                             p99=d["p99"] * us, p999=d["p999"] * us, max=d["max"] * us)
    # wrk counts non-2xx/3xx statuses in errors.status; those responses also reached response() and are in
    # "wrong" already, so they are not added twice.
    return LoadResult(generator="wrk", connections=connections, duration_s=d["duration_us"] / 1e6, good=d["good"],
                      wrong=d["wrong"], socket_errors=d["connect"] + d["read"] + d["write"], timeouts=d["timeout"],
                      latency=latency if d["good"] else LatencySummary(), generator_cpu_s=cpu_s,
                      first_wrong=d["first_wrong"])


def _raise_fd_limit() -> None:  # runs in the child before exec: 1,000 connections need more than 1,024 fds
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run(spec: LoadSpec, threads: int = 2) -> LoadResult:
    """Run wrk to completion in its own process."""
    done = run_child(command(spec, threads), b"", spec.duration_s + spec.timeout_s + 30, preexec=_raise_fd_limit)
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with status {done.returncode}: {done.stderr.strip()[-300:]}")
    return parse_output(done.stdout, spec.connections, done.cpu_s)
