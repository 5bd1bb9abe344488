"""Command line support: shows where a long ``zine build`` is, for people watching it.

``zine.build.build_project`` calls ``progress(stage, detail)`` as work starts: ("issue", id),
("render", id), ("edition", "<id> <name>"), ("site", ""). ``ProgressReport`` turns those calls
into one line redrawn in place when stderr is a terminal, plain ``zine: <id>: <step>`` lines
otherwise, nothing with ``--quiet``; ``--verbose`` adds when each step started (seconds since
the build started) and the total. Editions are written in parallel, so a step's start does not
end the step before it: only the start times are known, and that is what is shown.

It writes only to the stream it is given (the CLI passes stderr) and reads nothing else. Calls
may come from several threads, and a terminal line is redrawn every second from a thread of
its own, so every write holds one lock (which a fork waits for).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

Clock = Callable[[], float]

_CLEAR = "\r\x1b[K"  # back to the start of the line, erase it
TICK = 1.0  # seconds between redraws of the live line

# Every write holds this lock, and so does a fork (the build forks its edition workers): a
# child never starts with half a live line in its copy of the stderr buffer to flush again.
_WRITING = threading.RLock()
os.register_at_fork(before=_WRITING.acquire, after_in_parent=_WRITING.release,
                    after_in_child=_WRITING.release)


def describe(stage: str, detail: str) -> str:
    """What the reader sees for a step: ``<issue>: <step>``, or ``site``."""
    if stage == "site":
        return "site"
    issue, _, rest = detail.partition(" ")
    if stage == "issue":
        return f"{issue}: start"
    if stage == "render":
        return f"{issue}: render"
    if stage == "edition":
        return f"{issue}: {rest or 'edition'}"
    return f"{detail}: {stage}" if detail else stage


@dataclass
class ProgressReport:
    """The ``progress`` callback of ``build_project`` and the lines it shows.

    ``live``: redraw one line with carriage returns (a terminal); else one line per step.
    ``quiet``: show nothing. ``verbose``: also when each step started, and the total.
    """

    stream: TextIO
    live: bool = False
    quiet: bool = False
    verbose: bool = False
    clock: Clock = time.monotonic
    tick: float = TICK
    width: int = 0  # the terminal's columns: the live line is cut to fit (0: no limit)
    steps: int = 0  # how many steps have started
    _started: float | None = None
    _label: str = ""  # the step the live line shows
    _shown: str = ""  # what the live line shows now
    _lock: threading.RLock = field(default=_WRITING)
    _stop: threading.Event = field(default_factory=threading.Event)
    _ticker: threading.Thread | None = None

    def __call__(self, stage: str, detail: str) -> None:
        with self._lock:
            now = self._now()
            self.steps += 1
            label = describe(stage, detail)
            if self.quiet:
                return
            if self.verbose:
                self._line(f"zine: {label} (at {self._offset(now)})")
            if self.live:
                self._label = label
                self._redraw(now)
                self._start_ticker()
            elif not self.verbose:
                self._line(f"zine: {label}")

    def finish(self) -> None:
        """The build is over: stop redrawing, clear the live line, print the total."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            self._draw("")
            if self.verbose and not self.quiet and self._started is not None:
                self._line(f"zine: total: {self._offset(self._now())}")

    def write_line(self, text: str) -> None:
        """Print ``text`` as its own line without garbling the live line (for log records)."""
        with self._lock:
            self._line(text)

    def _now(self) -> float:
        now = self.clock()
        if self._started is None:
            self._started = now
        return now

    def _offset(self, now: float) -> str:
        return f"{now - (self._started or now):.2f} s"

    def _redraw(self, now: float) -> None:
        if self._label:
            self._draw(f"zine: {self._label} … {now - (self._started or now):.0f} s")

    def _start_ticker(self) -> None:
        if self._ticker is None and self.tick > 0:
            self._ticker = threading.Thread(target=self._tick, name="zine-progress",
                                            daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.tick):
            with self._lock:
                self._redraw(self.clock())

    def _line(self, text: str) -> None:
        shown = self._shown
        if shown:
            self._draw("")
        self.stream.write(text + "\n")
        if shown:
            self._draw(shown)
        else:
            self.stream.flush()

    def _draw(self, text: str) -> None:
        if self.width > 1 and len(text) >= self.width:  # a wrapped line cannot be redrawn
            text = text[:self.width - 2] + "…"
        if not self.live or text == self._shown:
            return
        self.stream.write(_CLEAR + text)
        self.stream.flush()
        self._shown = text


class ProgressLogHandler(logging.Handler):
    """Sends log records through a ``ProgressReport`` so they do not cut its live line."""

    def __init__(self, report: ProgressReport) -> None:
        super().__init__()
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.report.write_line(self.format(record))
        except Exception:  # a broken log line must not stop the build
            self.handleError(record)
