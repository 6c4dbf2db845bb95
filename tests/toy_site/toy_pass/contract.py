"""The toy pass's params and result: a leaf the plugin, the engine and the report import."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.model import Model
from agnobench.core.plugin import ParamError


@dataclass(frozen=True)
class ToyParams:
    toy_calls: int = 9
    toy_label: str = "toy"

    def check(self) -> None:
        if self.toy_calls < 1:
            raise ParamError("toy_calls", "must be at least 1")


def quick(params: ToyParams) -> ToyParams:
    return replace(params, toy_calls=max(1, params.toy_calls // 3))


@dataclass
class ToyResult(Model):
    label: str = ""
    calls: int = 0
    per_call_ns: list[float] = field(default_factory=list)
