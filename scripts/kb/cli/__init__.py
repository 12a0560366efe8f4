"""The `kb` command's entry point: only this package prints or decides the exit status.

It imports nothing but the standard library before it can take Ctrl+C, so an interrupt at any
moment, start-up included, ends with "kb: interrupted." and status 130 instead of a traceback.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

EXIT_INTERRUPTED = 130  # as shells report a command stopped by Ctrl+C


def main(argv: Sequence[str] | None = None) -> int:
    from kb.cli.commands import main as commands

    return commands(argv)


def interrupted() -> NoReturn:
    """Say so and leave at once: the normal exit would wait for worker threads and processes (which
    ignore Ctrl+C and die with this process), and a second Ctrl+C must not interrupt the goodbye."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.write(sys.stderr.fileno(), b"kb: interrupted.\n")
    os._exit(EXIT_INTERRUPTED)


def run() -> None:
    try:
        status = main()
    except KeyboardInterrupt:
        interrupted()
    except BrokenPipeError:
        # `kb check | head`: the reader left. Say nothing more, as other command-line tools do, and
        # point standard output at /dev/null so that the flush at exit cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    sys.exit(status)
