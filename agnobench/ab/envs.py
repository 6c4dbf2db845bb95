"""A virtual environment per side, cached by what the side resolves to, with agnobench's own code in it.

Each side gets its own environment under agnobench's cache directory
(``ab-envs/<key>``), keyed by the side's resolved identity — the requirement,
the project's path and dependency declarations, or the git commit — and by
the Python and agnobench's own requirements. A pinned requirement or a commit
is built once and reused; a range (``agno>=3.1,<3.2``) and a local project
are brought up to date on every use (a no-op when nothing changed, with uv's
cache).

The measuring code must be identical on both sides, so agnobench puts *its
own* package into every side: a ``.pth`` file points at a directory holding
a link to the running agnobench package (editable or not), and agnobench's
requirements are installed beside the side's target. The one exception is a
``git:REF`` side of agnobench's own repository: there the code at REF is
what is being compared, measuring code included, and it is installed.

uv builds an environment in about a second from its cache; without uv, the
standard ``venv`` and pip do the same, slower.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

import agnobench
from agnobench.ab.sides import Side, SideKind
from agnobench.measure.machine import cache_dir

READY = "agnobench-ab-ready.json"
LINK_DIR = "agnobench-code"  # in each environment: holds the link to the running agnobench package
INSTALL_TAIL_LINES = 12


class SideInstallError(RuntimeError):
    """A side's environment could not be built: the installer's last lines, the side named."""

    def __init__(self, side: Side, tail: str) -> None:
        super().__init__(f"side {side.label!r} does not install:\n{tail}")
        self.side = side
        self.tail = tail


@dataclass
class SideEnv:
    """A built side: its interpreter, where its scenario files and op modules resolve, what it has installed."""

    side: Side
    python: Path
    root: Path  # scenario paths inside the current repository resolve here (a git side's worktree)
    packages: dict[str, str] = field(default_factory=dict)  # distribution name (lower case) -> version
    key: str = ""
    built_now: bool = False  # False: reused from the cache
    own_agnobench: bool = False  # the side installs its own agnobench (a git side of agnobench's repository)

    @property
    def agno(self) -> str | None:
        return self.packages.get("agno")


def agnobench_requirements(extras: tuple[str, ...] = ()) -> list[str]:
    """agnobench's own requirements (and those of the named extras) as its metadata declares them."""
    try:
        declared = metadata.requires("agnobench") or []
    except metadata.PackageNotFoundError:
        declared = []
    chosen = []
    for requirement in declared:
        spec, _, marker = requirement.partition(";")
        extra = marker.split("extra ==")[-1].strip().strip("'\"") if "extra ==" in marker else None
        if extra is None or extra in extras:
            chosen.append(spec.strip())
    return sorted(set(chosen))


UV_ENV = "AGNOBENCH_UV"  # the uv to build sides with, or "0" for the standard venv and pip


def find_uv() -> str | None:
    """uv as ``AGNOBENCH_UV`` names it, else beside this interpreter (installed with agnobench), else on PATH."""
    chosen = os.environ.get(UV_ENV)
    if chosen is not None:
        return None if chosen in ("", "0") else chosen
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.is_file() else shutil.which("uv")


