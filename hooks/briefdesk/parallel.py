"""Work spread over this machine's cores for large corpora, in order.

`ordered_map(fn, items)` calls `fn(item)` for every item and returns the results in the
items' order, in forked worker processes when there are many items and more than one
core. The items reach the workers through fork (copy-on-write), not through pickling;
only the results travel back. Below `MIN_ITEMS` a pool costs more than it saves."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import Any

MIN_ITEMS = 2000
MAX_WORKERS = 2

_JOB: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []


def _run(index: int) -> Any:
    fn, items = _JOB[0]
    return fn(items[index])


def ordered_map(fn: Callable[[Any], Any], items: Sequence[Any], min_items: int | None = None) -> list[Any]:
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    threshold = MIN_ITEMS if min_items is None else min_items
    if len(items) < threshold or workers < 2 or "fork" not in mp.get_all_start_methods():
        return [fn(item) for item in items]
    _JOB[:] = [(fn, items)]
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            return pool.map(_run, range(len(items)), chunksize=max(1, min(256, len(items) // (workers * 8))))
    finally:
        _JOB.clear()
