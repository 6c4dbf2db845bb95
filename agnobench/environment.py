"""What a result was measured on: recorded in every results file."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from agnobench.gitinfo import git_facts
from agnobench.harness import layout
from agnobench.measure import ablation


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


# The peer frameworks of the frameworks suite, by distribution: their versions go into every results file.
PEER_DISTRIBUTIONS = ("langgraph", "langchain", "langchain-core", "pydantic-ai-slim", "crewai", "openai-agents",
                      "smolagents")

# Telemetry and tracing switches of the peers, each checked in the installed source (docs/frameworks.md):
# all off in every worker, whatever the user's shell says, so no run posts anything.
PEER_TELEMETRY_OFF = {
    "OTEL_SDK_DISABLED": "true",  # OpenTelemetry SDK: CrewAI's telemetry checks it first
    "CREWAI_DISABLE_TELEMETRY": "true",  # crewai_core.telemetry
    "CREWAI_DISABLE_TRACKING": "true",  # crewai_core.telemetry
    "CREWAI_TRACING_ENABLED": "false",  # CrewAI's trace upload (an explicit no)
    "CREWAI_TESTING": "true",  # CrewAI: never ask about tracing on a first run (it would block on stdin)
    "LANGSMITH_TRACING": "false",  # langsmith.utils.tracing_is_enabled reads LANGSMITH_/LANGCHAIN_ TRACING(_V2)
    "LANGSMITH_TRACING_V2": "false",
    "LANGCHAIN_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "OPENAI_AGENTS_DISABLE_TRACING": "1",  # the Agents SDK's span exporter posts to api.openai.com
    "HF_HUB_OFFLINE": "1",  # smolagents imports huggingface_hub: no hub calls
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def framework_versions() -> dict[str, str]:
    """The installed peer frameworks and their versions (absent ones left out)."""
    return {name: version for name in PEER_DISTRIBUTIONS if (version := _version(name))}


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
        "frameworks": framework_versions(),
        "worker_layout": layout.current().to_dict(),
        **({"ablated": sorted(ablation.ablated())} if ablation.ablated() else {}),
        **({"git": facts.to_dict()} if facts is not None else {}),
    }


def worker_environment() -> dict[str, str]:
    """The environment of every worker: telemetry off, output unbuffered, the run's hash seed."""
    env = layout.apply(dict(os.environ))
    env["AGNO_TELEMETRY"] = "false"
    env.update(PEER_TELEMETRY_OFF)
    env["PYTHONUNBUFFERED"] = "1"
    return env
