"""The worker's process layout, the same in every run: a fixed hash seed, no address randomisation.

Measured on this 2-vCPU VM (docs/timing.md, issue 10's third note): the
hash seed alone moved agent-create-simple's time/op by up to 5 % and
python-floor's by 4 % (seeds 1-6 with address randomisation off, two runs
each: 10,505-11,035 ns and 244-254 ns; the two runs of one seed agreed within
0.2-2.2 %), and address randomisation moved them by another ~4 %. Every
timing child is a fork of one worker, so all of a run's children share its
layout: the ± (a bootstrap over children) cannot see that, and two runs of
the same code differed by more than it said. So workers start with
``PYTHONHASHSEED`` fixed (0 unless ``--hash-seed`` says otherwise) and
``ADDR_NO_RANDOMIZE`` set: the same code gets the same layout, and the same
figure. A code change can still move the layout, and a figure with it, by
that much; pooling runs over several ``--hash-seed`` values averages it
(docs/ci-gate.md). ``--random-layout`` gives every run a layout of its own.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import asdict, dataclass
from typing import Callable

from agnobench.measure import ablation

HASH_SEED_ENV = "AGNOBENCH_HASH_SEED"  # the parent's choice, passed on to the workers
RANDOM = "random"
DEFAULT_HASH_SEED = "0"
ADDR_NO_RANDOMIZE = 0x0040000  # <linux/personality.h>
_QUERY = 0xFFFFFFFF  # personality(0xffffffff) returns the current persona, changes nothing

_PERSONALITY: Callable[[int], int] | None
try:
    _PERSONALITY = ctypes.CDLL(None, use_errno=True).personality  # resolved here, not between fork and exec
except (OSError, AttributeError):  # not Linux
    _PERSONALITY = None


@dataclass(frozen=True)
class Layout:
    """What the results file records about the workers' layout."""

    hash_seed: str  # PYTHONHASHSEED of the workers, or "random"
    address_randomization: bool  # False: ADDR_NO_RANDOMIZE asked for (Linux)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def choose(hash_seed: int, random_layout: bool) -> None:
    """Set this run's layout (``agnobench run --hash-seed/--random-layout``) for the workers it starts."""
    os.environ[HASH_SEED_ENV] = RANDOM if random_layout else str(hash_seed)


def current() -> Layout:
    seed = RANDOM if ablation.off("layout") else os.environ.get(HASH_SEED_ENV, DEFAULT_HASH_SEED)
    return Layout(hash_seed=seed, address_randomization=seed == RANDOM or _PERSONALITY is None)


def apply(env: dict[str, str]) -> dict[str, str]:
    """The workers' hash seed, in their environment."""
    layout = current()
    if layout.hash_seed == RANDOM:
        env.pop("PYTHONHASHSEED", None)
    else:
        env["PYTHONHASHSEED"] = layout.hash_seed
    env[HASH_SEED_ENV] = layout.hash_seed
    return env


def fix_addresses() -> None:
    """Between fork and exec: the program about to start gets no address randomisation (as
    ``setarch -R`` does), unless this run asked for random layouts. Where the persona cannot be
    changed (a seccomp filter), the worker starts with randomisation as before."""
    if _PERSONALITY is None or current().address_randomization:
        return
    persona = _PERSONALITY(_QUERY)
    if persona != -1:
        _PERSONALITY(persona | ADDR_NO_RANDOMIZE)


def addresses_randomized() -> bool:
    """In a worker: whether this process's addresses were randomised (Linux: /proc/self/personality)."""
    try:
        with open("/proc/self/personality", encoding="ascii") as handle:
            return not int(handle.read().strip(), 16) & ADDR_NO_RANDOMIZE
    except (OSError, ValueError):
        return True
