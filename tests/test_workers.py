"""``zine.runtime.workers``, the one fork helper: results, errors, dead workers, and lifetimes.

The functions run here close over things that do not pickle (a lock, a lambda), as a
``Typesetter`` does: forked workers inherit them. Lifetimes are checked on a small script run
in a process of its own, killed from outside; its workers and their workers are found in
``/proc`` while it runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.process_helpers import assert_none_left, descendants, living, needs_proc
from zine.runtime.workers import Standby, WorkerDied, Workers, run_forked


def test_results_come_back_in_task_order_from_other_processes() -> None:
    lock = threading.Lock()  # does not pickle: the function is inherited, not sent

    def work(task: int) -> tuple[int, int]:
        with lock:
            return task * task, os.getpid()

    results = run_forked(work, list(range(12)), 3)
    assert [square for square, _pid in results] == [n * n for n in range(12)]
    pids = {pid for _square, pid in results}
    assert os.getpid() not in pids and 1 <= len(pids) <= 3


def test_no_tasks_fork_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.fork", lambda: pytest.fail("forked for nothing"))
    assert run_forked(lambda task: task, [], 4) == []


def test_tasks_are_handed_out_in_the_order_given() -> None:
    started: list[int] = []
    with Workers(lambda task: task, [5, 4, 3, 2, 1], 1) as pool:
        started = [index for index, _result in pool.results()]
    assert started == [0, 1, 2, 3, 4]  # one worker: exactly the order given


def test_an_exception_in_a_task_is_raised_here_with_the_workers_traceback() -> None:
    def work(task: int) -> int:
        if task == 2:
            raise ValueError(f"no page {task}")
        return task

    with pytest.raises(ValueError, match="no page 2") as raised:
        run_forked(work, [0, 1, 2, 3], 2)
    assert any("in worker process" in note and "raise ValueError" in note
               for note in getattr(raised.value, "__notes__", []))


class Unpicklable(Exception):
    def __init__(self, page: int, why: str) -> None:  # pickle would call it with one argument
        super().__init__(f"page {page}: {why}")


def test_an_exception_that_does_not_unpickle_still_comes_back_as_its_text() -> None:
    def work(task: int) -> int:
        raise Unpicklable(task, "overfull")

    with pytest.raises(RuntimeError, match=r"Unpicklable: page [12]: overfull"):
        run_forked(work, [1, 2], 2)  # whichever of the two workers answers first


def test_a_worker_that_dies_fails_its_own_task_only() -> None:
    def work(task: int) -> str:
        if task == 1:
            os._exit(3)  # killed mid-task: out of memory, a signal
        return f"done {task}"

    results = run_forked(work, [0, 1, 2, 3], 2, died=lambda task: f"died {task}")
    assert results == ["done 0", "died 1", "done 2", "done 3"]
    with pytest.raises(WorkerDied):
        run_forked(work, [0, 1, 2], 2)


def test_workers_are_gone_when_the_pool_is_left() -> None:
    with Workers(lambda task: os.getpid(), [0, 1, 2], 2) as pool:
        pids = {result for _index, result in pool.results()}
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped: no zombie, no process



# A standby's tasks are sent pickled: their functions are module-level, found by name.
_readied: list[str] = []  # in a standby: what got it ready, in order


def _warm() -> None:
    _readied.append("warm")


def _also(word: str) -> None:
    _readied.append(word)


def _report(task: int) -> tuple[int, list[str], int]:
    return task, list(_readied), os.getpid()


def _exit_now(task: int) -> None:
    os._exit(3)


def _sendable(task: int) -> tuple[object, int] | None:
    """The standby takes the even tasks."""
    return (_report, task) if task % 2 == 0 else None


def test_a_standby_is_ready_before_its_task_and_is_sent_the_tasks_it_takes() -> None:
    def work(task: int) -> tuple[int, list[str], int]:  # inherited: the other workers' way
        return task, ["inherited"], os.getpid()

    with Standby(_warm) as standby:
        standby.prepare(_also, "dictionaries")  # what is known only after the fork
        assert standby.worker is not None
        standby_pid = standby.worker.pid
        with Workers(work, [0, 1, 2, 3], 2, standby=standby, send=_sendable) as pool:
            results = dict(pool.results())
    assert results[0] == (0, ["warm", "dictionaries"], standby_pid)  # its first task
    for task, how, pid in results.values():  # the standby runs only what can be sent
        assert (pid == standby_pid) == (how == ["warm", "dictionaries"])
        assert task % 2 == 0 if pid == standby_pid else pid != os.getpid()
    assert {task for task, _how, pid in results.values() if pid != standby_pid} >= {1, 3}
    with pytest.raises(ChildProcessError):
        os.waitpid(standby_pid, os.WNOHANG)  # the pool stopped and reaped it


def test_a_standby_no_pool_adopts_is_stopped_when_its_block_ends() -> None:
    with Standby(lambda: time.sleep(60)) as standby:
        assert standby.worker is not None
        pid = standby.worker.pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_standby_that_dies_fails_its_own_task_only() -> None:
    def send(task: int) -> tuple[object, int] | None:
        return (_exit_now, task) if task == 0 else None

    with Standby(_warm) as standby, Workers(lambda task: f"done {task}", [0, 1, 2], 2,
                                            died=lambda task: f"died {task}",
                                            standby=standby, send=send) as pool:
        results = dict(pool.results())
    assert results == {0: "died 0", 1: "done 1", 2: "done 2"}


def test_tasks_only_a_dead_worker_could_run_fail_instead_of_waiting_for_the_standby() -> None:
    def work(task: int) -> str:
        os._exit(3)  # the one forked worker dies on its first task

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the pool waited for a task nobody could run")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        with Standby(_warm) as standby, Workers(work, [0, 1, 3, 5], 2,
                                                died=lambda task: f"died {task}",
                                                standby=standby, send=_sendable) as pool:
            results = dict(pool.results())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert results[0][:2] == (0, ["warm"])
    assert [results[i] for i in (1, 2, 3)] == ["died 1", "died 3", "died 5"]


def most_at_once(log: Path) -> int:
    """The largest number of the intervals in ``log`` ("start t" / "end t" lines) that overlap."""
    events = sorted((float(t), 1 if kind == "start" else -1)
                    for kind, t in (line.split() for line in log.read_text().splitlines()))
    running = peak = 0
    for _t, step in sorted(events, key=lambda e: (e[0], e[1])):
        running += step
        peak = max(peak, running)
    return peak


_intervals: list[Path] = []  # the log of the two tests below, inherited


def _note(kind: str) -> None:
    fd = os.open(_intervals[0], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{kind} {time.monotonic():.6f}\n".encode())
    finally:
        os.close(fd)


def _part(task: int) -> int:
    _note("start")
    time.sleep(0.15)
    _note("end")
    return task


def _edition(task: int) -> list[int]:
    return run_forked(_part, [task * 10 + n for n in range(4)], 2, cpu_bound=True)


def test_nested_cpu_bound_pools_share_the_cpus(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # two editions, each laying out its parts with two workers of its own, on two CPUs
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(sys.modules[__name__], "_intervals", [tmp_path / "intervals"])
    assert run_forked(_edition, [1, 2], 2) == [[10, 11, 12, 13], [20, 21, 22, 23]]
    assert most_at_once(tmp_path / "intervals") == 2  # four part workers, two at work at most


def test_a_standby_and_the_pool_that_adopts_it_share_the_cpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the PDF of one language edition made by the standby, the other's by a forked worker
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(sys.modules[__name__], "_intervals", [tmp_path / "intervals"])

    def send(task: int) -> tuple[object, int] | None:
        return (_edition, task) if task == 1 else None

    with Standby(_warm) as standby, Workers(_edition, [1, 2], 2, standby=standby,
                                            send=send) as pool:
        results = dict(pool.results())
    assert results == {0: [10, 11, 12, 13], 1: [20, 21, 22, 23]}
    assert most_at_once(tmp_path / "intervals") == 2


def test_a_cpu_bound_worker_that_dies_holding_a_slot_gives_it_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 1)  # one slot: were it lost, the rest would hang

    def work(task: int) -> str:
        if task == 1:
            os._exit(3)
        return f"done {task}"

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the slot of the dead worker was not given back")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        results = run_forked(work, [0, 1, 2, 3], 2, died=lambda task: f"died {task}",
                             cpu_bound=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert results == ["done 0", "died 1", "done 2", "done 3"]

# Two levels of workers, as in a build: each outer task runs inner workers that sleep, and
# would note in the folder given that they cleaned up on their way out.
NESTED = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from zine.runtime import workers
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "portable":
        workers._prctl = lambda: None  # as on a system without PR_SET_PDEATHSIG
    def inner(task):
        try:
            time.sleep(60)
        finally:
            (folder / str(os.getpid())).write_text("cleaned")
    def outer(task):
        workers.run_forked(inner, [0, 1], 2)
    print("started", flush=True)
    try:
        with workers.interruptible():
            workers.run_forked(outer, [0, 1], 2)
    except workers.Interrupted:
        sys.exit(143)
""")


