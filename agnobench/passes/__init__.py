"""One package per kind of measurement; each is found by :mod:`agnobench.core.registry`.

A pass package holds its declaration (``__init__``: ``PLUGIN``, or
``PLUGINS`` for a family sharing a report), its typed params and result, its
engine (imported inside ``run``, in the worker) and its report (text
sections and HTML charts, named by the plugin's hooks). Packages are imported
by the parent process to validate params and read results, so their
``__init__`` imports nothing heavy.
"""
