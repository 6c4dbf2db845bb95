"""Renderers of results: one module per output (rich table, markdown, JSON).

All of them take the same rows from :mod:`agnobench.reporters.rows`, so the
terminal, a pull-request comment and a file never disagree.
"""
