"""The committed registry of published URLs: a URL, once built, works forever.

`hooks/registry/urls.yml` maps each briefing id to its URL (fixed the first time it is
built), the source file it came from, and every earlier URL it had (each of which the
build turns into a redirect). An editor may retire a briefing by giving its entry a
`withdrawn:` reason: its URL then keeps a notice page instead of disappearing.

`assign()` gives every briefing its URL (``Assignment.urls``, by id: it writes the
registry's entries, never the briefings) and returns the problems that must stop a build:
a recorded URL that would vanish, or two briefings claiming one URL. What it returns is a
value: a frozen ``Assignment`` of tuples and read-only mappings, made once at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ..model import Briefing

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

HEADER = """\
# Registry of published briefing URLs. Committed; written by the build.
#
# Every briefing id maps to the URL it was first published at. A URL recorded here must
# keep working: the build fails if an article that had one disappears.
# - To rename a briefing, set `slug:` in its metadata; the build moves the URL and keeps
#   the old one in `previous_urls`, served as a redirect.
# - To retire a briefing, keep its entry and add `withdrawn: <reason>`; its URL then shows
#   a notice with the reason.
# - `versions` lists each text the briefing has had; earlier versions stay readable at
#   <url>v<N>/ from the texts kept in hooks/registry/versions/<id>/ (commit them too).
"""


@dataclass
class Entry:
    url: str
    source_file: str = ""
    previous_urls: list[str] = field(default_factory=list)
    withdrawn: str | None = None
    versions: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "source_file": self.source_file}
        if self.previous_urls:
            out["previous_urls"] = list(self.previous_urls)
        if self.withdrawn:
            out["withdrawn"] = self.withdrawn
        if self.versions:
            out["versions"] = [dict(v) for v in self.versions]
        return out


def _yaml(data: Any) -> str:
    # libyaml's emitter when PyYAML has it (five times faster; the same text, except that
    # it escapes characters beyond the Basic Multilingual Plane, emoji say, where the
    # Python emitter writes them as they are: both load back to the same data)
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000)


class RegistryError(ValueError):
    """The registry file itself is unreadable or inconsistent."""


def _read_only() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class Assignment:
    """What ``Registry.assign`` made of a build's briefings (read-only: tuples and mappings
    that cannot be written into)."""

    urls: Mapping[str, str] = field(default_factory=_read_only)  # id -> URL; a briefing without one is not published
    added: tuple[str, ...] = ()  # ids recorded for the first time
    renamed: tuple[tuple[str, str, str], ...] = ()  # (id, old, new)
    errors: tuple[str, ...] = ()
    redirects: Mapping[str, str] = field(default_factory=_read_only)  # old url -> new url
    withdrawn: Mapping[str, tuple[str, str]] = field(default_factory=_read_only)  # url -> (id, reason)


_TOP = "briefings:\n"


class Registry:
    """The registry's entries. ``kept`` (a build cache's ``registry`` part, for `mkdocs
    serve`) remembers the file's text as last read or written with what it says, so an
    unchanged file is not parsed again, and each entry's YAML as last written, so only the
    entries that changed are written out again: the same text as writing them all."""

    def __init__(self, path: Path, entries: dict[str, Entry], kept: dict[str, Any] | None = None):
        self.path = path
        self.entries = entries
        self._kept = kept

    @classmethod
    def load(cls, path: Path, kept: dict[str, Any] | None = None) -> "Registry":
        if not path.exists():
            return cls(path, {}, kept)
        text = path.read_text(encoding="utf-8")
        if kept is not None and kept.get("text") == text:
            raw = kept["briefings"]  # what this text says, never written into (entries copy it)
        else:
            try:
                # libyaml's safe loader when present: the same result, ten times faster
                loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                data = yaml.load(text, Loader=loader) or {}
            except yaml.YAMLError as exc:
                raise RegistryError(f"{path.name}: unreadable: {' '.join(str(exc).split())[:200]}") from None
            raw = data.get("briefings") or {} if isinstance(data, dict) else data
        if not isinstance(raw, dict):
            raise RegistryError(f"{path.name}: 'briefings' must be a mapping of id to entry")
        entries = {}
        for bid, value in raw.items():
            if not isinstance(value, dict) or not isinstance(value.get("url"), str):
                raise RegistryError(f"{path.name}: entry {bid!r} needs a 'url'")
            entries[str(bid)] = Entry(
                url=value["url"],
                source_file=str(value.get("source_file", "")),
                previous_urls=[str(u) for u in value.get("previous_urls") or []],
                withdrawn=value.get("withdrawn"),
                versions=[dict(v) for v in value.get("versions") or [] if isinstance(v, dict)],
            )
        if kept is not None:
            kept["text"], kept["briefings"] = text, raw
        return cls(path, entries, kept)

    def dump(self) -> str:
        return self._dump()[0]

    def _dump(self) -> tuple[str, dict[str, dict[str, Any]]]:
        """The file's text, and what it says (each entry as a mapping)."""
        body = {bid: self.entries[bid].as_dict() for bid in sorted(self.entries)}
        if self._kept is None or not body:
            return HEADER + _yaml({"briefings": body}), body
        # entry by entry: an entry's YAML does not depend on the others'
        known = self._kept.get("entries") or {}
        used: dict[tuple[str, str], str] = {}
        for bid, entry in body.items():
            key = (bid, repr(entry))  # repr tells 1 from True and a date from its text
            used[key] = known.get(key) or _yaml({"briefings": {bid: entry}})[len(_TOP):]
        self._kept["entries"] = used
        return HEADER + _TOP + "".join(used.values()), body

    def save_if_changed(self) -> bool:
        text, body = self._dump()
        if self._kept is not None:
            self._kept["text"], self._kept["briefings"] = text, body  # what the next load reads, as read
        if self.path.exists() and self.path.read_text(encoding="utf-8") == text:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text, encoding="utf-8")
        return True

    def owner_of_source(self, source_file: str) -> str | None:
        for bid, entry in self.entries.items():
            if entry.source_file == source_file:
                return bid
        return None

    def assign(
        self,
        briefings: list[Briefing],
        url_for_slug,
        refused_sources: set[str],
    ) -> Assignment:
        """Each briefing's URL (``urls``, by id); record new ones. Mutates the registry
        entries, not the briefings; what it returns is made at the end, frozen."""
        urls: dict[str, str] = {}
        added: list[str] = []
        renamed: list[tuple[str, str, str]] = []
        errors: list[str] = []
        redirects: dict[str, str] = {}
        withdrawn: dict[str, tuple[str, str]] = {}
        taken: dict[str, str] = {}  # url -> id, over current and previous URLs
        for bid, entry in self.entries.items():
            for url in [entry.url, *entry.previous_urls]:
                if url in taken and taken[url] != bid:
                    errors.append(f"registry gives URL /{url} to both {taken[url]} and {bid}")
                taken[url] = bid

        present = {b.id for b in briefings}
        for b in sorted(briefings, key=lambda b: b.id):
            entry = self.entries.get(b.id)
            if entry is None:
                url = url_for_slug(b.slug)
                if url in taken:
                    url = url_for_slug(f"{b.slug}-{b.id[:8]}")
                if url in taken:
                    errors.append(f"{b.source_file}: URL /{url} is already published for {taken[url]}")
                    continue
                entry = Entry(url=url, source_file=b.source_file)
                self.entries[b.id] = entry
                taken[url] = b.id
                added.append(b.id)
            elif "slug" in b.metadata and url_for_slug(b.metadata["slug"]) != entry.url:
                new_url = url_for_slug(b.metadata["slug"])
                if new_url in taken and taken[new_url] != b.id:
                    errors.append(
                        f"{b.source_file}: slug {b.metadata['slug']!r} would take /{new_url}, already published for {taken[new_url]}"
                    )
                else:
                    old = entry.url
                    if new_url in entry.previous_urls:  # renamed back: the old URL is current again
                        entry.previous_urls.remove(new_url)
                    entry.previous_urls.append(old)
                    entry.url = new_url
                    taken[new_url] = b.id
                    renamed.append((b.id, old, new_url))
            if entry.source_file != b.source_file:
                entry.source_file = b.source_file
            if entry.withdrawn:
                errors.append(
                    f"{b.source_file}: id {b.id} is marked withdrawn in the registry; remove 'withdrawn' to publish it again"
                )
            urls[b.id] = entry.url
            for old in entry.previous_urls:
                redirects[old] = entry.url
                for v in entry.versions[:-1]:  # an old address of an earlier version too
                    redirects[f"{old}v{v['version']}/"] = f"{entry.url}v{v['version']}/"

        for bid, entry in sorted(self.entries.items()):
            if bid in present:
                continue
            if entry.withdrawn:
                for url in [entry.url, *entry.previous_urls]:
                    withdrawn[url] = (bid, str(entry.withdrawn))
                continue
            if entry.source_file in refused_sources:
                # refused this build: the refusal's own warning explains; the URL is
                # only lost if the editor lets that stand (strict builds fail on it)
                continue
            errors.append(
                f"published URL /{entry.url} (id {bid}, from {entry.source_file or 'an unknown file'}) "
                "has no article any more: restore the article, or mark its registry entry 'withdrawn: <reason>'"
            )
        return Assignment(urls=MappingProxyType(urls), added=tuple(added), renamed=tuple(renamed),
                          errors=tuple(errors), redirects=MappingProxyType(redirects),
                          withdrawn=MappingProxyType(withdrawn))
