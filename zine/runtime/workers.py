"""Build stage helper, parallel work: the one place in ``zine`` that forks worker processes.

``run_forked(function, tasks, count)`` calls ``function(task)`` for every task in ``count``
forked worker processes and returns the results in task order; ``Workers`` does the same as a
context manager whose ``results()`` hands each result out as soon as it is there (the build
writes an issue's website while other issues' PDFs are still being laid out). Tasks are handed
out in the order given (callers put the longest first), one at a time to whichever worker is
free. Workers are forked, so the function and the tasks are inherited, never pickled (a
``Typesetter`` with its parsed stylesheets and fonts, a rendered issue); only what comes back
(bytes, diagnostics) is pickled, through a pipe. An exception in a task is raised again in the
caller with the worker's traceback as a note; a worker that dies (killed, out of memory) fails
its task only: ``died(task)`` gives that task's result, or ``WorkerDied`` is raised.

A ``Standby`` is one worker forked *before* its task exists, so that it gets ready meanwhile:
``warm()`` runs in it at once (the build's: WeasyPrint imported and the PDF's stylesheets
parsed while this process loads and renders the issue), ``prepare(function, argument)`` sends
it more to get ready as soon as that is known (the hyphenation dictionaries of the languages
found). A pool given the standby (``Workers(..., standby=..., send=...)``) adopts it as one of
its workers and hands it the tasks ``send(task)`` says how to send: ``(function, argument)``,
pickled (module-level functions and plain data), since the standby was forked before them.

Lifetimes, so that no worker outlives the build:

- A worker ends by itself when the process that forked it is gone. On Linux the kernel kills
  it (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set right after the fork, then the parent id checked
  in case the parent died before); where that is not available, a thread in the worker checks
  every ``WATCH`` seconds whether its parent id changed. A worker that forks workers of its own
  (an edition worker laying out PDF parts) does it through this module too, so every level is
  covered: killing the main process with SIGKILL ends the whole tree.
- Workers ignore SIGINT: Ctrl-C reaches every process of the terminal's process group, and the
  process that forked them stops them instead, once. When it leaves ``Workers`` because of an
  exception (``KeyboardInterrupt``, ``Interrupted``), it sends every worker SIGTERM, which raises
  ``Interrupted`` in the worker (once the import it may be in is over: ``_stop_worker``), so
  the files it was writing are removed on the way out
  (``zine.safety.writer``) and its own workers are stopped the same way; what is still alive
  ``GRACE`` seconds later is killed. Leaving normally closes the task pipes, at which idle
  workers end; one that does not within ``GRACE`` seconds gets SIGTERM, then SIGKILL.
- ``interruptible()`` makes SIGTERM raise ``Interrupted`` in the main process as well, and the
  first SIGINT or SIGTERM ignore the next ones, so the clean-up is not cut short.

CPU slots, so that nested pools do not run more CPU-bound work at once than there are CPUs (as
GNU make's jobserver does for recursive makes): the outermost pool of a process tree opens a
pipe holding one token per CPU, which every worker forked below it inherits. A worker of a pool
made with ``cpu_bound=True`` takes a token before each task and puts it back after it; other
pools (those whose tasks wait for workers of their own) take none, so there is no deadlock. In
a build of two language editions, each edition's worker lays out its PDF parts with workers of
its own: without the slots, four layouts shared two CPUs (measured on the bench issue: about
10 % more CPU time for the same pages). A cpu-bound worker that dies while it holds a token has
its token put back by its pool.

A standby no pool adopted is stopped (SIGTERM) when its ``with`` block ends. It opens the CPU
slots of the tree when no pool above it did, so the workers of the pool that adopts it and of
its own pools share them.

PR_SET_PDEATHSIG follows the *thread* that forked: fork from the main thread (every caller
does). This module writes no files and keeps no state; in a worker it sets the signal handlers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import selectors
import signal
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

GRACE = 1.5  # seconds an interrupted worker has to clean up before it is killed
WATCH = 0.2  # seconds between two parent checks where PR_SET_PDEATHSIG is not available
POLL = 0.1  # seconds between two checks for a worker that died
DEFER = 0.05  # seconds a worker stopped while importing a module waits before it stops
_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct("!Q")  # length of the pickled result (or sent task) that follows
_INDEX = struct.Struct("!I")  # the task a worker is to run next
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
EXIT_INTERRUPTED = 128 + signal.SIGTERM


class Interrupted(BaseException):
    """SIGTERM (or SIGINT) arrived: stop, removing what was half written on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signal.Signals(signum).name}")
        self.signum = signum


