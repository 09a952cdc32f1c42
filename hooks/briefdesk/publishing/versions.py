"""Versions: when an article's text changes, its version number goes up and every earlier
version stays readable at `<briefing URL>v<N>/`.

The registry records each version of each briefing: its number, the SHA-256 of its
normalised text, the git blob id of its source file, and the date the archive first
built it. When a new text is seen, the previous version's text is copied into the
repository (`hooks/registry/versions/<id>/v<N>.txt`, from git's object store, where it
was committed) so that a fresh clone rebuilds every version without git history.

``track`` returns each briefing's ``model.VersionInfo`` by id (and the warnings); it
writes the registry's entries and the kept texts, never the briefings. An earlier
version's briefing is made here, before the render: its kept text is read, cleaned and
described (with the article's metadata as it is now and the cleaning rules, as the
render showed it before), and ``VersionInfo.earlier`` carries it, with its version number
and the version that superseded it. A build cache's ``earlier`` part keeps the described
ones, keyed by the kept text's hash, the metadata, the rules' digest and the language, so
an unchanged earlier version is not described again in each rebuild of `mkdocs serve`.

Dates come from SOURCE_DATE_EPOCH when it is set (reproducible builds), else today.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from pathlib import Path

from ..model import Briefing, SourceArticle, VersionInfo
from ..source.clean import CleanRules, clean_article
from ..source.describe import describe
from ..source.read import decode, git_blob_sha


def today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date().isoformat()
    return dt.date.today().isoformat()


def _from_git(blob: str, cwd: Path) -> bytes | None:
    try:
        proc = subprocess.run(["git", "cat-file", "blob", blob], cwd=cwd, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _blob_of(path: Path) -> str:
    try:
        return git_blob_sha(path.read_bytes())
    except OSError:
        return git_blob_sha(b"")


def store_path(store_dir: Path, bid: str, version: int) -> Path:
    return store_dir / bid / f"v{version}.txt"


def _earlier_key(raw: bytes, b: Briefing, rules_digest: str, language: str) -> str:
    """Cache key of an earlier version's described briefing: the kept text, the metadata
    and source file it is described with, the cleaning rules and the language."""
    return hashlib.sha256(
        "\0".join([hashlib.sha256(raw).hexdigest(), json.dumps(b.metadata, sort_keys=True), rules_digest,
                   language, b.source_file]).encode()
    ).hexdigest()


def _describe_kept(raw: bytes, path: Path, b: Briefing, rules: CleanRules, language: str) -> Briefing:
    """An earlier version's briefing, from the text kept in the repository (cleaned with
    no lines counted as recurring)."""
    text, _, _ = decode(raw)
    article = SourceArticle(source_file=b.source_file, path=path, text=text, metadata=b.metadata,
                            content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())
    return describe(article, clean_article(article, rules), language)


def track(registry, briefings: list[Briefing], source_dir: Path, store_dir: Path, rules: CleanRules,
          rules_digest: str, language: str,
          kept: dict[str, Briefing] | None = None) -> tuple[dict[str, VersionInfo], list[str]]:
    """Record versions in the registry, keep superseded texts and describe each earlier
    version still readable. Returns each briefing's versions by id (a briefing the
    registry has no entry for has none), and one-line warnings (a superseded text that
    cannot be kept). ``kept``: the build cache's described earlier versions, by key (left
    holding those this build used)."""
    warnings: list[str] = []
    tracked: dict[str, VersionInfo] = {}
    known = kept if kept is not None else {}
    used: dict[str, Briefing] = {}
    date = today()
    for b in briefings:
        entry = registry.entries.get(b.id)
        if entry is None:
            continue
        blob = b.git_blob or _blob_of(source_dir / b.source_file)  # read already, in a build
        if not entry.versions:
            entry.versions.append({"version": 1, "sha256": b.content_hash, "git_blob": blob, "recorded": date})
        elif entry.versions[-1]["sha256"] != b.content_hash:
            last = entry.versions[-1]
            kept = store_path(store_dir, b.id, last["version"])
            if not kept.exists():
                old = _from_git(last.get("git_blob", ""), source_dir)
                if old is None:
                    warnings.append(
                        f"{b.source_file}: the text changed, but version {last['version']} is not in git "
                        f"(blob {str(last.get('git_blob', ''))[:12]}), so it cannot stay readable; commit articles before revising them"
                    )
                else:
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    kept.write_bytes(old)
            entry.versions.append(
                {"version": last["version"] + 1, "sha256": b.content_hash, "git_blob": blob, "recorded": date}
            )
        elif entry.versions[-1].get("git_blob") != blob:
            entry.versions[-1]["git_blob"] = blob  # same text, other bytes (e.g. line endings)
        current = entry.versions[-1]
        earlier, earlier_briefings = [], []
        for i, v in enumerate(entry.versions[:-1]):
            path = store_path(store_dir, b.id, v["version"])
            if path.exists():
                earlier.append({
                    "version": v["version"],
                    "url": f"{entry.url}v{v['version']}/",
                    "recorded": v["recorded"],
                    "superseded": entry.versions[i + 1]["recorded"],
                    "store": str(path),
                })
                raw = path.read_bytes()
                key = _earlier_key(raw, b, rules_digest, language)
                described = used.get(key) or known.get(key) or _describe_kept(raw, path, b, rules, language)
                used[key] = described  # shared with the cache, never changed: the version's own is a copy
                earlier_briefings.append(described.evolve(version=v["version"], superseded_by=current["version"]))
        tracked[b.id] = VersionInfo(current["version"], current["recorded"] if current["version"] > 1 else None,
                                    tuple(earlier), tuple(earlier_briefings))
    known.clear()  # only what this build used
    known.update(used)
    return tracked, warnings
