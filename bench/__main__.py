"""Run a benchmark: ``python -m bench [scan|rescan|heldout|hostile|slowclients|download]``."""

from __future__ import annotations

import sys

from bench import download, heldout, hostile, rescan, scan, slowclients


def main(argv: list[str]) -> int:
    """Run the named benchmark (``scan`` when none is named).

    :param argv: command-line arguments after the program name
    """
    name = argv[0] if argv else "scan"
    benchmarks = {
        "scan": scan.main,
        "rescan": rescan.main,
        "heldout": heldout.main,
        "hostile": hostile.main,
        "slowclients": slowclients.main,
        "download": download.main,
    }
    if name not in benchmarks:
        print(f"unknown benchmark {name!r}; available: {', '.join(benchmarks)}", file=sys.stderr)
        return 2
    return benchmarks[name](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
