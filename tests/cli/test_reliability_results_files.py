"""Reliability, case 5 (and the stray-temp-file and mode items of case 8): results files that never clobber,
never tear, never linger half-written, and come out with the same mode as any file the user makes."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from agnobench import atomicfile
from agnobench.atomicfile import sweep_stale_temps, temp_name, write_atomic
from agnobench.commands._run_output import claim_unique, default_stem
from conftest import ScenarioDir
from gate_files import noisy, results, scenario
from reliability import assert_clean, run_marked

FAST = '[measure]\npasses = ["memory"]\n'


@pytest.mark.e2e
def test_two_runs_started_in_the_same_second_keep_both_files(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    procs = [subprocess.Popen([sys.executable, "-m", "agnobench", "run", "fast.toml", "--debug-single-value"],
                              cwd=scenario_dir.path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    runs = sorted((scenario_dir.path / "results").glob("run-*.json"))
    assert len(runs) == 3  # one file per run, whatever their start times
    created = {json.loads(p.read_text())["created"] for p in runs}
    assert len({p.read_bytes() for p in runs}) == 3 and created  # three distinct runs, none overwritten
    latest = (scenario_dir.path / "results" / "latest.json").read_bytes()
    assert latest in {p.read_bytes() for p in runs}  # latest.json is one whole run, not a mix
    assert all("Traceback" not in e for e in errors)


def test_names_are_claimed_exclusively_even_in_the_same_microsecond(tmp_path: Path) -> None:
    stem = default_stem(datetime(2026, 1, 2, 3, 4, 5, 678901))
    assert stem == "run-20260102-030405-678901"
    paths = [claim_unique(results(scenario("a", rel=[float(i)])), tmp_path, stem) for i in range(3)]
    assert [p.name for p in paths] == [f"{stem}.json", f"{stem}-2.json", f"{stem}-3.json"]
    assert [json.loads(p.read_text())["scenarios"][0]["metrics"]["time_per_op_rel"]["median"] for p in paths] == [0, 1, 2]
    with pytest.raises(FileExistsError):
        write_atomic(paths[0], b"{}", exclusive=True)
    assert json.loads(paths[0].read_text())["scenarios"]  # the claimed file is untouched


def _reader(path: str, stop: float, out: "multiprocessing.Queue[tuple[int, int]]") -> None:
    reads = torn = 0
    while time.monotonic() < stop:
        try:
            text = Path(path).read_text()
        except FileNotFoundError:
            continue
        reads += 1
        try:
            json.loads(text)
        except ValueError:
            torn += 1
    out.put((reads, torn))


@pytest.mark.parametrize("unnamed", [True, False], ids=["o_tmpfile", "named-temp"])
def test_a_concurrent_reader_never_sees_a_torn_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     unnamed: bool) -> None:
    """The writer replaces latest.json as fast as it can while another process parses every version it reads."""
    if not unnamed:
        monkeypatch.setattr(atomicfile, "_open_unnamed", lambda directory: None)
    latest = tmp_path / "latest.json"
    big = [results(*(scenario(f"s{i}", rel=noisy(1.0, n=200, seed=seed)) for i in range(5))) for seed in (1, 2)]
    texts = [json.dumps(r.to_dict(), indent=1).encode() for r in big]
    write_atomic(latest, texts[0])
    queue: multiprocessing.Queue[tuple[int, int]] = multiprocessing.Queue()
    reader = multiprocessing.get_context("fork").Process(target=_reader, args=(str(latest), time.monotonic() + 1.5, queue))
    reader.start()
    writes = 0
    while reader.is_alive():
        write_atomic(latest, texts[writes % 2])
        writes += 1
    reader.join()
    reads, torn = queue.get(timeout=5)
    assert reads > 10 and writes > 10
    assert torn == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json"]  # no temporary file left


@pytest.mark.e2e
def test_files_are_0666_minus_the_umask_like_any_other(tmp_path: Path, scenario_dir: ScenarioDir) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", b"{}")
        os.umask(0o077)
        write_atomic(tmp_path / "b.json", b"{}")
    finally:
        os.umask(old)
    assert oct((tmp_path / "a.json").stat().st_mode & 0o777) == oct(0o644)
    assert oct((tmp_path / "b.json").stat().st_mode & 0o777) == oct(0o600)  # a strict umask is respected
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    result = run_marked("run", "fast.toml", "--debug-single-value", cwd=scenario_dir.path)
    assert_clean(result, 0, scenario_dir.path)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (scenario_dir.path / "results").iterdir()}
    expected = 0o666 & ~old
    assert set(modes.values()) == {expected} and "latest.json" in modes and len(modes) == 2


def _write_slowly_then_die(path: str, ready: str) -> None:
    """A writer SIGKILLed in the middle of writing the file's data."""
    real_write = os.write

    def slow_write(fd: int, data: bytes) -> int:
        written = real_write(fd, data[:64])
        Path(ready).touch()
        time.sleep(60)
        return written

    atomicfile.os.write = slow_write  # type: ignore[assignment]
    write_atomic(Path(path), b"x" * 4096)


@pytest.mark.parametrize("unnamed", [True, False], ids=["o_tmpfile", "named-temp"])
def test_sigkill_during_a_save_leaves_no_stray_file(tmp_path: Path, unnamed: bool) -> None:
    target, ready = tmp_path / "run.json", tmp_path.parent / f"{tmp_path.name}.ready"
    write_atomic(target, b'{"old": true}')
    context = multiprocessing.get_context("fork")
    if not unnamed:
        original = atomicfile._open_unnamed
        atomicfile._open_unnamed = lambda directory: None  # type: ignore[assignment]
    try:
        writer = context.Process(target=_write_slowly_then_die, args=(str(target), str(ready)))
        writer.start()
    finally:
        if not unnamed:
            atomicfile._open_unnamed = original  # type: ignore[assignment]
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ready.exists()
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    ready.unlink()
    assert target.read_bytes() == b'{"old": true}'  # the old file is whole
    strays = [p for p in tmp_path.iterdir() if p != target]
    if unnamed:
        assert strays == []  # the data had no name yet: nothing to leave behind
    else:
        assert len(strays) == 1 and str(writer.pid) in strays[0].name
        write_atomic(target, b'{"new": true}')  # the next save into the directory sweeps it
        assert sorted(tmp_path.iterdir()) == [target]


def test_the_sweep_spares_temporary_files_of_live_writers(tmp_path: Path) -> None:
    mine = temp_name(tmp_path / "a.json")
    mine.write_text("in progress")
    dead = tmp_path / ".a.json.999999999.0badf00d.tmp"
    dead.write_text("abandoned")
    assert sweep_stale_temps(tmp_path) == [dead]
    assert mine.exists()
