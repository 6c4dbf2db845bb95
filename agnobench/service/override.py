"""``agnobench run --generator NAME``: the service scenarios' load generator chosen on the command line."""

from __future__ import annotations

from dataclasses import replace

from agnobench.passes.service import GENERATORS, LOCUST_EXTRA, PLUGIN
from agnobench.requirements import Requirements
from agnobench.scenario import Scenario

__all__ = ["GENERATORS", "with_generator"]


def with_generator(scenario: Scenario, generator: str) -> Scenario:
    """The scenario with its service pass's generator replaced; a scenario without the pass as it is. Asking for
    Locust also makes the scenario need the ``locust`` extra, so it is skipped (with the install line) without it."""
    params = scenario.measure.pass_params.get(PLUGIN.name)
    if params is None:
        return scenario
    pass_params = {**scenario.measure.pass_params, PLUGIN.name: replace(params, generator=generator)}
    requires = scenario.requires
    if generator == "locust":
        have = requires.packages if requires else ()
        requires = Requirements(packages=tuple(dict.fromkeys([*have, "locust"])),
                                modules=requires.modules if requires else (), extra=LOCUST_EXTRA)
    return replace(scenario, measure=replace(scenario.measure, pass_params=pass_params), requires=requires)
