"""Operations and apps for the third reliability round (issue 24), imported by workers and servers, not tests.

Every process they start sleeps for a number no test uses elsewhere, and
inherits the run's marker in its environment, so a test finds it in /proc.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from service_apps import _app, _message, echo_app

_started = False


def raises_bracketed() -> None:
    """An error whose text looks like rich markup (a closing tag) and an emoji code."""
    raise RuntimeError("cannot read [/etc/app.conf] [bold]x[/bold] :x:")


def starts_a_helper() -> int:
    """Starts a helper process once per process (what D2 saw left behind by forked workers)."""
    global _started
    if not _started:
        _started = True
        subprocess.Popen(["sleep", "4399"])
    return 1


def starts_a_new_session() -> int:
    """Starts one helper with ``setsid`` and one by a double fork into its own session (D12)."""
    global _started
    if not _started:
        _started = True
        subprocess.Popen(["setsid", "sleep", "4398"])
        if os.fork() == 0:
            if os.fork() == 0:
                os.setsid()
                os.execvp("sleep", ["sleep", "4397"])
            os._exit(0)
    return 1


def hangs_after_a_new_session() -> None:
    """Starts a helper in a session of its own, then hangs (so the run can be killed meanwhile)."""
    starts_a_new_session()
    marker = os.environ.get("AGNOBENCH_TEST_MARKER")
    if marker:
        Path(marker).write_text(str(os.getpid()))
    time.sleep(300)


def hangs_under_memray() -> int:
    """Returns at once, until the memory pass has made its memray directory: then hangs there (D11)."""
    mine = f"agnobench-memray-{os.getpid()}-"
    if any(p.name.startswith(mine) for p in Path(tempfile.gettempdir()).iterdir()):
        marker = os.environ.get("AGNOBENCH_TEST_MARKER")
        if marker:
            Path(marker).write_text(str(os.getpid()))
        time.sleep(300)
    return 1


# ---- service apps -----------------------------------------------------------------------------------

def not_an_app() -> Any:
    """A factory returning something that is not an ASGI app (D13)."""
    return {"routes": ["/run"]}


def fails_in_the_server() -> Any:
    """Builds in the worker, raises in the server (D13: a server that fails to start)."""
    if os.environ.get("AGNOBENCH_SERVICE_SUPERVISOR"):
        raise RuntimeError("the app cannot start in the server")
    return echo_app()


def app_with_a_helper() -> Any:
    """In the server: starts a helper in a session of its own, then answers right (D3)."""
    if os.environ.get("AGNOBENCH_SERVICE_SUPERVISOR"):
        subprocess.Popen(["setsid", "sleep", "4396"])
    return echo_app()


def app_losing_a_worker() -> Any:
    """The first loaded request kills the uvicorn worker serving it (uvicorn starts another) (D15)."""
    flag = Path(os.environ.get("AGNOBENCH_TEST_MARKER", "/nonexistent") + ".killed")

    def answer(body: bytes) -> tuple[int, bytes]:
        token = _message(body)
        if not token.startswith("smoke"):
            try:
                os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                os.kill(os.getpid(), signal.SIGKILL)
            except FileExistsError:
                pass
        return 200, ('{"content": "echo: %s"}' % token).encode()

    return _app(answer)
