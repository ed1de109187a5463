"""Run a benchmark: ``python -m bench [scan]``."""
from __future__ import annotations

import sys

from bench import scan


def main(argv: list[str]) -> int:
    """Run the named benchmark (``scan`` when none is named).

    :param argv: command-line arguments after the program name
    """
    name = argv[0] if argv else "scan"
    if name != "scan":
        print(f"unknown benchmark {name!r}; available: scan", file=sys.stderr)
        return 2
    return scan.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
