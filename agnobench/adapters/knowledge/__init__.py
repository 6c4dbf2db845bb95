"""agno Knowledge on real embedded vector databases, offline.

The document lists vector-DB queries as unbenchmarked. This package holds what
the knowledge suite needs to measure them honestly: a deterministic offline
embedder (:mod:`.embedder`), a generated corpus whose every query has one known
right answer (:mod:`.corpus`), and the embedded stores behind agno's own
integrations, in temporary directories that are removed on every exit path
(:mod:`.stores`). Nothing here downloads a model or touches the network.
"""
