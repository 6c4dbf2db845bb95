"""Results across commits: find every results file, order them, and follow each figure over time.

``collect`` finds and orders the files, ``trends`` walks consecutive points
with the gate's own rule (:mod:`agnobench.compare`), ``render`` prints them.
"""
