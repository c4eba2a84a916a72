"""Work run beside the matcher on the machine's other core: a forked child computes a step
whose answer is small (event labels, the aliases texts define, events' dates) while this
process goes on with the next one, and sends its answer back pickled down a pipe.

A child is forked only where it can gain: os.fork exists, this process may use two cores or
more (its CPU affinity and its cgroup's CPU quota), another core of the machine is free now
(fewer threads runnable, this one counted, than cores: Linux's /proc/loadavg; elsewhere the
1-minute load average under the cores less a half), children are not reaped behind our back
(SIGCHLD ignored) and PARALLAX_MATCH_FORK is not off. Otherwise, or when the child fails or
dies, the work is done here, in order: the answer is the same either way.

The child shares this process's memory until either writes a page (copy on write) and has
only the thread that forked it. Signals are held while it forks; it then takes back the
default handling of every signal the process handles in Python, closes every file but its end
of the pipe and the standard three (the database's sockets among them), dies with its parent
(Linux), is the first the kernel ends when memory runs out, and runs the matcher's pure Python
on what it was given: no database, no logging, no import, none of the locks the process's
other threads (a task worker's heartbeat and reaper) may hold as it forks. It leaves with
os._exit, without clean-up of what it shares."""

import ctypes
import os
import pickle
import signal
import warnings
from collections.abc import Callable
from contextlib import contextmanager, suppress
from typing import Any

from config.env import env_bool

SETTING = "PARALLAX_MATCH_FORK"
_PR_SET_PDEATHSIG = 1

# Python warns of a fork while other threads run: numpy's BLAS and rapidfuzz's, idle between
# calls, a task worker's heartbeat and reaper, asleep or in the database; the child uses
# nothing they may hold (see above). Set once: catch_warnings is not thread-safe.
warnings.filterwarnings(
    "ignore", message=r".*use of fork\(\) may lead to deadlocks", category=DeprecationWarning
)


def usable() -> bool:
    """Whether a child may be forked now (see the module's docstring)."""
    if not hasattr(os, "fork") or not env_bool(SETTING, True):
        return False
    if signal.getsignal(signal.SIGCHLD) is signal.SIG_IGN:
        return False
    return _allowed_cores() >= 2 and _busy() < (os.cpu_count() or 1)


def _allowed_cores() -> float:
    """The cores this process may run on: its CPU affinity, capped by its cgroup's quota."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        if quota != "max":
            cores = min(cores, int(quota) / int(period))
    except (OSError, ValueError):
        pass
    return cores or 1


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
    pending = [_fork(func, args)] if worth and usable() else [None]
    done: list = []

    def value():
        if not done:
            child, pending[0] = pending[0], None  # joined (or ended) once, whatever happens
            got = _join(child) if child is not None else None
            done.append(got[0] if got is not None else func(*args))
        return done[0]

    try:
        yield value
    finally:
        if pending[0] is not None:
            _end(pending[0])


def _fork(func, args) -> tuple[int, int] | None:
    """(pid, read end of its pipe), or None when no child could be made. Signals are held
    from before the fork until each process is ready for them."""
    read, write = os.pipe()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(read)
        os.close(write)
        return None
    if pid == 0:
        _child(func, args, write, held)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(write)
    return pid, read


def _child(func, args, write: int, held) -> None:
    """In the child: the value, pickled down the pipe; out with status 0 only if all of it
    was written. Never returns."""
    status = 1
    try:
        for number in signal.valid_signals():
            with suppress(OSError, ValueError, TypeError):
                if callable(signal.getsignal(number)):  # a Python handler: the parent's
                    signal.signal(number, signal.SIG_DFL)
        os.closerange(3, write)  # (standard input, output and error stay)
        os.closerange(max(write + 1, 3), _max_fd())
        _die_with_parent()
        with suppress(OSError), open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        data = memoryview(pickle.dumps(func(*args), protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write, data) :]
        status = 0
    finally:
        os._exit(status)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 65536


def _die_with_parent() -> None:
    """Linux: the kernel ends the child when the thread that forked it is gone."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _join(child: tuple[int, int]) -> tuple[Any] | None:
    """(the child's value,), or None when it failed or died. Interrupted (a signal's
    exception), the child is ended first."""
    pid, read = child
    chunks = []
    try:
        while chunk := os.read(read, 1 << 20):
            chunks.append(chunk)
    except BaseException:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # reaped by someone else: not known
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
