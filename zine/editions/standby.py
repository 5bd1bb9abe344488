"""Editions stage helper: the standby, a process forked when a build starts that makes the
editions with an ``Edition.standby`` module (the PDF) once the issue is rendered.

``start_standby(formats, root)`` forks it (``zine.runtime.workers.Standby``) and has it run
each module's ``get_ready(root)`` at once; ``get_ready_for_languages`` is what the build sends
it once the content is loaded. Apart from the registry (``zine.editions``), which every command
reads for its ``--format`` choices, so that only a build imports the fork helper.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
from collections.abc import Sequence
from pathlib import Path

from zine.editions import BY_NAME
from zine.runtime.workers import Standby


def standby_modules(formats: Sequence[str]) -> tuple[str, ...]:
    """The ``Edition.standby`` modules of the editions in ``formats``, once each."""
    return tuple(dict.fromkeys(BY_NAME[name].standby for name in formats
                               if name in BY_NAME and BY_NAME[name].standby))


def start_standby(formats: Sequence[str], root: Path
                  ) -> contextlib.AbstractContextManager[Standby | None]:
    """The process that makes the editions in ``formats`` that have a standby
    (``Edition.standby``: the PDF), forked now so that it gets ready while the build loads,
    checks and renders: it imports WeasyPrint and parses the stylesheets on another CPU
    (measured on the bench issue, that and the hyphenation dictionaries were 0.7-1.6 s before
    the PDF's first layout could start). None with one CPU: the build then imports the
    editions' libraries in a thread (``Edition.warm``) and makes the PDF in its own process."""
    modules = standby_modules(formats)
    if not modules or (os.cpu_count() or 1) < 2:
        return contextlib.nullcontext()
    return Standby(functools.partial(_get_ready, modules, root))


def _get_ready(modules: Sequence[str], root: Path) -> None:
    """In the standby, as soon as it is forked: each module's ``get_ready(root)``."""
    for module in modules:
        importlib.import_module(module).get_ready(root)


def get_ready_for_languages(arguments: tuple[Sequence[str], Sequence[str]]) -> None:
    """In the standby, sent once the content is loaded (``Standby.prepare``):
    ``get_ready_for(languages)`` of each module."""
    modules, languages = arguments
    for module in modules:
        importlib.import_module(module).get_ready_for(languages)
