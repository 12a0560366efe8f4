"""The `kb` command's entry point: only this package prints or decides the exit status.

It imports nothing but the standard library before it can take Ctrl+C, so an interrupt at any
moment, start-up included, ends with "kb: interrupted." and status 130 instead of a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 130  # as shells report a command stopped by Ctrl+C


def main(argv: Sequence[str] | None = None) -> int:
    from kb.cli.commands import main as commands

    return commands(argv)


def run() -> None:
    try:
        status = main()
    except KeyboardInterrupt:
        # Workers ignore Ctrl+C and die with this process; a traceback would only hide where it stopped.
        try:
            print("kb: interrupted.", file=sys.stderr)
        finally:
            sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # `kb check | head`: the reader left. Say nothing more, as other command-line tools do, and
        # point standard output at /dev/null so that the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    sys.exit(status)
