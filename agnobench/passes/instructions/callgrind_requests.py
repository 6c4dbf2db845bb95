"""Valgrind client requests from Python, with no compiler and no C extension.

Callgrind instruments every instruction it runs, which makes the counting
process ~35× slower than native; with instrumentation off (``valgrind
--tool=callgrind --instr-atstart=no``) ~7×: importing agno took 0.5 s of CPU
natively, 18.7 s instrumented, 3.6 s uninstrumented. So the
instruction child runs its imports, setup and warm-up uninstrumented and
turns instrumentation on only around the counted regions, with callgrind's
client requests ``CALLGRIND_START_INSTRUMENTATION`` and
``..._STOP_INSTRUMENTATION`` (``valgrind/callgrind.h``). Instrumentation
changes what valgrind does, not what the program does, so the counts inside
the regions are the same.

A client request is a fixed instruction sequence that does nothing on a real
CPU and that valgrind's translator recognises: ``valgrind.h`` emits it as
inline assembly. Here the same bytes (x86-64 only) are put in an executable
page and called through ctypes, as a C function ``unsigned long
request(unsigned long args[6])``. Natively the call returns 0, so whether the
page works is checked outside valgrind, before callgrind is started with
instrumentation off.
"""

from __future__ import annotations

import ctypes
import mmap
import platform

# `gcc -O2` of valgrind.h's VALGRIND_DO_CLIENT_REQUEST_EXPR for amd64, default 0, as a function of the args array:
#   xor edx,edx; mov rax,rdi; rol rdi,3; rol rdi,13; rol rdi,61; rol rdi,51; xchg rbx,rbx; mov rax,rdx; ret
# The four rotations (3+13+61+51 = 128 bits) leave rdi as it was; `xchg rbx,rbx` is the request itself.
AMD64_REQUEST = bytes.fromhex("31d2" "4889f8" "48c1c703" "48c1c70d" "48c1c73d" "48c1c733" "4887db" "4889d0" "c3")
MACHINES = ("x86_64", "amd64", "AMD64")

RUNNING_ON_VALGRIND = 0x1001  # valgrind.h: VG_USERREQ__RUNNING_ON_VALGRIND
_CALLGRIND_BASE = (ord("C") << 24) | (ord("T") << 16)  # VG_USERREQ_TOOL_BASE('C','T'), callgrind.h
START_INSTRUMENTATION = _CALLGRIND_BASE + 4
STOP_INSTRUMENTATION = _CALLGRIND_BASE + 5

_Args = ctypes.c_size_t * 6
_REQUEST = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.POINTER(_Args))


class ClientRequests:
    """Issues valgrind client requests; on a real CPU every request is a no-op that returns 0."""

    def __init__(self) -> None:
        if platform.machine() not in MACHINES:
            raise OSError(f"valgrind client requests are written for x86-64 only, not {platform.machine()}")
        self._page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        self._page.write(AMD64_REQUEST)
        self._code = ctypes.c_char.from_buffer(self._page)  # keeps the page mapped while this object lives
        self._request = _REQUEST(ctypes.addressof(self._code))

    def __call__(self, request: int) -> int:
        return int(self._request(_Args(request, 0, 0, 0, 0, 0)))

    def running_on_valgrind(self) -> int:
        """How many valgrinds run this process: 0 on a real CPU."""
        return self(RUNNING_ON_VALGRIND)

    def start_instrumentation(self) -> None:
        self(START_INSTRUMENTATION)

    def stop_instrumentation(self) -> None:
        self(STOP_INSTRUMENTATION)


def client_requests() -> ClientRequests | None:
    """A working :class:`ClientRequests` (one request made), or None where they cannot run (another CPU, no
    executable page)."""
    try:
        requests = ClientRequests()
        requests.running_on_valgrind()
        return requests
    except (OSError, ValueError, TypeError):
        return None
