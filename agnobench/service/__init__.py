"""The ``service`` suite: a real uvicorn server on loopback under a real HTTP load generator.

Modules, one concern each: :mod:`.spec` (typed models passed between them),
:mod:`.server` (the server's lifecycle), :mod:`.serve` and :mod:`.asgi` (what
runs inside the server process), :mod:`.apps` (the built-in apps),
:mod:`.loadgen` and :mod:`.wrk` (the two generators), :mod:`.procstat`
(CPU and RSS of the server from ``/proc``), :mod:`.stats` (percentiles,
memory per request in flight, the knee), :mod:`.levels` (one server through
its load levels) and :mod:`.plugin` (the pass). docs/service.md explains the
measurement.
"""
