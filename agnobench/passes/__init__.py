"""One module per measurement pass, each declaring its :class:`~agnobench.measure.passes.PassPlugin`.

These modules are imported by the parent process (to validate params and
read results), so they import nothing heavy at module level; the engines in
:mod:`agnobench.measure` are imported inside each ``run``.
"""