def start_nested(mode: str, folder: Path) -> tuple[subprocess.Popen[str], set[tuple[int, int]]]:
    proc = subprocess.Popen([sys.executable, "-c", NESTED, mode, str(folder)], cwd=REPO,
                            text=True,
                            stdout=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None and proc.stdout.readline() == "started\n"
    seen: set[tuple[int, int]] = set()
    deadline = time.monotonic() + 30
    while len(seen) < 6 and time.monotonic() < deadline:  # 2 workers, 4 workers of workers
        seen |= descendants(proc.pid)
        time.sleep(0.02)
    assert len(living(seen)) == 6, seen
    return proc, seen


@needs_proc
@pytest.mark.parametrize("mode", ["pdeathsig", "portable"])
def test_killing_the_main_process_ends_workers_at_every_level(mode: str,
                                                               tmp_path: Path) -> None:
    proc, seen = start_nested(mode, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_none_left(seen)


@needs_proc
def test_sigterm_stops_every_level_and_each_worker_cleans_up(tmp_path: Path) -> None:
    proc, seen = start_nested("pdeathsig", tmp_path)
    for pid, _start in seen:
        os.kill(pid, signal.SIGINT)  # workers ignore it: the process that forked them decides
    time.sleep(0.3)
    assert len(living(seen)) == 6
    proc.send_signal(signal.SIGTERM)  # to the main process only, as a CI timeout does
    assert proc.wait(timeout=10) == 143
    assert_none_left(seen)
    cleaned = {int(p.name) for p in tmp_path.iterdir() if p.read_text() == "cleaned"}
    assert len(cleaned) == 4 and cleaned < {pid for pid, _start in seen}


# A build's standby getting ready (here: for a minute) while the build loads and renders.
STANDBY = textwrap.dedent("""
    import time
    from zine.runtime import workers
    with workers.Standby(lambda: time.sleep(60)):
        print("started", flush=True)
        time.sleep(60)
""")


@needs_proc
def test_killing_the_main_process_ends_its_standby(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", STANDBY], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None and proc.stdout.readline() == "started\n"
    seen = descendants(proc.pid)
    assert len(living(seen)) == 1, seen
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_none_left(seen)


def test_an_interrupted_worker_cleans_up_on_the_way_out(tmp_path: Path) -> None:
    marker = tmp_path / "cleaned"

    def work(task: int) -> None:
        try:
            time.sleep(60)
        finally:  # what zine.safety.writer does with its temporary file
            marker.write_text("yes")

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_forked(work, [0, 1], 2)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert marker.read_text() == "yes"


def test_a_worker_stopped_while_it_imports_a_module_stops_once_the_import_is_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an extension module whose initialisation is interrupted can abort the process with a
    # traceback of its own (pikepdf's nanobind); here, a module that takes its time
    (tmp_path / "slow_module.py").write_text(textwrap.dedent(f"""
        import time
        time.sleep(1.0)
        open({str(tmp_path / "imported")!r}, "w").write("yes")
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    marker = tmp_path / "cleaned"

    def work(task: int) -> None:
        try:
            import slow_module  # noqa: F401
            time.sleep(60)
        finally:
            marker.write_text("yes")

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)  # while the worker is in the import
    try:
        with pytest.raises(KeyboardInterrupt):
            run_forked(work, [0], 1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert (tmp_path / "imported").read_text() == "yes"  # the import ran to its end
    assert marker.read_text() == "yes"  # and then the worker stopped, cleaning up


def test_zine_forks_in_one_place_only() -> None:
    """Every worker gets its lifetime from zine.runtime.workers, so nothing else may fork."""
    forking = ("os.fork", "multiprocessing", "ProcessPoolExecutor", "pty.fork", "os.posix_spawn")
    found = [f"{path.relative_to(REPO)}: {word}" for path in sorted((REPO / "zine").rglob("*.py"))
             if path.name != "workers.py"
             for word in forking if word in path.read_text(encoding="utf-8")]
    assert found == []
