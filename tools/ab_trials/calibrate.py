"""The injected slowdown measured in one process: Agent() with AGNOBENCH_PAD = 0 and = N, bursts interleaved.

    python tools/ab_trials/calibrate.py DIR/agno-base 24 64
"""
import statistics, sys, time
sys.path.insert(0, sys.argv[1])
import agno.agent.agent as mod
from agnobench.adapters.agno.creation import shared_parts, create_simple
parts = shared_parts()
def burst(calls=60):
    t = time.perf_counter_ns()
    for _ in range(calls):
        create_simple(parts)
    return time.perf_counter_ns() - t
def ratio(n, rounds=600):
    out = []
    for _ in range(rounds):
        mod.AGNOBENCH_PAD = 0; a = min(burst() for _ in range(3))
        mod.AGNOBENCH_PAD = n; b = min(burst() for _ in range(3))
        mod.AGNOBENCH_PAD = 0; a2 = min(burst() for _ in range(3))
        out.append(b / ((a + a2) / 2))
    return statistics.median(out)
assert mod.__file__.startswith(sys.argv[1]), mod.__file__
for n in [int(a) for a in sys.argv[2:]]:
    print(n, round(ratio(n), 4))
