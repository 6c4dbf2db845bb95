"""Measurement: a worker process per scenario, a forked child per pass.

The worker imports agno and the scenario's code once, then forks a fresh
child for every measurement (timing runs, the memory pass), so no child pays
the ~0.4 s import and no child inherits another's garbage. The parent process
(:mod:`agnobench.runner`) only orchestrates: it never imports agno.
"""
