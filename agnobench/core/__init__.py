"""The core every pass and every command builds on; it imports no pass.

:mod:`.metrics` (what a metric is; a leaf), :mod:`.model` (typed results to
and from JSON), :mod:`.plugin` (what a pass declares), :mod:`.registry` (the
passes, found, and the whole metric table), :mod:`.params_schema` (a pass's
``[measure.params]`` checked at load), :mod:`.settings` (a run's sizes),
:mod:`.pass_records` (a pass's details to and from the results file).
"""
