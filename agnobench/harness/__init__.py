"""One child-process harness for every agnobench child.

``run``'s scenario workers, ``profile``'s profiled process and the program
valgrind counts instructions in are all started, followed, bounded and
cleaned up by the same code: :mod:`.spawn` in the parent, :mod:`.child` in
the child, :mod:`.isolation` for what the kernel offers (death with the
parent, a network namespace of its own), :mod:`.signals` for the parent's
exit paths. No module here imports agno or the user's code.
"""
