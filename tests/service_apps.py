"""Small ASGI apps for the service tests: right, wrong and broken answers (no agno, no FastAPI needed)."""

from __future__ import annotations

import json
import os
from typing import Any, Awaitable, Callable

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def _body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _app(answer: Callable[[bytes], tuple[int, bytes]]) -> Any:
    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        status, body = answer(await _body(receive)) if scope["path"] == "/run" else (200, b"up")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


def _message(body: bytes) -> str:
    return json.loads(body)["message"]


def echo_app() -> Any:
    """Answers right: the token back."""
    return _app(lambda body: (200, json.dumps({"content": "echo: " + _message(body)}).encode()))


def stale_app() -> Any:
    """Answers every request with the first token it saw: right once, then wrong."""
    first: list[str] = []

    def answer(body: bytes) -> tuple[int, bytes]:
        first.append(_message(body))
        return 200, json.dumps({"content": "echo: " + first[0]}).encode()

    return _app(answer)


def flaky_app() -> Any:
    """Right answers, except every 7th request gets a 500 (the smoke requests pass)."""
    seen = [0]

    def answer(body: bytes) -> tuple[int, bytes]:
        seen[0] += 1
        if seen[0] > 5 and seen[0] % 7 == 0:
            return 500, b'{"detail": "boom"}'
        return 200, json.dumps({"content": "echo: " + _message(body)}).encode()

    return _app(answer)


def broken_app() -> Any:
    """Fails while the server starts (the server's output must show why)."""
    raise RuntimeError("broken_app cannot start: " + os.environ.get("BROKEN_REASON", "on purpose"))


app = echo_app()  # an app object, not a factory


def stall_app() -> Any:
    """Answers right, but the 10th request holds the whole server (its event loop) for 1 s: a pause, like a GC or
    a page fault storm, that every request arriving meanwhile waits out."""
    import time

    seen = [0]

    def answer(body: bytes) -> tuple[int, bytes]:
        seen[0] += 1
        if seen[0] == 10:
            time.sleep(1.0)
        return 200, json.dumps({"content": "echo: " + _message(body)}).encode()

    return _app(answer)


def serial_app() -> Any:
    """Answers right after holding its event loop 5 ms per request: it cannot serve more than 200 requests/s, and
    past that rate a queue grows (a server with a known knee)."""
    import time

    def answer(body: bytes) -> tuple[int, bytes]:
        time.sleep(0.005)
        return 200, json.dumps({"content": "echo: " + _message(body)}).encode()

    return _app(answer)


def sneaky_app() -> Any:
    """Answers right, but every request first tries an address off this machine and swallows the failure."""
    import socket

    def answer(body: bytes) -> tuple[int, bytes]:
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=0.2).close()
        except OSError:
            pass
        return 200, json.dumps({"content": "echo: " + _message(body)}).encode()

    return _app(answer)
