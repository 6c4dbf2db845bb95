"""What a result was measured on: recorded in every results file."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from agnobench.gitinfo import git_facts


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def describe(directory: str | Path | None = None) -> dict[str, Any]:
    """Versions and machine facts, without importing agno (the parent stays light).

    ``git`` holds the commit, branch and dirty state of ``directory`` (default:
    the current one) when it is a git checkout: ``agnobench history`` orders by it.
    """
    facts = git_facts(directory if directory is not None else Path.cwd())
    return {
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "agno": _version("agno"),
        "agnobench": _version("agnobench"),
        "pyperf": _version("pyperf"),
        "memray": _version("memray"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "executable": sys.executable,
        **({"git": facts.to_dict()} if facts is not None else {}),
    }


def worker_environment() -> dict[str, str]:
    """The environment of every worker: telemetry off, output unbuffered."""
    env = dict(os.environ)
    env["AGNO_TELEMETRY"] = "false"
    env["PYTHONUNBUFFERED"] = "1"
    return env
