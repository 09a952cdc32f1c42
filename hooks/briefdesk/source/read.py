"""Read stage: find source files, decode them, merge and validate their metadata.

Every file in the source folder ends up in exactly one of three places: an article
(`SourceArticle`), a metadata file attached to an article, or a `Refusal` with a reason.

Text decoding: UTF-8 (a BOM is dropped); failing that, Windows-1252, the documented
fallback for text saved by older Windows editors (it also covers printable Latin-1).
Mojibake (UTF-8 read as Windows-1252 somewhere upstream) is repaired with `ftfy`.
Line endings become LF, text is NFC-normalised, control characters other than tab and
newline and invisible direction overrides are removed; each such repair is recorded.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ftfy
import yaml

from .. import parallel
from ..model import Refusal, RefusedError, SourceArticle


ARTICLE_SUFFIXES = (".txt", ".md")
METADATA_SUFFIXES = (".yml", ".yaml")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_METADATA_BYTES = 64 * 1024

# Fields an editor may set beside an article (sidecar NAME.yml or Markdown front matter).
LIST_FIELDS = (
    "authors", "translators", "editors", "topics", "regions", "actors",
    "exclude_topics", "exclude_regions", "exclude_actors",
)
TEXT_FIELDS = ("id", "slug", "title", "outlet", "source_url", "language", "summary")
KNOWN_FIELDS = frozenset(LIST_FIELDS + TEXT_FIELDS + ("date", "keep_lines"))

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
SEED_NAME_RE = re.compile(r"^\d+_(?P<id>[0-9a-f]{8,64})$")
# Slugs that would collide with the site's own pages and folders.
RESERVED_SLUGS = frozenset({
    "index", "page", "search", "assets", "data", "cite", "b", "topics", "places",
    "actors", "archive", "about", "feeds", "404", "sitemap", "robots", "v1",
})

# Ids that would collide with the archive-wide files beside the per-briefing ones.
RESERVED_IDS = frozenset({"all"})

_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH = "\u200b\u2060\ufeff\u00ad"
# one pass over the text: str.translate with a dict looks up every character of a
# non-ASCII text in the dict (about 4 ms for a 2,000-word article), a regex scans in C
_INVISIBLE_RE = re.compile(f"[{_BIDI_CONTROLS}{_ZERO_WIDTH}]")
# UTF-8 read as Windows-1252 leaves a lead byte's character (Â-ô) before a continuation
# byte's (U+0080-U+00BF or the Windows-1252 specials). ftfy is slow, so it only looks at
# texts where this shows.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=True,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)


@dataclass
class ReadResult:
    articles: list[SourceArticle]
    refusals: list[Refusal]
    metadata_files: dict[str, str]  # metadata file -> the article file it describes
    files_seen: int = 0  # files (and symbolic links) under the folder


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses YAML anchors and aliases (no "billion laughs")."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.events.AliasEvent):
            raise yaml.YAMLError("YAML aliases are not allowed in article metadata")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.YAMLError("YAML anchors are not allowed in article metadata")
        return super().compose_node(parent, index)


# Dates stay strings, so that parse_date can say what is wrong with an impossible one.
_NoAliasLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_mapping(text: str, what: str) -> dict[str, Any]:
    """Parse editor-written YAML safely; raise RefusedError with a one-line reason."""
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - safe subclass
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        first = " ".join(str(exc).split())
        raise RefusedError(f"unreadable {what}: {first[:200]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RefusedError(f"unreadable {what}: expected a mapping of fields, got {type(data).__name__}")
    return data


def decode(raw: bytes) -> tuple[str, str, list[str]]:
    """Bytes to clean text. Returns (text, encoding, normalisations); raises RefusedError."""
    if not raw:
        raise RefusedError("empty file")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RefusedError("binary file (contains NUL bytes), not text")
    notes: list[str] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        notes.append("removed UTF-8 byte-order mark")
    try:
        text = raw.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
            encoding = "windows-1252"
            notes.append("decoded as Windows-1252 (not valid UTF-8)")
        except UnicodeDecodeError:
            raise RefusedError("not UTF-8 and not Windows-1252 text") from None
    sample = text[:8192]
    if sample and len(_CONTROL_RE.findall(sample)) > max(16, len(sample) * 0.1):
        raise RefusedError("binary file (mostly control characters), not text")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("converted CRLF/CR line endings")
    fixed = ftfy.fix_text(text, config=_FTFY) if _MOJIBAKE_HINT.search(text) else text
    if fixed != text:
        notes.append("repaired mojibake or non-normalised Unicode")
        text = fixed
    stripped = _CONTROL_RE.sub("", text)
    if stripped != text:
        notes.append(f"removed {len(text) - len(stripped)} control characters")
        text = stripped
    stripped = _INVISIBLE_RE.sub("", text)
    if stripped != text:
        notes.append(f"removed {len(text) - len(stripped)} invisible formatting characters")
        text = stripped
    text = unicodedata.normalize("NFC", text)
    return text, encoding, notes


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split `---` YAML front matter from a Markdown file's body."""
    if not text.startswith("---\n"):
        return None, text
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], flags=re.M)
    if not end:
        raise RefusedError("front matter starts with '---' but never ends")
    return text[4 : 4 + end.start()], text[4 + end.end() :].lstrip("\n")


