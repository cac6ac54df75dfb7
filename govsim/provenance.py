"""Provenance of a run: versions, git commit and platform, for manifests."""

from __future__ import annotations

import functools
import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["RESULTS_DIR", "git_state", "model_fingerprint", "package_versions", "provenance",
           "source_fingerprint"]

_PACKAGES = ("govsim", "simpy", "numpy", "pandas", "scipy", "pyarrow", "hydra-core", "matplotlib")


def package_versions() -> dict[str, str]:
    """Installed versions of govsim and the packages a result depends on."""
    out: dict[str, str] = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


#: The reference results folder (``python -m govsim.experiment.reproduce`` writes it), relative
#: to the repository's top level: outputs, not code, so changes there do not make the tree dirty.
RESULTS_DIR = "results"


def git_state(path: Path | None = None, ignore: tuple[str, ...] = (RESULTS_DIR,)) -> dict[str, object]:
    """The git commit and dirty flag of the source tree govsim is imported from, if any.

    Changes to tracked files under the ``ignore`` folders (relative to the
    repository's top level; by default only the results folder) do not count.
    """
    where = path or Path(__file__).resolve().parent
    excluded = [f":(top,exclude){d}" for d in ignore]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ":(top)", *excluded],
            cwd=where, capture_output=True, text=True, timeout=5,
        )
        if status.returncode != 0:
            return {"commit": commit.stdout.strip(), "dirty": None}
        return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def source_fingerprint(root: Path) -> str:
    """sha256 (first 16 hex digits) of every ``*.py`` file under ``root``: paths and bytes."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


@functools.cache
def model_fingerprint() -> str:
    """The fingerprint of the installed govsim package's source (computed once a process).

    Any change to any source file changes it, so that a results store recomputes the
    runs that other code produced instead of reusing them.
    """
    return source_fingerprint(Path(__file__).resolve().parent)


def provenance() -> dict[str, object]:
    """Everything needed to say which code produced a result."""
    versions = package_versions()
    return {
        "govsim_version": versions["govsim"],
        "model_fingerprint": model_fingerprint(),
        "git": git_state(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }
