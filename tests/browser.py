"""Open a page in real headless Chromium over the DevTools protocol and report what happened.

The test-side half of "the report opens offline": every network request the
page made, every console error and uncaught exception, and how many charts
plotly drew. Chromium is driven with websocket-client (the protocol is JSON
over one websocket); the browser is started in its own process group and
killed on every exit path.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--remote-debugging-port=0"]

COUNT_CHARTS = """(() => {
  const charts = [...document.querySelectorAll('div.chart')];
  const drawn = charts.filter(c => c.querySelector('svg.main-svg') && c.querySelector('g.trace, g.cartesianlayer .plot *'));
  return JSON.stringify({total: charts.length, drawn: drawn.length,
                         missing: charts.filter(c => !drawn.includes(c)).map(c => c.id),
                         rendered: document.body.dataset.chartsRendered || null,
                         tables: document.querySelectorAll('table').length});
})()"""


def find_chromium() -> str | None:
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


@dataclass
class PageReport:
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, its own file included
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, log entries at error level
    charts: dict[str, Any] = field(default_factory=dict)


class _Session:
    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def close(self) -> None:
        self.ws.close()


def _wait_for_port(profile: Path, proc: subprocess.Popen[bytes], timeout_s: float) -> str:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if marker.exists():
            lines = marker.read_text().split()
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode} before its DevTools port was up")
        time.sleep(0.1)
    raise RuntimeError("chromium's DevTools port did not come up")


def _event_errors(events: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    requests, errors = [], []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", ""))
    return requests, errors


def open_page(path: Path, timeout_s: float = 90.0) -> PageReport:
    """Load ``path`` from disk, wait until its charts say they rendered (or time out), and report."""
    chromium = find_chromium()
    assert chromium, "no chromium on PATH"
    profile = Path(tempfile.mkdtemp(prefix="agnobench-chromium-"))
    proc = subprocess.Popen([chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    session: _Session | None = None
    try:
        session = _Session(_wait_for_port(profile, proc, timeout_s))
        target = session.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = session.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            session.send(f"{domain}.enable", session=sid)
        session.send("Page.navigate", {"url": path.resolve().as_uri()}, session=sid)
        deadline = time.monotonic() + timeout_s
        charts: dict[str, Any] = {}
        while time.monotonic() < deadline:
            value = session.send("Runtime.evaluate", {"expression": COUNT_CHARTS, "returnByValue": True},
                                 session=sid).get("result", {}).get("value")
            charts = json.loads(value) if isinstance(value, str) else {}
            if charts.get("rendered") is not None and charts.get("drawn") == charts.get("total"):
                break
            time.sleep(0.25)
        time.sleep(0.5)  # late errors (a deferred request) still reach the event list
        session.send("Runtime.evaluate", {"expression": "1"}, session=sid)
        requests, errors = _event_errors(session.events)
        return PageReport(requests, errors, charts)
    finally:
        if session is not None:
            session.close()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)
