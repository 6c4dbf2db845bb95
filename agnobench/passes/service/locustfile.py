"""The Locust side of ``generator = "locust"``: loaded by ``locust -f`` in the master and in every worker.

Each user sends at a fixed rate of its own (the run's rate ÷ users) on a
schedule that starts at a random phase, and counts each latency from the
request's *scheduled* send, so a user held up by a slow answer does not hide
the delay (wrk2's correction of coordinated omission; Locust's own
``constant_throughput`` waits between requests and does not). Every answer is
checked like the other generators do (status, the request's own token), and
marked a success or a failure in Locust's own statistics too.

A worker records its right answers' latencies in an HDR histogram; once all
its users have sent their share and been answered, it sends the encoded
histogram and its counts to the master in an ``agnobench_result`` message.
The master adds the histograms (exact, unlike adding percentiles), writes one
:class:`~agnobench.passes.service.spec.LoadResult` as JSON to the file named in
``AGNOBENCH_LOCUST_OUT``, and quits. The spec comes in ``AGNOBENCH_LOCUST``
(a :class:`~agnobench.passes.service.spec.LoadSpec` as JSON, plus the user count).
"""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any

import gevent
from locust import User, events, task
from locust.contrib.fasthttp import FastHttpSession
from locust.runners import MasterRunner, WorkerRunner

from agnobench.passes.service import hdr
from agnobench.passes.service.locust_run import OUT_ENV, SPEC_ENV
from agnobench.passes.service.spec import LoadResult, LoadSpec

MESSAGE = "agnobench_result"

_config = json.loads(os.environ.get(SPEC_ENV, "{}") or "{}")
SPEC: LoadSpec | None = LoadSpec.from_dict(_config["spec"]) if _config else None
USERS: int = int(_config.get("users", 1))


class Tally:
    """This worker's counts and histogram (one per process; gevent runs the users in one thread)."""

    def __init__(self) -> None:
        self.histogram = hdr.new()
        self.good = self.wrong = self.socket_errors = self.timeouts = self.late = 0
        self.first_wrong = ""
        self.started = self.finished = 0
        self.counter = 0

    def message(self) -> dict[str, Any]:
        return {"good": self.good, "wrong": self.wrong, "socket_errors": self.socket_errors,
                "timeouts": self.timeouts, "late": self.late, "first_wrong": self.first_wrong,
                "histogram": hdr.encode(self.histogram), "cpu_s": time.process_time()}


TALLY = Tally()


class FixedRateUser(User):
    """Sends its share of the run's requests at a fixed rate, latency from each request's scheduled send."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        assert SPEC is not None
        self.client = FastHttpSession(f"http://{SPEC.host}:{SPEC.port}", environment.events.request, self,
                                      network_timeout=SPEC.timeout_s, connection_timeout=SPEC.timeout_s)

    @task
    def run_schedule(self) -> None:
        assert SPEC is not None
        spec, request = SPEC, SPEC.request
        TALLY.started += 1
        interval = USERS / spec.rate
        count = max(1, round(spec.duration_s / interval))
        start = time.perf_counter() + random.uniform(0, interval)
        headers = {"Content-Type": request.content_type} if request.content_type else {}
        for index in range(count):
            intended = start + index * interval
            delay = intended - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            elif delay < -0.001:
                TALLY.late += 1
            TALLY.counter += 1
            token = f"{spec.token_prefix}{os.getpid()}x{TALLY.counter}"
            self._one(request.method, request.fill(request.path, token), request.fill(request.body, token),
                      headers, token, intended)
        TALLY.finished += 1
        while True:  # this user's share is sent: idle until the master quits
            gevent.sleep(3600)

    def _one(self, method: str, path: str, body: str, headers: dict[str, str], token: str, intended: float) -> None:
        assert SPEC is not None
        try:
            # locust annotates data as str | dict, but its docstring and geventhttpclient take bytes: sent as is
            with self.client.request(method, path, data=body.encode() or None,  # type: ignore[arg-type]
                                     headers=headers, catch_response=True) as response:
                status, content = response.status_code, response.content or b""
                if SPEC.request.answer_ok(status, content, token):
                    hdr.record(TALLY.histogram, (time.perf_counter() - intended) * 1e9)
                    TALLY.good += 1
                    response.success()
                elif status == 0:  # the client's own failure: no answer came
                    error = str(response.error or "")
                    if "timed out" in error.lower() or "timeout" in type(response.error).__name__.lower():
                        TALLY.timeouts += 1
                    else:
                        TALLY.socket_errors += 1
                    response.failure(error or "no answer")
                else:
                    TALLY.wrong += 1
                    TALLY.first_wrong = TALLY.first_wrong or f"status {status}: {content[:200].decode(errors='replace')}"
                    response.failure("wrong answer")
        except Exception as exc:  # noqa: BLE001 - a client error is a socket error of this request, counted
            TALLY.socket_errors += 1
            TALLY.first_wrong = TALLY.first_wrong or f"client error: {exc}"


def _report_when_done(runner: WorkerRunner) -> None:
    assert SPEC is not None
    gevent.sleep(SPEC.duration_s)
    while not TALLY.started or TALLY.finished < TALLY.started:
        gevent.sleep(0.05)
    runner.send_message(MESSAGE, TALLY.message())


_received: list[dict[str, Any]] = []


def _merge_and_quit(environment: Any, expected: int) -> None:
    def on_result(msg: Any, **_: Any) -> None:
        _received.append(msg.data)
        if len(_received) < expected:
            return
        assert SPEC is not None
        histogram = hdr.merge(d["histogram"] for d in _received)
        good = sum(d["good"] for d in _received)
        result = LoadResult(generator="locust", connections=USERS, duration_s=SPEC.duration_s, good=good,
                            wrong=sum(d["wrong"] for d in _received),
                            socket_errors=sum(d["socket_errors"] for d in _received),
                            timeouts=sum(d["timeouts"] for d in _received), latency=hdr.summarize(histogram),
                            generator_cpu_s=sum(d["cpu_s"] for d in _received) + time.process_time(),
                            rate=SPEC.rate, late_sends=sum(d["late"] for d in _received),
                            first_wrong=next((d["first_wrong"] for d in _received if d["first_wrong"]), ""),
                            histogram=hdr.encode(histogram))
        with open(os.environ[OUT_ENV], "w") as out:
            json.dump({**result.to_dict(), "workers": len(_received)}, out)
        gevent.spawn_later(0.1, environment.runner.quit)

    environment.runner.register_message(MESSAGE, on_result)


def _on_init(environment: Any, **_: Any) -> None:
    os.environ["AGNO_TELEMETRY"] = "false"
    if isinstance(environment.runner, MasterRunner):
        _merge_and_quit(environment, int(_config.get("workers", 1)))
    elif isinstance(environment.runner, WorkerRunner):
        runner = environment.runner
        environment.events.test_start.add_listener(lambda **_: gevent.spawn(_report_when_done, runner))


events.init.add_listener(_on_init)  # a call, not a decorator: locust leaves add_listener unannotated
