"""Other tools' formats: Go's benchmark text (in and out) and pyperf's JSON (out).

A results file exported here can be read by ``benchstat``, ``pyperf stats``
and ``pyperf compare_to``; ``go test -bench -benchmem`` output imported here
becomes an ordinary agnobench results file that ``compare`` and ``report``
take like any other.
"""
