"""Diagnostics: the one format every stage reports problems in.

``path:line:col: error|warning: message [Z012]``. Every code lives in the catalogue
(``zine.diagnostics.codes.CATALOGUE``) with its severity and message template;
``make(code, pos, **values)`` is the only way to create one, so the catalogue stays complete
(one golden test per code in ``tests/``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zine.diagnostics.codes import CATALOGUE, Severity
from zine.model import Position


@dataclass(frozen=True, order=True)
class Diagnostic:
    pos: Position
    severity: Severity
    message: str
    code: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, cwd: Path | None = None) -> str:
        """``path:line:col: ...``; line 0 (a whole file without lines, such as a .docx
        ``zine import`` reads) gives ``path: ...``."""
        where = display_path(self.pos.path, cwd)
        if self.pos.line:
            where += f":{self.pos.line}:{self.pos.col}"
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"


def make(code: str, pos: Position, **values: object) -> Diagnostic:
    """A diagnostic of catalogue ``code`` at ``pos``, its message filled from ``values``."""
    entry = CATALOGUE[code]
    return Diagnostic(pos, entry.severity, entry.template.format(**values), code)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    base = Path(cwd or os.getcwd()).resolve()
    try:
        return str(Path(os.path.abspath(path)).relative_to(base))
    except ValueError:
        return str(Path(os.path.abspath(path)))


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, line, column, then code; exact duplicates removed."""
    return sorted(set(diags), key=lambda d: (str(d.pos.path), d.pos.line, d.pos.col, d.code,
                                              d.message))


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


def strict(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``--strict``: every warning becomes an error."""
    return [Diagnostic(d.pos, Severity.ERROR, d.message, d.code) for d in diags]
