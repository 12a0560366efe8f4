"""Reading and parsing the glossary and building its term matcher in a child process, while the
parent reads and hashes the pages: that part of a check keeps one core busy and leaves the other idle.

The child sends the parsed glossary and the pickled matcher (which page workers take as it is).
If it fails in any way, the parent parses the glossary itself, so the outcome never depends on it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from .findings import Finding
from .glossary import Glossary, parse_glossary, read_glossary
from .project import Project


class GlossaryInBackground:
    def __init__(self, project: Project, paths: list[Path]) -> None:
        self._project, self._paths = project, paths
        context = multiprocessing.get_context("fork")
        self._in, out = context.Pipe(duplex=False)
        sys.stdout.flush()  # text still buffered would be written again by the child as it exits
        sys.stderr.flush()
        gc.freeze()  # the child's collector then leaves the inherited heap alone (and uncopied)
        try:
            self._process = context.Process(target=_load, args=(project, paths, out), daemon=True)
            self._process.start()
        finally:
            gc.unfreeze()
            out.close()

    def result(self) -> tuple[Glossary, list[Finding], bytes]:
        """The glossary, its findings, and its matcher pickled (None pickled when it has no terms)."""
        try:
            glossary, findings = pickle.loads(self._in.recv_bytes())
            matcher = self._in.recv_bytes()
        except (EOFError, OSError, pickle.UnpicklingError):
            glossary, findings = parse_glossary(read_glossary(self._project, self._paths))
            matcher = pickle.dumps(glossary.matcher if glossary.terms else None, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            self.close()
        return glossary, findings, matcher

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._in.close()


def _load(project: Project, paths: list[Path], out: Connection) -> None:
    with contextlib.suppress(OSError):  # the parent stopped listening: it has parsed the glossary itself
        glossary, findings = parse_glossary(read_glossary(project, paths))
        out.send_bytes(pickle.dumps((glossary, findings), protocol=pickle.HIGHEST_PROTOCOL))
        # After the glossary is sent, not before: the matcher is cached on it and would travel twice.
        out.send_bytes(pickle.dumps(glossary.matcher if glossary.terms else None, protocol=pickle.HIGHEST_PROTOCOL))