def _project_name(project: Path) -> str | None:
    try:
        return str(tomllib.loads((project / "pyproject.toml").read_text())["project"]["name"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def is_python_project(project: Path) -> bool:
    return any((project / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg"))


def _declarations_hash(project: Path) -> str:
    """What decides a local project's dependencies: its build files' contents."""
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "setup.py", "setup.cfg"):
        path = project / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def installs_for(side: Side, project: Path | None, extras: tuple[str, ...]) -> tuple[list[str], bool]:
    """The install arguments of a side, and whether the side brings its own agnobench."""
    own = project is not None and _project_name(project) == "agnobench"
    base = [] if own else agnobench_requirements(extras)
    if side.kind is SideKind.requirement:
        return [*base, side.spec], False
    if side.kind is SideKind.path:
        return [*base, "-e", side.spec], False
    if project is not None and is_python_project(project):
        target = f"{project}[{','.join(extras)}]" if own and extras else str(project)
        return [*base, target], own
    return base, False  # a repository of scenario files only: the current agnobench and its agno


def env_key(side: Side, identity: str, installs: list[str]) -> str:
    digest = hashlib.sha256(json.dumps([side.kind.value, identity, installs, sys.version, sys.platform,
                                        str(Path(agnobench.__file__).resolve().parent)]).encode())
    return digest.hexdigest()[:16]


def _run_installer(command: list[str], side: Side, progress: Callable[[str], None]) -> None:
    progress(f"{side.label}: {' '.join(Path(command[0]).name.split()) } {' '.join(command[1:3])} …")
    proc = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise SideInstallError(side, "\n".join(lines[-INSTALL_TAIL_LINES:]) or f"exit status {proc.returncode}")


def _create(venv: Path, side: Side, uv: str | None, progress: Callable[[str], None]) -> None:
    if uv:
        _run_installer([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], side, progress)
    else:
        _run_installer([sys.executable, "-m", "venv", str(venv)], side, progress)


def _install(venv: Path, args: list[str], side: Side, uv: str | None, upgrade: bool,
             progress: Callable[[str], None]) -> None:
    python = venv / "bin" / "python"
    if uv:  # compiled at install, as pip does: with PYTHONDONTWRITEBYTECODE set, every worker would compile agno again
        command = [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(python),
                   *(["--upgrade"] if upgrade else []), *args]
    else:
        command = [str(python), "-m", "pip", "install", "--quiet", *(["--upgrade"] if upgrade else []), *args]
    _run_installer(command, side, progress)


def link_agnobench(venv: Path) -> None:
    """Make the running agnobench importable in the side: a link to its package, found through a .pth file."""
    code = venv / LINK_DIR
    code.mkdir(exist_ok=True)
    link = code / "agnobench"
    target = Path(agnobench.__file__).resolve().parent
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target, target_is_directory=True)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", where], capture_output=True, text=True,
                               check=True).stdout.strip())
    (site / "agnobench-ab-code.pth").write_text(str(code) + "\n")


def installed_packages(python: Path) -> dict[str, str]:
    """Every distribution the interpreter sees, by lower-case name."""
    code = ("import json, importlib.metadata as m\n"
            "print(json.dumps({(d.metadata['Name'] or '').lower(): d.version for d in m.distributions()}))")
    proc = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        return {}
    return {k: v for k, v in json.loads(proc.stdout).items() if k}


def build_env(side: Side, identity: str, project: Path | None, root: Path, extras: tuple[str, ...] = (),
              progress: Callable[[str], None] = lambda _: None) -> SideEnv:
    """The side's environment, built or reused; :class:`SideInstallError` when it does not install."""
    if side.kind is SideKind.current:
        python = Path(sys.executable)
        return SideEnv(side, python, root, installed_packages(python), key="current")
    uv = find_uv()
    installs, own = installs_for(side, project, extras)
    key = env_key(side, identity, installs)
    venv = cache_dir() / "ab-envs" / key
    ready = venv / READY
    pinned = side.kind is SideKind.git or (side.kind is SideKind.requirement and "==" in side.spec
                                            and "," not in side.spec)
    built_now = False
    if not ready.is_file():
        shutil.rmtree(venv, ignore_errors=True)  # a half-built one from an interrupted run
        venv.parent.mkdir(parents=True, exist_ok=True)
        _create(venv, side, uv, progress)
        try:
            _install(venv, installs, side, uv, False, progress)
        except SideInstallError:
            shutil.rmtree(venv, ignore_errors=True)
            raise
        built_now = True
    elif not pinned:
        _install(venv, installs, side, uv, True, progress)  # a range or a local project: up to date
    if not own:
        link_agnobench(venv)
    python = venv / "bin" / "python"
    packages = installed_packages(python)
    ready.write_text(json.dumps({"side": side.text, "identity": identity, "installs": installs,
                                 "agno": packages.get("agno")}))
    return SideEnv(side, python, root, packages, key=key, built_now=built_now, own_agnobench=own)


def environment_diff(a: dict[str, str], b: dict[str, str]) -> list[tuple[str, str | None, str | None]]:
    """(name, A's version, B's version) of every package whose version differs, agno first."""
    names = sorted(set(a) | set(b), key=lambda n: (n != "agno", n))
    return [(n, a.get(n), b.get(n)) for n in names if a.get(n) != b.get(n) and n not in _NOT_COMPARED]


# Tools of the environment itself: present on one kind of venv and not another, never what is measured.
_NOT_COMPARED = {"pip", "setuptools", "wheel", "uv"}


def side_environ() -> dict[str, str]:
    """The environment a side's processes run with: every worker's (telemetry off, the run's fixed process
    layout: docs/harness.md), minus a virtualenv of the caller's own."""
    from agnobench.environment import worker_environment

    env = worker_environment()
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONHOME", None)
    return env
