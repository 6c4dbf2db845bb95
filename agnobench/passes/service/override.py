"""``agnobench run --generator NAME``: the service scenarios' load generator chosen on the command line.

The worker loads its scenario again from the file, so the choice reaches it in
an environment variable (``GENERATOR_ENV``, which the worker server and every
worker inherit); the parent also rewrites its own copy of each scenario, so
that one asking for Locust without it installed is skipped with the install
line before any worker starts.
"""

from __future__ import annotations

import os
from dataclasses import replace

from agnobench.passes.service.contract import GENERATOR_ENV, GENERATORS, LOCUST_EXTRA, NAME
from agnobench.requirements import Requirements
from agnobench.scenario import Scenario

__all__ = ["GENERATORS", "GENERATOR_ENV", "choose", "with_generator"]


def choose(generator: str) -> None:
    """Every service scenario of this run uses ``generator`` (read by the service pass in the worker)."""
    os.environ[GENERATOR_ENV] = generator


def with_generator(scenario: Scenario, generator: str) -> Scenario:
    """The scenario with its service pass's generator replaced; a scenario without the pass as it is. Asking for
    Locust also makes the scenario need the ``locust`` extra, so it is skipped (with the install line) without it."""
    params = scenario.measure.pass_params.get(NAME)
    if params is None:
        return scenario
    pass_params = {**scenario.measure.pass_params, NAME: replace(params, generator=generator)}
    requires = scenario.requires
    if generator == "locust":
        have = requires.packages if requires else ()
        requires = Requirements(packages=tuple(dict.fromkeys([*have, "locust"])),
                                modules=requires.modules if requires else (), extra=LOCUST_EXTRA)
    return replace(scenario, measure=replace(scenario.measure, pass_params=pass_params), requires=requires)