class WorkerDied(Exception):
    """A worker process ended without sending back the result of its task."""


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """While inside: SIGTERM raises ``Interrupted`` and SIGINT ``KeyboardInterrupt``, each
    once; then both are ignored until the clean-up is over and the old handlers are back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}

    def stop(signum: int, frame: FrameType | None) -> None:
        for other in _STOP_SIGNALS:
            signal.signal(other, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Interrupted(signum)

    for signum in _STOP_SIGNALS:
        signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_forked(function: Callable[[T], R], tasks: Sequence[T], count: int,
               died: Callable[[T], R] | None = None, *, cpu_bound: bool = False) -> list[R]:
    """``[function(task) for task in tasks]``, computed by ``count`` forked workers (each task
    in a CPU slot if ``cpu_bound``: see the module)."""
    found: dict[int, R] = {}
    with Workers(function, tasks, count, died, cpu_bound=cpu_bound) as pool:
        for index, result in pool.results():
            found[index] = result
    return [found[index] for index in range(len(tasks))]


class _CpuSlots:
    """The token pipe of a process tree (see the module): ``take`` blocks until a token is
    free, ``give`` puts one back."""

    def __init__(self, count: int) -> None:
        self.owner = os.getpid()
        self.read_end, self.write_end = os.pipe()
        os.write(self.write_end, b"+" * count)

    def take(self) -> None:
        os.read(self.read_end, 1)  # never at its end: every worker holds a write end too

    def give(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.write_end, b"+")

    def close(self) -> None:
        _close(self.read_end, self.write_end)


_slots: _CpuSlots | None = None  # of this process tree; inherited by forked workers


def _open_slots() -> bool:
    """Open the tree's CPU slots unless a pool above this one did; True if this one did."""
    global _slots
    if _slots is not None:
        return False
    _slots = _CpuSlots(os.cpu_count() or 1)
    return True


def _close_slots() -> None:
    global _slots
    if _slots is not None and _slots.owner == os.getpid():
        _slots.close()
    _slots = None


@dataclass
class _Worker:
    pid: int
    tasks: int  # write end: task indexes, closed to say "no more"
    results: int  # read end: framed pickled results
    buffer: bytearray = field(default_factory=bytearray)
    running: int | None = None  # the index of the task it is working on
    alive: bool = True
    sends: bool = False  # a standby: its tasks are sent pickled, not inherited
    sender: threading.Thread | None = None  # writing a sent task (pipes hold 64 KiB)


