"""Work spread over this machine's cores for large corpora, in order.

`ordered_map(fn, items)` calls `fn(item)` for every item and returns the results in the
items' order, in forked worker processes when there are many items and more than one
core. The items reach the workers through fork (copy-on-write), not through pickling;
only the results travel back. Below `MIN_ITEMS` a pool costs more than it saves.

`ordered_imap(fn, items)` is the same as a generator: results arrive in order while the
workers go on, so a caller that writes each result away never holds them all."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

MIN_ITEMS = 2000
MAX_WORKERS = 2

_JOB: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []


def _run(index: int) -> Any:
    fn, items = _JOB[0]
    return fn(items[index])


def ordered_map(fn: Callable[[Any], Any], items: Sequence[Any], min_items: int | None = None) -> list[Any]:
    return list(ordered_imap(fn, items, min_items))


def _chunksize(n: int, workers: int) -> int:
    return max(1, min(256, n // (workers * 8)))


def ordered_imap(fn: Callable[[Any], Any], items: Sequence[Any], min_items: int | None = None) -> Iterator[Any]:
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    threshold = MIN_ITEMS if min_items is None else min_items
    if len(items) < threshold or workers < 2 or "fork" not in mp.get_all_start_methods():
        yield from map(fn, items)
        return
    _JOB[:] = [(fn, items)]
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_run, range(len(items)), chunksize=_chunksize(len(items), workers))
    finally:
        _JOB.clear()
