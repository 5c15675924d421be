"""Child processes that stop on request and with their parent, on Linux, macOS and Windows.

POSIX: the child leads its own session, so a signal to its group reaches whatever it
starts, and on Linux it gets SIGTERM when its parent dies (PR_SET_PDEATHSIG); macOS has
no such thing, so a Python child watches for it (`exit_with_parent`). Windows:
the child starts in its own process group (CREATE_NEW_PROCESS_GROUP: Ctrl-Break can be
sent to it alone) inside a kill-on-close job object, so it and everything it starts end
when its parent ends, however that ends; stopping it by force ends the whole job.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

#: Whether to take Windows' way. A variable, so tests can walk that way on Linux.
WINDOWS = sys.platform == "win32"

# Windows' values, spelt out so the Windows branch also runs (faked) in tests elsewhere.
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000
CTRL_BREAK_EVENT = 1
_JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
_JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9
_PROCESS_SET_QUOTA_AND_TERMINATE = 0x0100 | 0x0001

_DWORD = ctypes.c_uint32


class _IoCounters(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_uint64)
        for name in ("reads", "writes", "others", "read_bytes", "written_bytes", "other_bytes")
    ]


class _BasicLimits(ctypes.Structure):
    _fields_ = [
        ("per_process_user_time", ctypes.c_int64),
        ("per_job_user_time", ctypes.c_int64),
        ("limit_flags", _DWORD),
        ("minimum_working_set", ctypes.c_size_t),
        ("maximum_working_set", ctypes.c_size_t),
        ("active_process_limit", _DWORD),
        ("affinity", ctypes.c_size_t),
        ("priority_class", _DWORD),
        ("scheduling_class", _DWORD),
    ]


class JobLimits(ctypes.Structure):
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION (144 bytes on 64-bit Windows)."""

    _fields_ = [
        ("basic", _BasicLimits),
        ("io", _IoCounters),
        ("process_memory_limit", ctypes.c_size_t),
        ("job_memory_limit", ctypes.c_size_t),
        ("peak_process_memory", ctypes.c_size_t),
        ("peak_job_memory", ctypes.c_size_t),
    ]


#: Windows: each child's job, by pid; closing a job's handle ends every process in it.
_jobs: dict[int, int] = {}


def popen_options() -> dict[str, Any]:
    """Keyword arguments for `subprocess.Popen` that make a child of this kind.

    Windows: a child of a windowed app (no console) gets no console window popping up.
    """
    if WINDOWS:
        flags = CREATE_NEW_PROCESS_GROUP | (0 if _has_console() else CREATE_NO_WINDOW)
        return {"creationflags": flags}
    return {
        "start_new_session": True,
        "preexec_fn": _die_with_parent if sys.platform == "linux" else None,
    }


def adopt(process: subprocess.Popen[Any]) -> None:
    """Right after `Popen`: tie the child's life to ours (Windows: its job; else nothing)."""
    if WINDOWS:
        job = _kill_on_close_job(process.pid)
        if job is not None:
            _jobs[process.pid] = job


def ask_to_stop(process: subprocess.Popen[Any]) -> None:
    """The polite request: SIGTERM to its group (POSIX), Ctrl-Break to its group (Windows).

    A windowed app on Windows has no console to send Ctrl-Break through: then by force.
    """
    if process.poll() is not None:
        return
    if WINDOWS:
        try:
            if not _has_console():
                raise OSError("no console to send Ctrl-Break through")
            process.send_signal(CTRL_BREAK_EVENT)
        except OSError:
            force_stop(process)
        return
    _signal_group(process.pid, hard=False)


def force_stop(process: subprocess.Popen[Any]) -> None:
    """End it and everything it started, now (SIGKILL to its group; Windows: its job)."""
    if WINDOWS:
        job = _jobs.pop(process.pid, None)
        if job is None or not _end_job(job):
            process.kill()  # TerminateProcess: the child alone
        return
    _signal_group(process.pid, hard=True)


def stop(process: subprocess.Popen[Any], grace: float) -> int:
    """Ask, wait up to `grace` seconds, then force; returns the exit code."""
    ask_to_stop(process)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        log.warning("process %s did not stop within %.0f s: ending it", process.pid, grace)
        force_stop(process)
        process.wait(10)
    job = _jobs.pop(process.pid, None)
    if job is not None:
        _end_job(job)  # whatever it started and left behind ends with it
    return process.returncode


def exit_with_parent(interval: float = 1.0) -> None:
    """In a child on macOS, which has no PDEATHSIG: SIGTERM to itself once its parent is
    gone (a child whose parent dies gets another parent, so its parent's pid changes)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        log.info("the process that started this one is gone: stopping")
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    """In the child (Linux): SIGTERM when the parent dies, however it dies."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


if sys.platform == "win32":

    def _signal_group(pid: int, *, hard: bool) -> None:
        raise NotImplementedError("no process groups to signal on Windows: see force_stop")

    from ctypes import wintypes

    @functools.cache
    def _kernel32() -> ctypes.WinDLL:
        """kernel32 with the signatures used here (handles are pointer-sized, not int)."""
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        signatures: dict[str, tuple[Any, list[Any]]] = {
            "GetConsoleWindow": (wintypes.HWND, []),
            "CreateJobObjectW": (wintypes.HANDLE, [wintypes.LPVOID, wintypes.LPCWSTR]),
            "SetInformationJobObject": (
                wintypes.BOOL,
                [wintypes.HANDLE, ctypes.c_int, wintypes.LPVOID, wintypes.DWORD],
            ),
            "OpenProcess": (wintypes.HANDLE, [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]),
            "AssignProcessToJobObject": (wintypes.BOOL, [wintypes.HANDLE, wintypes.HANDLE]),
            "TerminateJobObject": (wintypes.BOOL, [wintypes.HANDLE, wintypes.UINT]),
            "CloseHandle": (wintypes.BOOL, [wintypes.HANDLE]),
        }
        for name, (result, arguments) in signatures.items():
            function = getattr(kernel32, name)
            function.restype, function.argtypes = result, arguments
        return kernel32

    def _has_console() -> bool:
        return bool(_kernel32().GetConsoleWindow())

    def _kill_on_close_job(pid: int) -> int | None:
        kernel32 = _kernel32()
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            log.warning("no job object for process %s (error %s)", pid, ctypes.get_last_error())
            return None
        limits = JobLimits()
        limits.basic.limit_flags = _JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        handle = kernel32.OpenProcess(_PROCESS_SET_QUOTA_AND_TERMINATE, False, pid)
        ok = bool(handle) and bool(
            kernel32.SetInformationJobObject(
                job,
                _JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                ctypes.byref(limits),
                ctypes.sizeof(limits),
            )
        )
        ok = ok and bool(kernel32.AssignProcessToJobObject(job, handle))
        if handle:
            kernel32.CloseHandle(handle)
        if not ok:
            log.warning("process %s is not in a job (error %s)", pid, ctypes.get_last_error())
            kernel32.CloseHandle(job)
            return None
        return int(job)

    def _end_job(job: int) -> bool:
        kernel32 = _kernel32()
        ended = bool(kernel32.TerminateJobObject(job, 1))
        kernel32.CloseHandle(job)
        return ended

else:

    def _signal_group(pid: int, *, hard: bool) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL if hard else signal.SIGTERM)

    def _has_console() -> bool:
        return True  # a faked Windows run in a test: as from a console

    def _kill_on_close_job(pid: int) -> int | None:
        return None  # no job objects here; a faked Windows run goes on without one

    def _end_job(job: int) -> bool:
        return False
