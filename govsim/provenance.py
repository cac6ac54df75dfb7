"""Provenance of a run: versions, git commit and platform, for manifests."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["git_state", "package_versions", "provenance"]

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


def git_state(path: Path | None = None) -> dict[str, object]:
    """The git commit and dirty flag of the source tree govsim is imported from, if any."""
    where = path or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where, capture_output=True, text=True, timeout=5,
        )
        return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def provenance() -> dict[str, object]:
    """Everything needed to say which code produced a result."""
    versions = package_versions()
    return {
        "govsim_version": versions["govsim"],
        "git": git_state(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }
