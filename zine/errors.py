"""Exceptions for "cannot go on"; content problems are diagnostics, never exceptions.

The CLI turns a ``ZineError`` into one line on stderr and its ``exit_code``.
"""

from __future__ import annotations


class ZineError(Exception):
    """Base of every error the CLI reports without a traceback."""

    exit_code = 1


class UsageError(ZineError):
    """The command line itself is wrong (unknown issue, bad option value)."""

    exit_code = 2


class ContentError(ZineError):
    """Content that cannot be built; the diagnostics were already reported."""

    exit_code = 1
