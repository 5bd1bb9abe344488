"""The progress report of ``zine build``: what a person watching a long build sees.

Plain lines when stderr is not a terminal, one line redrawn in place when it is, nothing with
--quiet, and with --verbose when each step started and the total; a fake clock makes the
times exact.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time

from zine.commands.progress import ProgressLogHandler, ProgressReport, describe


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def a_build(report: ProgressReport, clock: FakeClock) -> None:
    """The calls ``build_project`` makes for one issue built as EPUB and HTML."""
    for stage, detail, takes in [("issue", "01-x", 0.0), ("render", "01-x", 1.5),
                                 ("edition", "01-x epub", 2.25), ("edition", "01-x html", 0.5),
                                 ("site", "", 0.125)]:
        report(stage, detail)
        clock.tick(takes)
    report.finish()


def test_steps_are_described_by_issue_and_step() -> None:
    assert describe("issue", "01-x") == "01-x: start"
    assert describe("render", "01-x") == "01-x: render"
    assert describe("edition", "01-x pdf") == "01-x: pdf"
    assert describe("site", "") == "site"


def test_plain_mode_prints_one_line_per_step() -> None:
    out, clock = io.StringIO(), FakeClock()
    a_build(ProgressReport(out, clock=clock), clock)
    assert out.getvalue().splitlines() == [
        "zine: 01-x: start", "zine: 01-x: render", "zine: 01-x: epub", "zine: 01-x: html",
        "zine: site"]


def test_quiet_prints_nothing_even_when_verbose_would() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = ProgressReport(out, quiet=True, verbose=True, clock=clock)
    a_build(report, clock)
    assert out.getvalue() == ""
    assert report.steps == 5


def test_verbose_says_when_each_step_started_and_the_total() -> None:
    out, clock = io.StringIO(), FakeClock()
    a_build(ProgressReport(out, verbose=True, clock=clock), clock)
    assert out.getvalue().splitlines() == [
        "zine: 01-x: start (at 0.00 s)", "zine: 01-x: render (at 0.00 s)",
        "zine: 01-x: epub (at 1.50 s)", "zine: 01-x: html (at 3.75 s)",
        "zine: site (at 4.25 s)", "zine: total: 4.38 s"]


def test_live_mode_redraws_one_line_and_clears_it_at_the_end() -> None:
    out, clock = io.StringIO(), FakeClock()
    a_build(ProgressReport(out, live=True, clock=clock, tick=0), clock)
    text = out.getvalue()
    assert "\n" not in text
    frames = text.split("\r\x1b[K")
    assert frames[0] == "" and frames[-1] == ""  # starts and ends on a cleared line
    assert frames[1:-1] == ["zine: 01-x: start … 0 s", "zine: 01-x: render … 0 s",
                            "zine: 01-x: epub … 2 s", "zine: 01-x: html … 4 s",
                            "zine: site … 4 s"]


def test_live_mode_keeps_counting_seconds_between_steps() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = ProgressReport(out, live=True, clock=clock, tick=0.01)
    report("edition", "01-x pdf")
    deadline = time.monotonic() + 10
    while "pdf … 7 s" not in out.getvalue() and time.monotonic() < deadline:
        clock.tick(1)
        time.sleep(0.02)
    report.finish()
    assert "\r\x1b[Kzine: 01-x: pdf … 7 s" in out.getvalue()
    assert out.getvalue().endswith("\r\x1b[K")
    assert report._ticker is not None and not report._ticker.is_alive()


def test_live_mode_with_verbose_keeps_the_start_times_as_lines_above() -> None:
    out, clock = io.StringIO(), FakeClock()
    a_build(ProgressReport(out, live=True, verbose=True, clock=clock, tick=0), clock)
    kept = [part.rsplit("\r\x1b[K", 1)[-1] for part in out.getvalue().split("\n")]
    assert kept == ["zine: 01-x: start (at 0.00 s)", "zine: 01-x: render (at 0.00 s)",
                    "zine: 01-x: epub (at 1.50 s)", "zine: 01-x: html (at 3.75 s)",
                    "zine: site (at 4.25 s)", "zine: total: 4.38 s", ""]


def test_a_log_record_during_a_live_build_gets_its_own_line() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = ProgressReport(out, live=True, clock=clock, tick=0)
    logger = logging.getLogger("zine.test_progress")
    handler = ProgressLogHandler(report)
    handler.setFormatter(logging.Formatter("zine: %(message)s"))
    logger.addHandler(handler)
    try:
        report("render", "01-x")
        logger.warning("something odd")
    finally:
        logger.removeHandler(handler)
    report.finish()
    assert out.getvalue() == ("\r\x1b[Kzine: 01-x: render … 0 s"
                              "\r\x1b[Kzine: something odd\n"
                              "\r\x1b[Kzine: 01-x: render … 0 s"
                              "\r\x1b[K")


def test_calls_from_many_threads_give_whole_lines() -> None:
    out = io.StringIO()
    report = ProgressReport(out, verbose=True)

    def build(issue: str) -> None:
        for _ in range(50):
            report("edition", f"{issue} pdf")

    threads = [threading.Thread(target=build, args=(f"0{n}-i",)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 8 * 50 + 1  # a line per step, the total
    assert all(re.fullmatch(r"zine: 0\d-i: pdf \(at \d+\.\d\d s\)", line)
               for line in lines[:-1])


def test_the_live_line_is_cut_to_the_terminal_width_so_it_never_wraps() -> None:
    out, clock = io.StringIO(), FakeClock()
    report = ProgressReport(out, live=True, clock=clock, tick=0, width=20)
    report("edition", "01-a-very-long-issue-name pdf")
    report.finish()
    assert out.getvalue() == "\r\x1b[Kzine: 01-a-very-lo…\r\x1b[K"  # 19 columns