class Workers(Generic[T, R]):
    """``count`` forked workers computing ``function(task)`` for ``tasks``; see the module."""

    def __init__(self, function: Callable[[T], R], tasks: Sequence[T], count: int,
                 died: Callable[[T], R] | None = None, *, cpu_bound: bool = False,
                 standby: Standby | None = None,
                 send: Callable[[T], tuple[Callable[[Any], R], Any] | None] | None = None
                 ) -> None:
        self.function = function
        self.tasks = tasks
        self.count = min(max(1, count), len(tasks))  # no tasks: no worker
        self.died = died
        self.cpu_bound = cpu_bound
        # ``standby``, if it is still there, is one of the ``count`` workers; it runs the
        # tasks ``send`` gives a (function, argument) for, and only those
        self.standby = standby if send is not None and tasks else None
        self.send = send
        self._opened_slots = False
        self._workers: list[_Worker] = []
        self._todo: deque[int] = deque(range(len(tasks)))
        self._selector = selectors.DefaultSelector()

    def __enter__(self) -> Workers[T, R]:
        try:
            self._opened_slots = _open_slots() if self.tasks else False
            adopted = self.standby.adopt() if self.standby is not None else None
            if adopted is not None:
                self._workers.append(adopted)
                self._selector.register(adopted.results, selectors.EVENT_READ, adopted)
            prctl = _prctl()
            for _ in range(self.count - len(self._workers)):
                self._fork(prctl)
            for worker in self._workers:  # at work at once: the caller may do more meanwhile
                self._hand_out(worker)
        except BaseException:
            self._stop(interrupted=True)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop(interrupted=kind is not None or any(w.running is not None
                                                       for w in self._workers))

    def results(self) -> Iterator[tuple[int, R]]:
        """``(index, result)`` of every task, in the order the tasks finish (the first
        tasks were handed out on entering: the workers run while the caller does something
        else before it asks for the results)."""
        while any(worker.running is not None for worker in self._workers):
            for key, _events in self._selector.select(POLL):
                worker = key.data
                data = _read(worker.results)
                if data is not None:
                    yield from self._receive(worker, data)
            for worker in self._workers:
                if worker.alive and _exited(worker.pid):
                    worker.alive = False
                    yield from self._receive(worker, _drain(worker.results))
                    yield from self._lost(worker)

    # -- parent side ---------------------------------------------------------------------------

    def _fork(self, prctl: Callable[..., int] | None) -> None:
        """Fork one more worker (``_fork_worker``: it is on the list, and so will be stopped,
        before a stop signal can come through)."""
        siblings = [fd for w in self._workers for fd in (w.tasks, w.results)]

        def child(parent: int, mask: Any, task_r: int, result_w: int,
                  own: list[int]) -> None:
            _serve(self.function, self.tasks, parent, prctl, mask, task_r, result_w,
                   [*own, *siblings], _slots if self.cpu_bound else None)

        _fork_worker(child, self._keep)

    def _keep(self, worker: _Worker) -> None:
        self._workers.append(worker)
        self._selector.register(worker.results, selectors.EVENT_READ, worker)

    def _hand_out(self, worker: _Worker) -> None:
        if not self._todo or not worker.alive:
            return
        if worker.sends:
            self._send_out(worker)
            return
        worker.running = self._todo.popleft()
        with contextlib.suppress(BrokenPipeError):  # it died already: the next check sees it
            os.write(worker.tasks, _INDEX.pack(worker.running))

    def _send_out(self, worker: _Worker) -> None:
        """The standby's next task: the first still to do that ``send`` can send."""
        assert self.send is not None
        for index in self._todo:
            sent = self.send(self.tasks[index])
            if sent is not None:
                self._todo.remove(index)
                worker.running = index
                if worker.sender is not None:
                    worker.sender.join()  # the previous task, read long since
                # in a thread: the standby reads it once it is warm, and this process has
                # other workers to start meanwhile
                worker.sender = threading.Thread(
                    target=_send_quietly, args=(worker.tasks, _sent_task(True, *sent)),
                    name="zine-send-task", daemon=True)
                worker.sender.start()
                return

    def _receive(self, worker: _Worker, data: bytes) -> Iterator[tuple[int, R]]:
        if not data:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(worker.results)  # at EOF; the exit check follows
            return
        worker.buffer += data
        while len(worker.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(worker.buffer)
            if len(worker.buffer) < _HEADER.size + size:
                break
            message = bytes(worker.buffer[_HEADER.size:_HEADER.size + size])
            del worker.buffer[:_HEADER.size + size]
            index, worker.running = worker.running, None
            self._hand_out(worker)  # before the caller's turn: the worker goes on meanwhile
            if index is not None:
                yield index, self._unpack(message)

    def _unpack(self, message: bytes) -> R:
        ok, value, remote = pickle.loads(message)
        if ok:
            return value
        value.add_note(f"in worker process:\n{remote}")
        raise value

    def _lost(self, worker: _Worker) -> Iterator[tuple[int, R]]:
        """A worker is gone: its task fails; with no worker left, so do the rest."""
        lost = [] if worker.running is None else [worker.running]
        worker.running = None
        if lost and self.cpu_bound and _slots is not None:
            _slots.give()  # it may have died holding one: a token too many beats a hang
        if not any(w.alive and not w.sends for w in self._workers):
            # what no worker left can run: all of it, or what the standby cannot be sent
            standby = any(w.alive for w in self._workers)
            stuck = [i for i in self._todo if not standby or self.send is None
                     or self.send(self.tasks[i]) is None]
            lost += stuck
            for index in stuck:
                self._todo.remove(index)
        for index in lost:
            if self.died is None:
                raise WorkerDied(f"the worker process {worker.pid} stopped unexpectedly")
            yield index, self.died(self.tasks[index])

    def _stop(self, interrupted: bool) -> None:
        """Close the task pipes, so idle workers end; stop the others with SIGTERM (at once
        if ``interrupted``, else after ``GRACE`` seconds), and what remains with SIGKILL."""
        _stop_all(self._workers, interrupted)
        for worker in self._workers:
            _close(worker.results)
        self._selector.close()
        if self._opened_slots:
            _close_slots()
            self._opened_slots = False


class Standby:
    """One worker forked before its task exists (see the module): ``warm()`` runs in it at
    once; ``prepare`` sends it more to get ready; a pool adopts it (``Workers(standby=...)``).
    Used as a context manager around everything that may use it; a standby no pool adopted
    is stopped on leaving, and one whose ``warm`` failed does its tasks unprepared."""

    def __init__(self, warm: Callable[[], object]) -> None:
        self.warm = warm
        self.worker: _Worker | None = None
        self.adopted = False
        self._opened_slots = False

    def __enter__(self) -> Standby:
        self._opened_slots = _open_slots()
        prctl = _prctl()

        def child(parent: int, mask: Any, task_r: int, result_w: int,
                  own: list[int]) -> None:
            _serve_sent(self.warm, parent, prctl, mask, task_r, result_w, own)

        try:
            _fork_worker(child, self._keep, sends=True)
        except BaseException:  # a stop signal that came during the fork, a failed fork:
            self.__exit__()  # the block (and so __exit__) never begins
            raise
        return self

    def _keep(self, worker: _Worker) -> None:
        self.worker = worker

    def prepare(self, function: Callable[[Any], object], argument: Any) -> None:
        """Have the standby call ``function(argument)`` before its first task, and drop
        what it returns (or raises): more to get ready, known after the fork."""
        if self.worker is not None and not self.adopted:
            with contextlib.suppress(OSError):
                _send(self.worker.tasks, _sent_task(False, function, argument))

    def adopt(self) -> _Worker | None:
        """The worker, for a pool to own from now on (it stops it); None if it is gone or
        was adopted already."""
        if self.worker is None or self.adopted or _exited(self.worker.pid):
            return None
        self.adopted = True
        return self.worker

    def __exit__(self, *_exc: object) -> None:
        try:
            if self.worker is not None and not self.adopted:
                _stop_all([self.worker], interrupted=True)  # it has nothing more to do
                _close(self.worker.results)
        finally:
            self._close_slots()

    def _close_slots(self) -> None:
        if self._opened_slots:
            _close_slots()
            self._opened_slots = False


def _fork_worker(child: Callable[[int, Any, int, int, list[int]], None],
                 keep: Callable[[_Worker], None], *, sends: bool = False) -> None:
    """Fork one worker, which runs ``child(parent, mask, task_r, result_w, own)`` and never
    returns (``own``: the parent's ends of its pipes, for it to close); ``keep(worker)`` puts
    it where it will be stopped before stop signals come through again, so one that arrived
    during the fork is raised only then. A standby (``sends``) gets a wide task pipe."""
    parent = os.getpid()
    task_r, task_w = os.pipe()
    result_r, result_w = os.pipe()
    if sends:
        _widen(task_w)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    kept = False
    try:
        pid = os.fork()
        if pid == 0:  # never returns
            child(parent, mask, task_r, result_w, [task_w, result_r])
        worker = _Worker(pid, task_w, result_r, sends=sends)
        os.set_blocking(result_r, False)
        kept = True  # from here on, the pipes are closed with the worker
        keep(worker)
    except BaseException:
        if not kept:
            _close(task_w, result_r)
        raise
    finally:
        _close(task_r, result_w)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _widen(fd: int) -> None:
    """Let the pipe of ``fd`` hold 1 MiB (Linux: the most a process may ask for by default),
    so a task of megabytes goes through in a few writes instead of hundreds."""
    with contextlib.suppress(AttributeError, OSError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)


def _sent_task(reply: bool, function: Callable[[Any], Any], argument: Any) -> bytes:
    """A task for a standby: one byte that says whether it wants the result back, then
    ``(function, argument)`` pickled."""
    return (b"\x01" if reply else b"\x00") + pickle.dumps((function, argument),
                                                           pickle.HIGHEST_PROTOCOL)


def _send_quietly(fd: int, message: bytes) -> None:
    with contextlib.suppress(OSError):  # the standby died: the pool sees it
        _send(fd, message)


def _stop_all(workers: Sequence[_Worker], interrupted: bool) -> None:
    """Close the workers' task pipes; SIGTERM (at once if ``interrupted``, else after
    ``GRACE`` seconds) what is still alive, then SIGKILL."""
    for worker in workers:
        if worker.sender is None or not worker.sender.is_alive():
            _close_tasks(worker)
    steps = (signal.SIGTERM, signal.SIGKILL) if interrupted else (
        None, signal.SIGTERM, signal.SIGKILL)
    for signum in steps:
        alive = [worker for worker in workers if worker.alive]
        for worker in alive:
            if signum is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signum)
        deadline = time.monotonic() + GRACE
        while alive and (signum == signal.SIGKILL or time.monotonic() < deadline):
            for worker in alive:
                worker.alive = not _exited(worker.pid)
            alive = [worker for worker in alive if worker.alive]
            if alive:
                time.sleep(0.01)
    for worker in workers:  # a standby still being sent a task: closed once it is dead
        if worker.sender is not None:
            worker.sender.join()
        _close_tasks(worker)


