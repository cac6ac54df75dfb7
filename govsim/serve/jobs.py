"""Background runs: one experiment at a time, in its own process group, seen by every tab.

A job writes ``spec.yaml`` into ``<workdir>/experiments/<spec id>/`` and runs
:mod:`govsim.serve.worker` there, which calls :func:`govsim.run_experiment`
(results store, common random numbers, the processes executor by default). The
same spec reuses the same directory, so a cancelled or interrupted run resumes:
stored runs are skipped. Progress is the number of runs stored so far.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from govsim.experiment.store import RunStore

__all__ = ["Job", "JobManager"]


@dataclass
class Job:
    """One experiment run in the background."""

    out_dir: Path
    total: int
    process: subprocess.Popen[bytes]
    cancelled: bool = False

    @property
    def done(self) -> int:
        """Runs stored so far (a resumed job counts those already stored)."""
        runs = self.out_dir / "runs"
        return sum(1 for _ in runs.glob("*/meta.json")) if runs.is_dir() else 0

    @property
    def status(self) -> str:
        """``running``, ``done``, ``cancelled`` or ``failed``."""
        code = self.process.poll()
        if code is None:
            return "running"
        if self.cancelled:
            return "cancelled"
        return "done" if code == 0 and (self.out_dir / "manifest.json").is_file() else "failed"

    @property
    def error(self) -> str:
        """The worker's one-line error (empty if none)."""
        path = self.out_dir / "error.txt"
        return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


class JobManager:
    """Starts, cancels and reports the workbench's one background job."""

    def __init__(self, workdir: Path, executor: str = "processes") -> None:
        self.workdir = workdir.resolve()
        self.executor = executor
        self.job: Job | None = None
        self._lock = threading.Lock()

    def busy(self) -> bool:
        """Whether a job is running."""
        return self.job is not None and self.job.status == "running"

    def start(self, spec_yaml: str, spec_id: str, total: int) -> Job | None:
        """Start a job for the spec; None if one is already running."""
        with self._lock:
            if self.busy():
                return None
            out = RunStore(self.workdir).path("experiments", spec_id)
            out.mkdir(parents=True, exist_ok=True)
            (out / "error.txt").unlink(missing_ok=True)
            (out / "spec.yaml").write_text(spec_yaml, encoding="utf-8")
            cmd = [sys.executable, "-m", "govsim.serve.worker", str(out / "spec.yaml"), str(out),
                   self.executor]
            proc = subprocess.Popen(cmd, cwd=out, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.job = Job(out, total, proc)
            return self.job

    def cancel(self) -> None:
        """Stop the running job and its worker processes; finished runs stay stored."""
        with self._lock:
            job = self.job
            if job is None or job.process.poll() is not None:
                return
            job.cancelled = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(job.process.pid, signal.SIGTERM)
            try:
                job.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(job.process.pid, signal.SIGKILL)
                job.process.wait()
            RunStore(job.out_dir).clean_partial()
