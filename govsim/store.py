"""The results store: one directory per finished run, written atomically.

Layout under an experiment's ``out_dir``::

    runs/<key>/requests.parquet, kpis.parquet, timeseries.parquet,
               utilisation.parquet, config.json, meta.json (written last)
    summary.parquet, summary.csv, comparison.csv, manifest.json

A run counts as done only when its ``meta.json`` exists, records the size and
sha256 of every other file of the run, and every file matches (:meth:`RunStore.check`).
``meta.json`` also records the model fingerprint (:func:`govsim.provenance.model_fingerprint`):
a run stored by other model code is recomputed, never reused. Every file is written
to a temporary name in its own directory and moved into place with :func:`os.replace`.
A run being computed is claimed by an exclusive ``runs/<key>.claim`` file, so that two
processes on the same store do not compute it twice (:meth:`RunStore.claim`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.errors import ScenarioError
from govsim.processes import pid_running

__all__ = ["DAMAGED", "MISSING", "MODEL_CHANGED", "OK", "RunStore", "canonical_json", "file_digest",
           "run_key"]

TMP_SUFFIX = ".tmp"
CLAIM_SUFFIX = ".claim"
CLAIM_TTL_SECONDS = 24 * 3600  # a claim from another host counts as abandoned after this
# check() results: a usable run, or why it must be (re)computed
OK, MISSING, DAMAGED, MODEL_CHANGED = "ok", "missing", "damaged", "model_changed"


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the same object always gives the same text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str, allow_nan=True)


def run_key(scenario: dict[str, Any], seed: int, version: str) -> str:
    """The store key of one run: sha256 of (resolved scenario, seed, govsim version)[:16]."""
    text = canonical_json({"scenario": scenario, "seed": int(seed), "govsim": version})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class RunStore:
    """Reads and writes run directories under one root; never writes outside it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def path(self, *parts: str) -> Path:
        """A path inside the root; raises :class:`ScenarioError` if it would leave the root."""
        p = self.root.joinpath(*parts).resolve()
        if p != self.root and not p.is_relative_to(self.root):
            raise ScenarioError("out", str(p), f"must stay inside {self.root}")
        return p

    def run_dir(self, key: str) -> Path:
        """The directory of the run with ``key``."""
        return self.path("runs", key)

    def is_done(self, key: str) -> bool:
        """Whether the run with ``key`` is completely stored."""
        return (self.run_dir(key) / "meta.json").is_file()

    def clean_partial(self) -> int:
        """Delete temporary files left by interrupted writes; return how many.

        A temporary file names the process writing it (``<name>.tmp<pid>``); one whose
        process still runs here is being written now (another process sharing this
        store) and is left alone unless it is older than a day (a reused pid).
        """
        if not self.root.is_dir():
            return 0
        pattern = f"*{TMP_SUFFIX}*"
        stale = [p for p in [*self.root.glob(pattern), *self.root.glob(f"runs/*/{pattern}")]
                 if p.is_file() and not _being_written(p)]
        for p in stale:
            p.unlink(missing_ok=True)
        return len(stale)

    def write_file(self, rel: str, write: Callable[[Path], None]) -> Path:
        """Write one file atomically: ``write`` fills a temp path that is then renamed."""
        final = self.path(rel)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f"{final.name}{TMP_SUFFIX}{os.getpid()}")
        try:
            write(tmp)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return final

    def write_json(self, rel: str, obj: Any) -> Path:
        """Write a JSON document atomically."""
        text = json.dumps(obj, indent=2, sort_keys=True, default=str)

        def write(p: Path) -> None:
            p.write_text(text + "\n", encoding="utf-8")

        return self.write_file(rel, write)

    def write_frame(self, rel: str, frame: pd.DataFrame) -> Path:
        """Write a DataFrame atomically, as Parquet or CSV by the file's suffix."""
        if rel.endswith(".csv"):
            return self.write_file(rel, lambda p: frame.to_csv(p, index=False))
        return self.write_file(rel, lambda p: frame.to_parquet(p, index=False))

    def write_run(self, key: str, frames: dict[str, pd.DataFrame], config: dict[str, Any],
                  meta: dict[str, Any]) -> None:
        """Store one run: its frames and config first, ``meta.json`` (with checksums) last."""
        (self.run_dir(key) / "meta.json").unlink(missing_ok=True)  # never a stale meta
        paths = [self.write_frame(f"runs/{key}/{name}.parquet", frame)
                 for name, frame in frames.items()]
        paths.append(self.write_json(f"runs/{key}/config.json", config))
        files = {p.name: {"bytes": p.stat().st_size, "sha256": file_digest(p)} for p in paths}
        self.write_json(f"runs/{key}/meta.json", {**meta, "files": files})

    def check(self, key: str, fingerprint: str | None = None) -> str:
        """Whether a stored run can be used: ``ok``, ``missing``, ``damaged`` or ``model_changed``.

        ``damaged``: meta.json unreadable, or a file it lists missing, of another size or
        checksum, or no kpis. ``model_changed``: stored by code with another fingerprint.
        Never raises for what it finds on disk.
        """
        run = self.run_dir(key)
        if not (run / "meta.json").is_file():
            return DAMAGED if run.is_dir() and any(run.iterdir()) else MISSING
        try:
            meta = self.read_meta(key)
            files = meta["files"]
            if not isinstance(files, dict) or "kpis.parquet" not in files:
                return DAMAGED
            for name, want in files.items():
                path = self.path("runs", key, str(name))
                if path.stat().st_size != want["bytes"] or file_digest(path) != want["sha256"]:
                    return DAMAGED
        except (OSError, ValueError, KeyError, TypeError, ScenarioError):
            return DAMAGED
        if fingerprint is not None and meta.get("model_fingerprint") != fingerprint:
            return MODEL_CHANGED
        return OK

    def discard(self, key: str) -> None:
        """Delete a stored run (before it is recomputed)."""
        shutil.rmtree(self.run_dir(key), ignore_errors=True)

    def claim(self, key: str) -> bool:
        """Claim the run ``key`` for this process; False if a live process holds it.

        A claim left by a dead process on this host (or older than a day from another
        host) is taken over. Release it with :meth:`release`.
        """
        path = self.path("runs", f"{key}{CLAIM_SUFFIX}")
        path.parent.mkdir(parents=True, exist_ok=True)
        mine = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()})
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if not _abandoned(path):
                    return False
                path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(mine)
            return True
        return False

    def release(self, key: str) -> None:
        """Give up the claim on ``key`` (if this process holds it)."""
        path = self.path("runs", f"{key}{CLAIM_SUFFIX}")
        try:
            holder = json.loads(path.read_text(encoding="utf-8"))
            if holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname():
                path.unlink(missing_ok=True)
        except (OSError, ValueError, AttributeError):
            pass

    def read_meta(self, key: str) -> dict[str, Any]:
        """The ``meta.json`` of a stored run."""
        with open(self.run_dir(key) / "meta.json", encoding="utf-8") as f:
            meta: dict[str, Any] = json.load(f)
        if not isinstance(meta, dict):
            raise ValueError("meta.json is not a mapping")
        return meta

    def read_kpis(self, key: str) -> pd.Series:
        """The KPIs of a stored run as a float Series indexed by KPI name."""
        df = pd.read_parquet(self.run_dir(key) / "kpis.parquet")
        return pd.Series(df["value"].to_numpy(dtype=float), index=df["kpi"].astype(str))


def _being_written(path: Path) -> bool:
    """Whether the temporary file ``path`` belongs to a process running on this host now."""
    pid = path.name.rsplit(TMP_SUFFIX, 1)[-1]
    try:
        recent = time.time() - path.stat().st_mtime < CLAIM_TTL_SECONDS
    except OSError:
        return False
    return pid.isdigit() and int(pid) != os.getpid() and recent and pid_running(int(pid))


def _abandoned(path: Path) -> bool:
    """Whether a claim file's holder is gone (dead pid here, or too old elsewhere)."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        host, pid, at = holder["host"], int(holder["pid"]), float(holder["at"])
    except (OSError, ValueError, KeyError, TypeError):
        try:  # unreadable: being written right now, or garbage from a crash
            return time.time() - path.stat().st_mtime > 60
        except OSError:
            return True
    if host != socket.gethostname():
        return time.time() - at > CLAIM_TTL_SECONDS
    return not pid_running(pid)