def _close_tasks(worker: _Worker) -> None:
    if worker.tasks >= 0:
        _close(worker.tasks)
        worker.tasks = -1  # never closed twice: the number may belong to another file then


def _close(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def _read(fd: int) -> bytes | None:
    """What is there to read on ``fd``: b"" at its end, None if nothing yet."""
    try:
        return os.read(fd, 1 << 20)
    except BlockingIOError:
        return None


def _drain(fd: int) -> bytes:
    chunks = []
    with contextlib.suppress(BlockingIOError, OSError):
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    return b"".join(chunks)


def _exited(pid: int) -> bool:
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


# -- worker side ---------------------------------------------------------------------------------

def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux, else None (looked up before forking, once per pool)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                      ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


def _serve(function: Callable[[Any], Any], tasks: Sequence[Any], parent: int,
           prctl: Callable[..., int] | None, mask: Any, task_r: int, result_w: int,
           inherited: Sequence[int], slots: _CpuSlots | None) -> None:
    """The worker: run the tasks whose indexes arrive on ``task_r`` until it is closed, each
    in a CPU slot when ``slots`` are given."""
    code = 0
    try:
        _begin_worker(parent, prctl, mask, inherited)
        while index_bytes := _read_exactly(task_r, _INDEX.size):
            (index,) = _INDEX.unpack(index_bytes)
            if slots is None:
                _send(result_w, _outcome(function, tasks[index]))
                continue
            slots.take()
            try:
                outcome = _outcome(function, tasks[index])
            finally:
                slots.give()
            _send(result_w, outcome)
    except (Interrupted, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except BaseException:  # a broken pipe to a parent that is gone, or a bug here
        code = 70
    finally:
        os._exit(code)


def _serve_sent(warm: Callable[[], object], parent: int, prctl: Callable[..., int] | None,
                mask: Any, task_r: int, result_w: int, inherited: Sequence[int]) -> None:
    """The standby: ``warm()``, then run the tasks sent on ``task_r`` until it is closed,
    replying to those that ask for it."""
    code = 0
    try:
        _begin_worker(parent, prctl, mask, inherited)
        with contextlib.suppress(Exception):  # its tasks do the work themselves then
            warm()
        while header := _read_exactly(task_r, _HEADER.size):
            (size,) = _HEADER.unpack(header)
            message = _read_exactly(task_r, size)
            if len(message) < size:
                break
            outcome = _outcome(_run_sent, memoryview(message)[1:])
            if message[:1] == b"\x01":
                _send(result_w, outcome)
    except (Interrupted, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _run_sent(message: memoryview) -> Any:
    function, argument = pickle.loads(message)
    return function(argument)


def _begin_worker(parent: int, prctl: Callable[..., int] | None, mask: Any,
                  inherited: Sequence[int]) -> None:
    """What every worker does first: die with ``parent``, leave SIGINT to it, stop on
    SIGTERM, and close the pipe ends that are not its own."""
    _die_with(parent, prctl)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    for fd in inherited:
        os.close(fd)


def _die_with(parent: int, prctl: Callable[..., int] | None) -> None:
    """End this worker when ``parent`` ends: the kernel's signal, else a watching thread."""
    armed = prctl is not None and prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(EXIT_INTERRUPTED)
    if not armed:
        threading.Thread(target=_watch, args=(parent,), name="zine-parent-watch",
                         daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH)
    os._exit(EXIT_INTERRUPTED)


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    """SIGTERM in a worker: raise ``Interrupted``, unless it is importing a module. An
    exception raised inside an extension module's initialisation can abort the process with
    a traceback of its own (pikepdf's nanobind: "Critical nanobind error"); then the stop is
    taken ``DEFER`` seconds later (SIGALRM comes back here), once the import is over."""
    if _importing(frame):
        signal.signal(signal.SIGALRM, _stop_worker)
        signal.setitimer(signal.ITIMER_REAL, DEFER)
        return
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: the clean-up runs to its end
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    raise Interrupted(signal.SIGTERM)


def _importing(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _outcome(function: Callable[[Any], Any], task: Any) -> bytes:
    try:
        return pickle.dumps((True, function(task), None), pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        remote = traceback.format_exc()
        try:
            message = pickle.dumps((False, error, remote), pickle.HIGHEST_PROTOCOL)
            pickle.loads(message)  # an exception may pickle and still not unpickle
            return message
        except Exception:  # then its type and text travel instead
            text = RuntimeError(f"{type(error).__name__}: {error}")
            return pickle.dumps((False, text, remote), pickle.HIGHEST_PROTOCOL)


def _send(fd: int, message: bytes) -> None:
    data = memoryview(_HEADER.pack(len(message)) + message)
    while data:
        data = data[os.write(fd, data):]


def _read_exactly(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd``, fewer at its end (a sent task is megabytes: read into one
    buffer, not joined chunk by chunk)."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = os.readv(fd, [view[got:]])
        if not count:
            break
        got += count
    view.release()
    del buffer[got:]
    return bytes(buffer)
