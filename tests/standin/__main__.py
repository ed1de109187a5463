"""``python -m tests.standin --port 0``: serve a MongoDB stand-in until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from tests.standin.server import StandInServer


def main(argv: Sequence[str] | None = None) -> int:
    """Start the stand-in, print ``listening <host>:<port>``, and serve until a signal stops it.

    :param argv: the command line arguments, ``sys.argv[1:]`` by default
    """
    parser = argparse.ArgumentParser(prog="python -m tests.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on, 0 for any free one (default: 0)")
    parser.add_argument("--log-level", default="WARNING", help="logging level (default: %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    with StandInServer(args.host, args.port) as server:
        print(f"listening {server.host}:{server.port}", flush=True)
        stopping.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
