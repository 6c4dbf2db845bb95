"""What the service tests check after a server stops: no process of its group, no listening port."""

from __future__ import annotations

import os
import time
from pathlib import Path

from agnobench.passes.service.server import ServerSpec

TESTS_DIR = Path(__file__).resolve().parent


def spec(app: str, **kw: object) -> ServerSpec:
    return ServerSpec(app=f"service_apps:{app}", paths=(str(TESTS_DIR),), start_timeout_s=30, **kw)  # type: ignore[arg-type]


def group_members(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def listening(port: int) -> bool:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":
                return True
    return False


def gone(pgid: int, port: int, wait_s: float = 5.0) -> bool:
    """True once no process of the group is alive and nothing listens on the port (the kernel may take a moment)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not group_members(pgid) and not listening(port):
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
