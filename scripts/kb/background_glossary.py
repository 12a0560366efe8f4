"""Reading and parsing the glossary and building its term matcher in a child process, while the
parent reads and hashes the pages: that part of a check keeps one core busy and leaves the other idle.

The child sends the parsed glossary, its findings and the pickled matcher (which page workers take
as it is). If it fails in any way, the parent does that work itself, so the outcome never depends on it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
from multiprocessing.connection import Connection
from pathlib import Path

from .findings import Finding
from .glossary import Glossary, parse_glossary, read_glossary
from .project import Project
from .workers import as_child, ready_to_fork, widen


class GlossaryInBackground:
    def __init__(self, project: Project, paths: list[Path]) -> None:
        self._project, self._paths = project, paths
        context = multiprocessing.get_context("fork")
        self._in, out = context.Pipe(duplex=False)
        widen(self._in)  # so that the child sends the glossary and goes on, whether or not it is read yet
        try:
            with ready_to_fork():
                self._process = context.Process(target=_load, args=(project, paths, out), daemon=True)
                self._process.start()
        finally:
            out.close()

    def glossary(self) -> tuple[Glossary, list[Finding]]:
        """The glossary and its findings."""
        try:
            self._glossary: Glossary = pickle.loads(self._in.recv_bytes())
            findings: list[Finding] = pickle.loads(self._in.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            self.close()
            self._glossary, findings = parse_glossary(read_glossary(self._project, self._paths))
        return self._glossary, findings

    def matcher(self) -> bytes:
        """The glossary's term matcher, pickled (None pickled when it has no terms), once `glossary`
        has returned. A run whose pages all come from the cache never asks, nor waits for it."""
        try:
            return self._in.recv_bytes()
        except (EOFError, OSError):
            return _pickled_matcher(self._glossary)
        finally:
            self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._in.close()


def _load(project: Project, paths: list[Path], out: Connection) -> None:
    as_child()
    with contextlib.suppress(OSError):  # the parent stopped listening: it has parsed the glossary itself
        glossary, findings = parse_glossary(read_glossary(project, paths))
        out.send_bytes(pickle.dumps(glossary, protocol=pickle.HIGHEST_PROTOCOL))
        out.send_bytes(pickle.dumps(findings, protocol=pickle.HIGHEST_PROTOCOL))
        # After the glossary is sent, not before: the matcher is cached on it and would travel twice.
        out.send_bytes(_pickled_matcher(glossary))


def _pickled_matcher(glossary: Glossary) -> bytes:
    return pickle.dumps(glossary.term_matcher(), protocol=pickle.HIGHEST_PROTOCOL)
