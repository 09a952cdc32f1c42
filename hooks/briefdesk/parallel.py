"""Work spread over this machine's cores for large corpora, in order.

`ordered_map(fn, items)` calls `fn(item)` for every item and returns the results in the
items' order, in forked worker processes when there are many items and more than one
core. The items reach the workers through fork (copy-on-write), not through pickling;
only the results travel back. Below `MIN_ITEMS` a pool costs more than it saves.

`ordered_imap(fn, items)` is the same as an iterator: results arrive in order while the
workers go on, so a caller that writes each result away never holds them all. The
workers are forked when it is called (not when the first result is asked for), so a
caller may hand the iterator to a thread; `close()` stops them (they skip the items left
and exit). `workers` sets how many (at most one a core)."""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# from about 500 articles a pool of two pays on an idle machine (1,000: the pipeline before
# MkDocs 7.7-8.1 s in one process, 5.4-5.7 s with pools; BENCHMARKS.md, issue 18)
MIN_ITEMS = 500
MAX_WORKERS = 2
STOP_WAIT = 60.0  # seconds a stopped pool's workers get to finish the job in hand

# The one job of the pool being forked: the workers inherit the function and the items
# through fork (copy-on-write) instead of having them pickled to them. Set just before the
# fork, cleared when the pool ends; it is never read in this process, and holds nothing
# from one build for the next. A pool initializer would need a global in the worker
# all the same, so this stays a module global (tests/test_architecture.py allows it).
_JOB: list[tuple[Callable[[Any], Any], Sequence[Any], Any]] = []


def _run(span: tuple[int, int]) -> list[Any]:
    fn, items, stop = _JOB[0]
    out = []
    for i in range(*span):
        if stop.is_set():  # the caller stopped: what is left is not wanted
            break
        out.append(fn(items[i]))
    return out


def ordered_map(fn: Callable[[Any], Any], items: Sequence[Any], min_items: int | None = None,
                workers: int | None = None) -> list[Any]:
    return list(ordered_imap(fn, items, min_items, workers))


def _chunksize(n: int, workers: int) -> int:
    return max(1, min(256, n // (workers * 8)))


class _InProcess:
    """The results made here, one at a time (small jobs, one core, no fork)."""

    def __init__(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> None:
        self._it = map(fn, items)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self._it)

    def close(self) -> None:
        self._it = iter(())


class _PoolResults:
    """The results of a pool of forked workers, in order; the pool ends with the last
    result, an error, or close()."""

    def __init__(self, fn: Callable[[Any], Any], items: Sequence[Any], workers: int) -> None:
        context = mp.get_context("fork")
        self._stop = context.Event()
        self._closing = threading.Lock()  # close() may come from two threads (the render's, a build error)
        _JOB[:] = [(fn, items, self._stop)]
        self._pool = context.Pool(workers)  # forks now, with _JOB in place
        size = _chunksize(len(items), workers)
        spans = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        self._chunks = self._pool.imap(_run, spans)  # one span a task: its iterator can time out
        self._chunk: Iterator[Any] = iter(())

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            for result in self._chunk:
                return result
            while True:  # a thread waiting here sees close() from another within a second
                try:
                    self._chunk = iter(self._chunks.next(timeout=1.0))
                    return next(self._chunk)
                except mp.TimeoutError:
                    if self._pool is None:
                        raise RuntimeError("stopped before every result was made") from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End the pool: the workers skip the jobs left and exit. Not Pool.terminate() at
        once: a worker killed while it sends a result keeps the result queue's lock, and
        terminate() then waits for it for ever (with two workers, one is often sending).
        Only workers still busy after STOP_WAIT seconds are terminated."""
        with self._closing:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        self._stop.set()
        pool.close()
        deadline = time.monotonic() + STOP_WAIT
        for worker in list(getattr(pool, "_pool", [])):
            worker.join(max(0.0, deadline - time.monotonic()))
        if any(worker.is_alive() for worker in getattr(pool, "_pool", [])):
            pool.terminate()
        pool.join()
        _JOB.clear()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit the pool may be half gone
            pass


def ordered_imap(fn: Callable[[Any], Any], items: Sequence[Any], min_items: int | None = None,
                 workers: int | None = None) -> _InProcess | _PoolResults:
    cores = os.cpu_count() or 1
    workers = min(MAX_WORKERS, cores) if workers is None else max(1, min(workers, cores))
    threshold = MIN_ITEMS if min_items is None else min_items
    if len(items) < threshold or cores < 2 or "fork" not in mp.get_all_start_methods():
        return _InProcess(fn, items)
    return _PoolResults(fn, items, workers)


def give_back_memory() -> None:
    """Return freed heap to the system (glibc keeps it otherwise), so a stage's scratch
    memory does not stay counted against the rest of the build."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
