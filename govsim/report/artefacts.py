"""Checks that shipped result artefacts are clean: no machine paths, a clean commit.

:func:`artefact_problems` reads every text file under a results folder (HTML, JSON,
CSV, YAML, Markdown) and returns one line per problem: an absolute path of the machine
that built it, a manifest without a git commit, or a manifest recorded from a working
tree with uncommitted changes (``"dirty": true``). ``python -m govsim.experiment.reproduce``
runs it after writing ``results/``, and a test runs it over the shipped folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["ABSOLUTE_PATH", "artefact_problems", "manifest_problems", "text_problems"]

TEXT_SUFFIXES = (".html", ".json", ".csv", ".txt", ".md", ".yaml", ".yml")
#: an absolute path of a Unix home, temporary or checkout folder, a Windows drive, or file://
ABSOLUTE_PATH = re.compile(
    r"(?<![\w.:/-])/(?:tmp|home|root|work|Users|var|opt|mnt|private|srv|media|scratch)/"
    r"[^\s'\"<>]*"
    r"|\b[A-Za-z]:\\\\?[^\s'\"<>]+"
    r"|file://[^\s'\"<>]+")
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def text_problems(text: str, where: str) -> list[str]:
    """Absolute paths in ``text`` (embedded base64 images are skipped)."""
    found = ABSOLUTE_PATH.findall(_DATA_URI.sub("", text))
    return [f"{where}: absolute path {hit!r}" for hit in dict.fromkeys(found)]


def _git_records(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    prov = manifest.get("provenance") or {}
    return [g for g in (manifest.get("git"), prov.get("git")) if isinstance(g, dict)]


def manifest_problems(manifest: dict[str, Any], where: str) -> list[str]:
    """A manifest without a commit, or recorded from a tree with uncommitted changes."""
    records = _git_records(manifest)
    if not records:
        return [f"{where}: no git record"]
    out = []
    for git in records:
        commit = str(git.get("commit") or "")
        if not re.fullmatch(r"[0-9a-f]{40}", commit):
            out.append(f"{where}: no git commit (commit = {git.get('commit')!r})")
        if git.get("dirty") is not False:
            out.append(f"{where}: \"dirty\": {json.dumps(git.get('dirty'))} "
                       "(built from a tree with uncommitted changes)")
    return list(dict.fromkeys(out))


def artefact_problems(results_dir: str | Path) -> list[str]:
    """Every problem found in the text artefacts under ``results_dir`` (empty if clean)."""
    root = Path(results_dir)
    problems: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file()):
        where = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += text_problems(text, where)
        if path.name == "manifest.json":
            problems += manifest_problems(json.loads(text), where)
    return problems