def _as_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RefusedError(f"metadata field '{field}' must be a string or a list of strings")
    out = [" ".join(v.split()) for v in value]
    return [v for v in out if v]


def parse_date(value: Any) -> str:
    """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY) that really exists; raise otherwise."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1000 <= value <= 9999:
        return f"{value:04d}"
    if not isinstance(value, str):
        raise RefusedError(f"metadata field 'date' must be an ISO date, got {value!r:.60}")
    value = value.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m:
        raise RefusedError(f"metadata field 'date' is not an ISO date (YYYY-MM-DD): {value!r:.60}")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            _dt.date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            raise ValueError
    except ValueError:
        raise RefusedError(f"metadata field 'date' is a date that does not exist: {value}") from None
    return value


def validate_url(value: str, field: str) -> str:
    value = value.strip()
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in value for c in " \n\t<>\"'`"):
        raise RefusedError(f"metadata field '{field}' must be an http(s) URL, got {value[:80]!r}")
    return value


def validate_metadata(raw: dict[str, Any]) -> dict[str, Any]:
    """Check field names and types; return normalised metadata. Raise RefusedError."""
    unknown = sorted(str(k) for k in raw if k not in KNOWN_FIELDS)
    if unknown:
        raise RefusedError(
            f"unknown metadata field {unknown[0]!r:.60} (known fields: {', '.join(sorted(KNOWN_FIELDS))})"
        )
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key in LIST_FIELDS:
            meta[key] = _as_list(value, key)
        elif key == "date":
            meta["date"] = parse_date(value)
        elif key == "keep_lines":  # line numbers the cleaner took out that the editor keeps in the body
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in items):
                raise RefusedError("metadata field 'keep_lines' must be a list of line numbers (1, 2, ...)")
            meta["keep_lines"] = sorted(set(items))
        else:
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise RefusedError(f"metadata field '{key}' must be text, got {type(value).__name__}")
            text = " ".join(str(value).split())
            if not text:
                continue
            meta[key] = text
    if "id" in meta and not ID_RE.match(meta["id"]):
        raise RefusedError(
            f"metadata id {meta['id']!r:.60} is not allowed (use 1-64 lower-case letters, digits and hyphens)"
        )
    if "id" in meta and meta["id"] in RESERVED_IDS:
        raise RefusedError(f"metadata id {meta['id']!r} collides with a file of the site (cite/{meta['id']}.bib)")
    if "slug" in meta:
        if not SLUG_RE.match(meta["slug"]):
            raise RefusedError(
                f"metadata slug {meta['slug']!r:.60} is not allowed (use lower-case letters, digits and hyphens)"
            )
        if meta["slug"] in RESERVED_SLUGS:
            raise RefusedError(f"metadata slug {meta['slug']!r} collides with a page of the site")
    if "source_url" in meta:
        meta["source_url"] = validate_url(meta["source_url"], "source_url")
    if "language" in meta and not LANG_RE.match(meta["language"]):
        raise RefusedError(f"metadata language {meta['language']!r:.30} is not a language tag such as 'en'")
    if "title" in meta and len(meta["title"]) > 300:
        raise RefusedError("metadata title is longer than 300 characters")
    return meta


def default_id(stem: str) -> str | None:
    """The id a file name implies: the hex in `NNN_<hex>`, else the name as a slug."""
    m = SEED_NAME_RE.match(stem)
    if m:
        return m.group("id")
    from slugify import slugify

    candidate = slugify(stem, max_length=64, word_boundary=True)
    if candidate in RESERVED_IDS:
        candidate = f"{candidate}-article"
    return candidate if candidate and ID_RE.match(candidate) else None


def read_article(path: Path, rel: str, sidecar: Path | None, sidecar_rel: str | None) -> SourceArticle:
    """Read one article file (and its sidecar). Raises RefusedError with the reason."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RefusedError(f"file is {size // (1024 * 1024)} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    raw = path.read_bytes()
    text, encoding, notes = decode(raw)
    meta_raw: dict[str, Any] = {}
    metadata_files: list[str] = []
    if path.suffix == ".md":
        front, text = split_front_matter(text)
        if front is not None:
            meta_raw.update(load_yaml_mapping(front, "front matter"))
    if sidecar is not None:
        if sidecar.stat().st_size > MAX_METADATA_BYTES:
            raise RefusedError(f"metadata file {sidecar_rel} is larger than {MAX_METADATA_BYTES // 1024} KB")
        try:
            side_text, _, _ = decode(sidecar.read_bytes())
        except RefusedError as exc:
            if exc.reason == "empty file":
                side_text = ""
            else:
                raise RefusedError(f"metadata file {sidecar_rel}: {exc.reason}") from None
        side = load_yaml_mapping(side_text, f"metadata file {sidecar_rel}")
        meta_raw.update(side)  # the sidecar overrides front matter
        metadata_files.append(sidecar_rel or "")
    meta = validate_metadata(meta_raw)
    if "id" not in meta:
        implied = default_id(path.stem)
        if implied is None:
            raise RefusedError("cannot derive an id from the file name; set 'id' in its metadata")
        meta["id"] = implied
    if not text.strip():
        raise RefusedError("no text (the file holds only whitespace)" if raw else "empty file")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceArticle(
        source_file=rel,
        path=path,
        text=text,
        metadata=meta,
        metadata_files=metadata_files,
        encoding=encoding,
        normalisations=notes,
        content_hash=digest,
        git_blob=git_blob_sha(raw),  # for the registry's versions, without reading the file again
    )


def _read_job(job: tuple[Path, str, Path | None, str | None]) -> SourceArticle | Refusal:
    path, rel, sidecar, sidecar_rel = job
    try:
        return read_article(path, rel, sidecar, sidecar_rel)
    except RefusedError as exc:
        return Refusal(rel, exc.reason)
    except OSError as exc:
        return Refusal(rel, f"cannot read file: {exc.strerror or exc}")


def _stamp(path: Path | str | None) -> tuple | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return ("missing",)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read_all(to_read: list[tuple[Path, str, Path | None, str | None]],
              kept: dict[tuple, SourceArticle | Refusal] | None) -> list[SourceArticle | Refusal]:
    """Read the files; with ``kept`` (the build cache's files), a file whose size,
    modification time and inode did not change (nor its metadata file's) is not read
    again, and ``kept`` is left holding this call's files only."""
    if kept is None:  # a one-off build: keep nothing
        return parallel.ordered_map(_read_job, to_read)
    keys = []
    for p, rel, side, side_rel in to_read:
        path, side_path = str(p), str(side)
        keys.append((path, rel, _stamp(path), side_path, side_rel, _stamp(side_path) if side is not None else None))
    misses = [i for i, key in enumerate(keys) if key not in kept]
    fresh = parallel.ordered_map(_read_job, [to_read[i] for i in misses])
    cache = {key: kept[key] for key in keys if key in kept}  # forget files gone or changed
    for i, outcome in zip(misses, fresh):
        cache[keys[i]] = outcome
    kept.clear()
    kept.update(cache)
    return [cache[key] for key in keys]


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _files_under(source_dir: Path) -> list[tuple[str, bool]]:
    """Every file under source_dir, and every symbolic link (not followed), as its path
    relative to the folder (POSIX separators) and whether it is a link, sorted by that
    path: what ``source_dir.rglob("*")`` filtered by ``is_file() or is_symlink()`` gives,
    listed with os.scandir (a rebuild of `mkdocs serve` lists the folder each time)."""
    found: list[tuple[str, bool]] = []
    folders = [(str(source_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_symlink():
                    found.append((rel, True))
                elif entry.is_dir():
                    folders.append((entry.path, rel + "/"))
                elif entry.is_file():
                    found.append((rel, False))
    found.sort()
    return found


def discover(source_dir: Path, kept: dict[tuple, SourceArticle | Refusal] | None = None) -> ReadResult:
    """Read every file under source_dir. Deterministic order (sorted by relative path).
    ``kept`` (the build cache's ``files``, `mkdocs serve`): what the last call read, taken
    for the files that did not change, and left holding what this call read."""
    files = _files_under(source_dir)
    refusals: list[Refusal] = []
    articles: list[SourceArticle] = []
    metadata_files: dict[str, str] = {}
    by_stem: dict[str, list[str]] = {}
    suffix = {rel: _suffix(rel.rpartition("/")[2]) for rel, _ in files}
    for rel, _ in files:
        by_stem.setdefault(rel[: len(rel) - len(suffix[rel])], []).append(rel)

    sidecar_for: dict[str, str] = {}
    claimed_meta: set[str] = set()
    to_read: list[tuple[Path, str, Path | None, str | None]] = []
    article_for: dict[str, str] = {}  # metadata file -> the (first) article it sits beside
    for rel, _ in files:
        if suffix[rel] in ARTICLE_SUFFIXES:
            siblings = [s for s in by_stem[rel[: len(rel) - len(suffix[rel])]] if suffix[s] in METADATA_SUFFIXES]
            if siblings:
                sidecar_for[rel] = siblings[0]
                claimed_meta.update(siblings)
                for side in siblings:
                    article_for.setdefault(side, rel)

    for rel, is_link in files:
        if any(part.startswith(".") for part in rel.split("/")):
            refusals.append(Refusal(rel, "hidden file (name starts with '.'); rename it to publish it"))
            continue
        if is_link:
            refusals.append(Refusal(rel, "symbolic link; copy the article into the folder instead"))
            continue
        ext = suffix[rel]
        if ext in METADATA_SUFFIXES:
            if rel in claimed_meta:
                article = article_for[rel]
                if sidecar_for.get(article) == rel:
                    metadata_files[rel] = article
                    continue
                refusals.append(Refusal(rel, f"second metadata file for {article}; merge it into one"))
                continue
            refusals.append(Refusal(rel, "metadata file with no article beside it (expected a .txt or .md of the same name)"))
            continue
        if ext not in ARTICLE_SUFFIXES:
            refusals.append(Refusal(rel, f"unsupported file type '{ext or '(none)'}' (articles are .txt or .md)"))
            continue
        sidecar = sidecar_for.get(rel)
        to_read.append((source_dir / rel, rel, source_dir / sidecar if sidecar else None, sidecar))
    for outcome in _read_all(to_read, kept):
        if isinstance(outcome, Refusal):
            refusals.append(outcome)
        else:
            articles.append(outcome)
    # a sidecar whose article was refused is accounted for with that refusal
    refused = {r.source_file for r in refusals}
    for side_rel, art_rel in list(metadata_files.items()):
        if art_rel in refused:
            del metadata_files[side_rel]
            refusals.append(Refusal(side_rel, f"metadata for {art_rel}, which was refused"))
    return ReadResult(articles=articles, refusals=refusals, metadata_files=metadata_files, files_seen=len(files))


def git_blob_sha(raw: bytes) -> str:
    """The id git gives a file with these bytes (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()  # noqa: S324 - git's own id
