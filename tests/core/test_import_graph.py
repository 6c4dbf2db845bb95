"""No import cycles inside agnobench, counting every edge; a core that imports no pass; a light parent process.

The graph counts every way one module of agnobench makes Python load another:
an ``import`` at module level or inside a function (a lazy import still
runs), under ``if TYPE_CHECKING:`` too (the type checker follows it), a
``"module:attr"`` or ``"module"`` string naming one of agnobench's modules
(resolved at run time: a plugin's ``run``, its report hooks, a harness job),
and discovery: the pass registry imports every package under
``agnobench.passes``, the report hooks each one's ``report`` and ``charts``, the
runner a whole-run pass's ``whole_run``, the worker server the engines it
preloads. Only the parent package a dotted
import loads first is not an edge (every import would otherwise be one).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from conftest import TESTS_DIR

PACKAGE = TESTS_DIR.parent / "agnobench"
REFERENCE = re.compile(r"^(agnobench(?:\.\w+)+)(?::[\w.]+)?$")
# Modules that import every pass package (or a module of each by convention) they find at run time.
DISCOVERY = {"agnobench.core.registry": "", "agnobench.reporters.hooks": ".report|.charts",
             "agnobench.runner": ".whole_run", "agnobench.harness.zygote": ".engine"}
ONLY_PRELOADED = "agnobench.harness.zygote"  # imports the engines of the passes declared with preload=True
PASSES = "agnobench.passes"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _edges(tree: ast.AST, module: str, is_package: bool, modules: frozenset[str] = frozenset()) -> set[str]:
    """What ``module`` loads; ``from pkg import sub`` loads ``pkg.sub`` (``pkg`` itself only as its parent)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = REFERENCE.match(node.value.strip())
            if match:  # a module named in a string, imported at run time
                found.add(match.group(1))
    return found


def _resolve(target: str, files: set[str]) -> str | None:
    """The module a dotted name loads: itself, or the module that defines ``module.attr``."""
    while target and target not in files:
        target = target.rpartition(".")[0]
    return target or None


def _declares_preload(init: Path) -> bool:
    return any(isinstance(node, ast.keyword) and node.arg == "preload" and isinstance(node.value, ast.Constant)
               and node.value.value is True for node in ast.walk(ast.parse(init.read_text(encoding="utf-8"))))


def import_graph(discovery: bool = True) -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    names = set(files)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets = _edges(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py",
                         frozenset(names))
        graph[name] = {t for t in (_resolve(t, names) for t in targets if t.startswith("agnobench"))
                       if t is not None and t != name}
    packages = [n for n, p in files.items() if p.name == "__init__.py" and n.count(".") == PASSES.count(".") + 1
                and n.startswith(PASSES + ".")]
    for finder, leaves in DISCOVERY.items() if discovery else ():
        found = [p for p in packages if finder != ONLY_PRELOADED or _declares_preload(files[p])]
        graph[finder] |= {f"{package}{leaf}" for package in found for leaf in leaves.split("|")
                          if f"{package}{leaf}" in names}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += graph.get(node, ())
    return seen


def test_agnobench_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_kind_of_edge_is_counted() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from agnobench.results import ScenarioResult\n"
                     "def f():\n    from agnobench.core import model\n"
                     "HOOK = 'agnobench.reporters.section:Section'\n")
    found = _edges(tree, "agnobench.x", False, frozenset({"agnobench.core.model"}))
    assert found >= {"agnobench.results", "agnobench.core.model", "agnobench.reporters.section"}
    graph = import_graph()
    assert "agnobench.passes.timing" in graph["agnobench.core.registry"]  # discovery
    assert "agnobench.passes.variants.report" in graph["agnobench.reporters.hooks"]
    assert "agnobench.passes.instructions.whole_run" in graph["agnobench.runner"]


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_core_imports_no_pass_and_metric_declarations_are_a_leaf() -> None:
    graph = import_graph(discovery=False)  # the registry finds passes; nothing of the core names one
    for module in (m for m in graph if m.startswith("agnobench.core.")):
        assert not {m for m in reachable(graph, module) if m.startswith("agnobench.passes.")}, module
    assert graph["agnobench.core.metrics"] == set()


def test_loading_scenarios_and_results_and_every_plugin_imports_nothing_heavy() -> None:
    code = ("import sys, glob\n"
            "from agnobench.scenario import load_scenario\n"
            "from agnobench.results import load_results\n"
            "from agnobench.core.registry import all_metrics, plugins\n"
            "[p.name for p in plugins()]; all_metrics()\n"
            "for f in glob.glob('scenarios/*/*.toml'): load_scenario(f)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'agno', 'pyperf', 'memray', 'scipy', 'rich'}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
