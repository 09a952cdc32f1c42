"""Versions: when an article's text changes, its version number goes up and every earlier
version stays readable at `<briefing URL>v<N>/`.

The registry records each version of each briefing: its number, the SHA-256 of its
normalised text, the git blob id of its source file, and the date the archive first
built it. When a new text is seen, the previous version's text is copied into the
repository (`hooks/registry/versions/<id>/v<N>.txt`, from git's object store, where it
was committed) so that a fresh clone rebuilds every version without git history.

``track`` returns each briefing's ``model.VersionInfo`` by id (and the warnings); it
writes the registry's entries and the kept texts, never the briefings.

Dates come from SOURCE_DATE_EPOCH when it is set (reproducible builds), else today.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from ..model import Briefing, VersionInfo
from ..source.read import git_blob_sha


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


def track(registry, briefings: list[Briefing], source_dir: Path,
          store_dir: Path) -> tuple[dict[str, VersionInfo], list[str]]:
    """Record versions in the registry and keep superseded texts. Returns each briefing's
    versions by id (a briefing the registry has no entry for has none), and one-line
    warnings (a superseded text that cannot be kept)."""
    warnings: list[str] = []
    tracked: dict[str, VersionInfo] = {}
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
        earlier = []
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
        tracked[b.id] = VersionInfo(current["version"], current["recorded"] if current["version"] > 1 else None,
                                    tuple(earlier))
    return tracked, warnings
