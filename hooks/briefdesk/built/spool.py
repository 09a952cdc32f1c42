"""A temporary file that holds texts between two passes, instead of memory.

MkDocs renders every page's Markdown to HTML first and only then puts each page in its
template, so by default it holds the HTML of the whole site at once: at 10,000 briefings
that is most of its memory. The hooks park each page's HTML here after it is rendered
and take it back just before the page is written:

    spool = Spool()
    spool.put(key, html)     # returns nothing; the text is now on disk
    html = spool.take(key)   # the same text; the entry is forgotten
    spool.close()            # the file is deleted

One append-only file, so parking costs one write and taking one read.
"""

from __future__ import annotations

import tempfile


class Spool:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="briefdesk-spool-")
        self._index: dict[str, tuple[int, int]] = {}
        self._end = 0

    def put(self, key: str, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._file.seek(self._end)
        self._file.write(data)
        self._index[key] = (self._end, len(data))
        self._end += len(data)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def take(self, key: str) -> str:
        offset, size = self._index.pop(key)
        self._file.seek(offset)
        return self._file.read(size).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._index.clear()
        self._file.close()

    def __len__(self) -> int:
        return len(self._index)
