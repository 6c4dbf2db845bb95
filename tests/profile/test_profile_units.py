"""The profile package's pure parts: sorting frames by origin, reading speedscope files,
and the child's count of the frames a profile hook forces, site by site."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import agnobench
import calib_ops
from agnobench.passes.memory.engine import profiler_frames_per_op
from agnobench.profile.capture import choose_ops, profiler_frames_by_site
from agnobench.profile.errors import ProfileError
from agnobench.profile.origins import AGNO, HARNESS, OTHER, SCENARIO, STDLIB, THIRD_PARTY, Origins
from agnobench.profile.speedscope import load_samples, summarize_samples

PACKAGE = Path(agnobench.__file__).resolve().parent
STDLIB_DIR = sysconfig.get_paths()["stdlib"]


@pytest.fixture
def origins(tmp_path: Path) -> Origins:
    return Origins(agno_dir="/venv/lib/python3.11/site-packages/agno", agnobench_dir=str(PACKAGE),
                   stdlib_dirs=(STDLIB_DIR, "/venv/lib/python3.11"), scenario_dirs=(str(tmp_path),))


def test_origins_of_paths(origins: Origins, tmp_path: Path) -> None:
    assert origins.origin("/venv/lib/python3.11/site-packages/agno/agent/agent.py") == AGNO
    assert origins.origin("/venv/lib/python3.11/site-packages/pydantic/main.py") == THIRD_PARTY  # inside platstdlib
    assert origins.origin(copy.__file__) == STDLIB
    assert origins.origin("<frozen importlib._bootstrap>") == STDLIB
    assert origins.origin(str(PACKAGE / "profile" / "_child.py")) == HARNESS
    assert origins.origin(str(PACKAGE / "adapters" / "agno" / "mock_model.py")) == SCENARIO
    assert origins.origin(str(tmp_path / "my_agents.py")) == SCENARIO
    assert origins.origin("/usr/lib/x86_64-linux-gnu/libc.so.6") == OTHER
    assert origins.origin("") == OTHER
    assert origins.module("/venv/lib/python3.11/site-packages/agno/agent/__init__.py") == "agno.agent"
    assert origins.short("/venv/lib/python3.11/site-packages/agno/agent/agent.py") == "agno/agent/agent.py"


def test_origins_here_finds_agno_without_importing_it() -> None:
    found = Origins.here()
    assert found.agno_dir and found.agno_dir.endswith("agno")
    assert found.origin(str(Path(found.agno_dir) / "agent" / "agent.py")) == AGNO
    probe = ("import sys; from agnobench.profile.origins import Origins; Origins.here(); "
             "print('agno' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


def _speedscope(tmp_path: Path, origins: Origins) -> Path:
    agno_file = f"{origins.agno_dir}/agent/agent.py"
    loop_file = str(PACKAGE / "profile" / "_child.py")
    frames = [
        {"name": "<module>", "file": "/x/runpy.py", "line": 1},  # 0: above the loop
        {"name": "profiled_loop", "file": loop_file, "line": 33},  # 1
        {"name": "Agent.run", "file": agno_file, "line": 10},  # 2
        {"name": "deepcopy", "file": copy.__file__, "line": 128},  # 3
        {"name": "_find_and_load", "file": "<frozen importlib._bootstrap>", "line": 1},  # 4: start-up
        {"name": "worker", "file": agno_file, "line": 99},  # 5: a thread the op started
    ]
    main = {"type": "sampled", "name": "main", "unit": "seconds", "startValue": 0, "endValue": 1,
            "samples": [[0, 4], [0, 4], [0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]],
            "weights": [0.01] * 7}
    thread = {"type": "sampled", "name": "t", "unit": "seconds", "startValue": 0, "endValue": 1,
              "samples": [[5], [5, 3]], "weights": [0.01] * 2}
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"profiles": [main, thread], "shared": {"frames": frames}}))
    return path


def test_speedscope_samples_are_cut_at_the_loop_and_counted(tmp_path: Path, origins: Origins) -> None:
    samples = load_samples(_speedscope(tmp_path, origins))
    assert samples.startup_samples == 2 and samples.total == 7 and samples.threads == 2
    tables = summarize_samples(samples, origins, top=10)
    shares = {row.name: row.samples for row in tables.origins}
    assert shares == {AGNO: 2, STDLIB: 4, THIRD_PARTY: 0, SCENARIO: 0, HARNESS: 1, OTHER: 0}
    own = {row.name: (row.own, row.total) for row in tables.top_own}
    assert own == {"deepcopy": (4, 4), "Agent.run": (1, 4), "worker": (1, 2), "profiled_loop": (1, 5)}
    assert all(row.name != "profiled_loop" for row in tables.top_total)  # on every stack by construction: not shown
    assert all(row.name != "<module>" for row in tables.top_total)  # above the loop: cut off
    agno = {(row.name, row.location.rsplit(":", 1)[1]): row.own for row in tables.agno_sites}
    assert agno == {("Agent.run", "10"): 4, ("worker", "99"): 2}  # deepcopy's time is charged to its agno caller


@pytest.mark.parametrize("content", ["not json", "{}", '{"profiles": [], "shared": {}}',
                                     '{"profiles": [{"type": "evented"}], "shared": {"frames": []}}'])
def test_unreadable_speedscope_is_a_profile_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ProfileError, match="speedscope"):
        load_samples(path)


def test_frames_by_site_match_the_total_and_the_callers() -> None:
    here = Origins.here()
    total, _, _ = profiler_frames_per_op(calib_ops.calls_only, ops=5)
    sites = profiler_frames_by_site(calib_ops.calls_only, 5, here)
    assert sum(site["frames_per_op"] for site in sites) == total == 32
    by_function = {site["function"]: site["frames_per_op"] for site in sites}
    assert by_function["_recurse"] == 30  # each recursive call's frame is charged to its caller's line
    assert by_function["calls_only"] == 1  # calls_only's call of _recurse
    assert all(site["agno_file"] == "" for site in sites)  # no agno on these stacks


def test_capture_size_follows_the_op() -> None:
    assert choose_ops(1e-6, quick=False) == 500 and choose_ops(1e-6, quick=True) == 50
    assert choose_ops(10.0, quick=False) == 20 and choose_ops(10.0, quick=True) == 5
