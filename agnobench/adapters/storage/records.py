"""The storage engines' rows, shared with the passes' result models: a leaf, so an engine and its pass never
import each other (one turn of a growing conversation; one cell of sessions at once)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agnobench.core.model import Model


@dataclass
class TurnPoint(Model):
    turn: int = 0
    time_ns: float = 0.0
    bytes_written: float | None = None
    file_growth_bytes: float | None = None
    pages_written: float | None = None
    rows_read: int | None = None
    rows_written: int | None = None
    statements: int | None = None
    sent_bytes: int | None = None
    rss_bytes: float = 0.0


@dataclass
class SessionCell(Model):
    mode: str = ""
    sessions: int = 0
    turns: int = 0
    completed: int = 0
    wall_s: float = 0.0
    turns_per_s: float = 0.0
    p50_ns: float = 0.0
    p99_ns: float = 0.0
    errors: int = 0
    locked_errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
