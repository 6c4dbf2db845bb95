"""Typed models passed between the service modules and to the generator processes.

A generator process gets a :class:`LoadSpec` as JSON on stdin and answers a
:class:`LoadResult` as JSON on stdout; wrk's Lua script reports the same
fields. Tokens are ``<prefix><n>`` (letters then digits), so they need no
escaping in a URL, a form body or JSON, and a reply is matched to its request
by the token it echoes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from agnobench.passes.service.stats import LatencySummary

TOKEN_FIELD = "{token}"


@dataclass(frozen=True)
class RequestSpec:
    """What one request looks like and what its answer must contain; ``{token}`` is the per-request token."""

    method: str = "POST"
    path: str = "/run"
    body: str = ""
    content_type: str = ""
    expect_status: int = 200
    expect_body: str = TOKEN_FIELD  # must appear in the reply, token filled in

    def fill(self, template: str, token: str) -> str:
        return template.replace(TOKEN_FIELD, token)

    def encode(self, host: str, port: int, token: str) -> bytes:
        """One HTTP/1.1 keep-alive request."""
        body = self.fill(self.body, token).encode()
        lines = [f"{self.method} {self.fill(self.path, token)} HTTP/1.1", f"Host: {host}:{port}"]
        if self.content_type:
            lines.append(f"Content-Type: {self.content_type}")
        if body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def answer_ok(self, status: int, body: bytes, token: str) -> bool:
        return status == self.expect_status and self.fill(self.expect_body, token).encode() in body


@dataclass(frozen=True)
class LoadSpec:
    """One run of a generator: closed loop at ``connections``, or open loop at ``rate`` requests/s."""

    host: str
    port: int
    request: RequestSpec
    connections: int
    duration_s: float
    timeout_s: float = 10.0
    rate: float = 0.0  # > 0: open loop at this many requests/s, latency from each request's intended start
    max_connections: int = 2000  # open loop: connections opened on demand up to this many
    token_prefix: str = "tok"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LoadSpec":
        return cls(**{**data, "request": RequestSpec(**data["request"])})


@dataclass
class LoadResult:
    """What a generator saw: every response counted, good or not."""

    generator: str
    connections: int
    duration_s: float  # the measured window
    good: int = 0  # status and token as expected
    wrong: int = 0  # answered, but wrong status or without its token
    socket_errors: int = 0  # connect/read/write failures
    timeouts: int = 0
    latency: LatencySummary = field(default_factory=LatencySummary)
    generator_cpu_s: float = 0.0
    rate: float = 0.0  # asked rate (open loop), 0 for a closed loop
    late_sends: int = 0  # open loop: requests sent > 1 ms after their intended time
    first_wrong: str = ""  # the first wrong answer, shortened, to show why
    histogram: str = ""  # the latencies as an encoded HDR histogram (hdr.merge adds several generators')
    first_event: LatencySummary = field(default_factory=LatencySummary)  # to the first body bytes (first SSE event)
    first_event_histogram: str = ""

    @property
    def errors(self) -> int:
        return self.wrong + self.socket_errors + self.timeouts

    @property
    def throughput(self) -> float:
        return self.good / self.duration_s if self.duration_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LoadResult":
        return cls(**{**data, "latency": LatencySummary(**data.get("latency", {})),
                      "first_event": LatencySummary(**data.get("first_event", {}))})
