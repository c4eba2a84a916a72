"""Work run beside the matcher on the machine's other core: a forked child computes a step
whose answer is small (event labels, the aliases texts define) while this process goes on with
the next one, and sends its answer back pickled down a pipe.

A child is forked only where it can gain: os.fork exists, the machine has two cores or more
and another one is free now (fewer threads runnable, this one counted, than cores: Linux's
/proc/loadavg; elsewhere the 1-minute load average under the cores less a half), and
PARALLAX_MATCH_FORK is not off. Otherwise, or when the child fails or dies, the work is done
here, in order: the answer is the same either way.

The child shares this process's memory until either writes a page (copy on write) and has
only the thread that forked it. It runs the matcher's pure Python on what it was given: no
database connection, no logging, no import, none of the locks the process's other threads
(a task worker's heartbeat and reaper) may hold as it forks; it leaves with os._exit, without
clean-up of what it shares."""

import os
import pickle
import signal
import warnings
from collections.abc import Callable
from contextlib import contextmanager, suppress
from typing import Any

from config.env import env_bool

SETTING = "PARALLAX_MATCH_FORK"


def usable() -> bool:
    """Whether a child may be forked now (see the module's docstring)."""
    if not hasattr(os, "fork") or not env_bool(SETTING, True):
        return False
    cores = os.cpu_count() or 1
    return cores >= 2 and _busy() < cores


def _busy() -> float:
    """Threads of the machine runnable now, this one counted (the 1-minute load average plus a
    half where /proc/loadavg is not)."""
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        return os.getloadavg()[0] + 0.5


@contextmanager
def beside(func: Callable[..., Any], *args, worth: bool = True):
    """func(*args) run in a forked child while the block runs, when it is `worth` a fork (some
    milliseconds) and one can be made. Yields a function that gives its value: the child's,
    or (no child, or it failed) computed then in this process. A child not waited for by the
    end of the block is ended."""
    child = _fork(func, args) if worth and usable() else None
    done: list = []

    def value():
        if not done:
            got = _join(child) if child is not None else None
            done.append(got[0] if got is not None else func(*args))
        return done[0]

    try:
        yield value
    finally:
        if child is not None and not done:
            _end(child)


def _fork(func, args) -> tuple[int, int] | None:
    """(pid, read end of its pipe), or None when no child could be made."""
    read, write = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python warns when it sees other threads: numpy's BLAS and rapidfuzz's, idle
            # between calls, a task worker's heartbeat and reaper, asleep or in the database;
            # the child uses none of what they may hold (see above).
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:
        _child(func, args, read, write)
    os.close(write)
    return pid, read


def _child(func, args, read: int, write: int) -> None:
    """In the child: the value, pickled down the pipe; out with status 0 only if all of it
    was written."""
    status = 1
    try:
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        data = memoryview(pickle.dumps(func(*args), protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write, data) :]
        status = 0
    finally:
        os._exit(status)


def _join(child: tuple[int, int]) -> tuple[Any] | None:
    """(the child's value,), or None when it failed or died."""
    pid, read = child
    chunks = []
    try:
        while chunk := os.read(read, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(read)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by someone else (SIGCHLD ignored): not known
            status = None
    if status is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    return (pickle.loads(b"".join(chunks)),)


def _end(child: tuple[int, int]) -> None:
    pid, read = child
    os.close(read)
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
