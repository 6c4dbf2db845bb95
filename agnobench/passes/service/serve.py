"""The server process: ``python -m agnobench.passes.service.serve --workers N --ready-fd FD``.

It binds 127.0.0.1 on a port the kernel picks (port 0: no race with another
program for a "free" port), writes the port to the ready pipe, and hands the
listening socket to uvicorn: one server process, or uvicorn's supervisor with
N worker processes sharing the socket. Loopback is always bound; ``--also-bind
ADDR`` adds the same port on an address of the run's own private network
(:mod:`agnobench.passes.service.netns`, for Locust workers in namespaces), and
nothing else is ever bound.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import sys

from agnobench.passes.service.asgi import SUPERVISOR_ENV, guard
from agnobench.passes.service.lifeline import die_with_parent

HOST = "127.0.0.1"


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agnobench.passes.service.serve")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--ready-fd", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--also-bind", action="append", default=[])
    args = parser.parse_args(argv)
    die_with_parent()
    if os.getppid() != args.parent:  # the parent died before the line above
        return 1
    guard()
    _raise_fd_limit()
    os.environ[SUPERVISOR_ENV] = str(os.getpid())  # inherited by the workers uvicorn spawns
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    sock = _listen(HOST, 0)
    port = sock.getsockname()[1]
    sockets = [sock] + [_listen(address, port) for address in args.also_bind]
    config = uvicorn.Config("agnobench.passes.service.asgi:create", factory=True, host=HOST, port=port,
                            workers=args.workers, log_level="warning", access_log=False, backlog=4096,
                            timeout_keep_alive=30)
    with os.fdopen(args.ready_fd, "w") as ready:
        ready.write(f"{port}\n")
    server = uvicorn.Server(config)
    if args.workers > 1:
        Multiprocess(config, sockets=sockets).run()
    else:
        server.run(sockets=sockets)
    return 0


def _listen(address: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit it. Without it a keep-alive reply written in two parts waits for the
    # client's delayed ACK (~40 ms a request); uvicorn binding the port itself gets it from asyncio.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((address, port))
    sock.listen(4096)
    sock.set_inheritable(True)
    return sock


if __name__ == "__main__":
    sys.exit(main())
