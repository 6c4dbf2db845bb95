"""The storage passes: what a stored conversation costs per turn as it grows, and sessions on one store at once.

Two passes share the stores (:mod:`agnobench.adapters.storage`) and one
report (:mod:`.report`, charts :mod:`.charts`): ``turn_growth``
(:mod:`.turn_growth`, engine :mod:`.growth`) and ``store_sessions``
(:mod:`.store_sessions`, engine :mod:`.sessions`). docs/storage.md describes
the measurements.
"""

from agnobench.passes.storage.store_sessions import PLUGIN as STORE_SESSIONS
from agnobench.passes.storage.turn_growth import PLUGIN as TURN_GROWTH

PLUGINS = (TURN_GROWTH, STORE_SESSIONS)
