"""Every pass, found rather than listed, and the whole metric table.

A pass is a package under :mod:`agnobench.passes` whose ``__init__`` exposes
``PLUGIN`` (one :class:`~agnobench.core.plugin.PassPlugin`) or ``PLUGINS`` (a
family of passes sharing a report, like the knowledge passes). Adding a kind
of measurement is therefore one folder: nothing here or anywhere else lists
it. Passes from outside agnobench come in through the entry-point group
``agnobench.passes`` (``[project.entry-points."agnobench.passes"] echo =
"mypkg.echo"``, naming the package that exposes ``PLUGIN``), which every
process of a run — parent and workers — sees alike.

Pass packages must stay light at import (the parent imports all of them to
validate scenarios and read results); their engines are imported inside
``run``. The order of passes (``PassPlugin.order``, then name) is the order of
their report sections and of their metrics in the table.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
from typing import Any, Callable, Iterable, Iterator

from agnobench.core.metrics import METRICS, MORE, MetricInfo
from agnobench.core.plugin import AnyPlugin, PassPlugin
from agnobench.errors import InputError

ENTRY_POINT_GROUP = "agnobench.passes"
BUILT_IN = "agnobench.passes"

_found: dict[str, AnyPlugin] | None = None  # discovered, by name, in pass order
_package_of: dict[str, str] = {}  # pass name -> the module that declared it (a pass package's own name)


class PassError(InputError):
    """A pass package or entry point that does not load or does not expose a valid plugin: one line, exit 2."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(where, ENTRY_POINT_GROUP, message)


def plugins_of(found: Any, where: str) -> list[AnyPlugin]:
    """The plugins a module (``PLUGIN`` / ``PLUGINS``) or an entry point's object declares."""
    if isinstance(found, PassPlugin):
        return [found]
    items = getattr(found, "PLUGINS", None)
    if items is None:
        single = getattr(found, "PLUGIN", None)
        items = () if single is None else (single,)
    bad = [item for item in items if not isinstance(item, PassPlugin)]
    if bad:
        raise PassError(where, f"PLUGIN/PLUGINS must be PassPlugin, got {type(bad[0]).__name__}")
    return list(items)


def _discover() -> dict[str, AnyPlugin]:
    found: dict[str, AnyPlugin] = {}
    package = importlib.import_module(BUILT_IN)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.ispkg:
            name = f"{BUILT_IN}.{info.name}"
            for p in plugins_of(importlib.import_module(name), name):
                found[p.name] = p
                _package_of[p.name] = name
    for point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        where = f"entry point {point.name} = {point.value}"
        try:
            loaded = point.load()
        except Exception as exc:  # an outside package that does not import: name it, in one line
            raise PassError(where, f"does not load: {type(exc).__name__}: {exc}") from None
        for p in plugins_of(loaded, where):
            if p.name not in found:
                found[p.name] = p
                _package_of[p.name] = point.module
    return found


def _all() -> dict[str, AnyPlugin]:
    global _found
    if _found is None:
        found = _discover()
        _found = dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))
    return _found


def forget() -> None:
    """Find the passes again on next use (after a test changes what is installed)."""
    global _found
    _found = None
    _package_of.clear()


def known_passes() -> list[str]:
    """Every pass name, in report order."""
    return list(_all())


def plugin(name: str) -> AnyPlugin:
    """The plugin of a pass (``KeyError`` for an unknown name)."""
    return _all()[name]


def plugins() -> Iterator[AnyPlugin]:
    yield from _all().values()


def packages() -> list[str]:
    """The module of every pass, in pass order, each once (a family of passes shares its package): where the
    reporters look for its ``report`` and ``charts`` modules."""
    return list(dict.fromkeys(_package_of[name] for name in _all()))


def package_of(name: str) -> str:
    """The module that declared pass ``name``: where its ``report``, ``charts`` and ``whole_run`` live."""
    _all()
    return _package_of[name]


def all_metrics() -> dict[str, MetricInfo]:
    """The shared metrics (:mod:`agnobench.core.metrics`) and every pass's own, in declaration order."""
    table = dict(METRICS)
    for p in plugins():
        for info in p.metrics:
            table.setdefault(info.name, info)
    return table


def metric_info(name: str) -> MetricInfo:
    """Info for a known metric; a pass-qualified name (``variants.time_per_op_ns``, a metric a later pass
    measured too) takes its base metric's, labelled with the pass; an unknown one a neutral default."""
    known = METRICS.get(name) or all_metrics().get(name)
    if known is not None:
        return known
    owner, dot, base = name.partition(".")
    if dot and (info := all_metrics().get(base)) is not None:
        return MetricInfo(name, info.unit, f"{owner} {info.label}", info.lower_is_better, column=MORE)
    return MetricInfo(name, "", name, column=MORE)


def is_known(name: str) -> bool:
    return name in all_metrics()


def metrics_with(predicate: Callable[[MetricInfo], bool], names: Iterable[str] | None = None) -> list[MetricInfo]:
    """Known metrics (all, or those of ``names``) that satisfy ``predicate``, in declaration order."""
    table = all_metrics()
    wanted = None if names is None else set(names)
    return [m for m in table.values() if (wanted is None or m.name in wanted) and predicate(m)]
